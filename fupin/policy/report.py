"""fupin report compliance --period 2020-01:2020-12 [--json] [-o FILE]: 政策规则落实情况（按单位）"""

from fupin.core.periods import Period
from fupin.core.safe_files import Output, json_output
from fupin.policy.compliance import compliance_report
from fupin.policy.formats import compliance_json
from fupin.policy.summary import summary_from_report


def add_arguments(parser) -> None:
    parser.add_argument("--period", required=True, help="期间，YYYY-MM 或 YYYY-MM:YYYY-MM，须在同一年内")
    parser.add_argument("--json", action="store_true", help="输出 JSON（缺省输出中文文字摘要）")
    parser.add_argument("-o", "--output", help="输出文件；缺省写到标准输出")


def render(period: Period, *, as_json: bool, user=None) -> Output:
    report = compliance_report(period=period, user=user)
    name = f"政策规则落实情况_{period}"
    if as_json:
        return json_output(compliance_json(report), f"{name}.json")
    summary = summary_from_report(report)
    text = "\n\n".join([summary.heading, *summary.paragraphs]) + "\n"
    return Output(text.encode("utf-8"), f"{name}.txt", False)


def run(options) -> Output:
    return render(Period.parse(options["period"]), as_json=options["json"])
