"""fupin report attachment --period 2020-01:2020-10 --format json|xlsx|docx|html [-o FILE]"""

from django.template.loader import render_to_string

from fupin.core.periods import Period
from fupin.core.safe_files import Output, json_output
from fupin.insights.attachment import attachment_table
from fupin.publishing import attachment_formats as formats

FORMATS = ("json", "xlsx", "docx", "html")


def add_arguments(parser) -> None:
    parser.add_argument("--period", required=True, help="期间，YYYY-MM 或 YYYY-MM:YYYY-MM")
    parser.add_argument("--format", default="json", choices=FORMATS, help="输出格式")
    parser.add_argument("-o", "--output", help="输出文件；缺省时文本格式写到标准输出")


def render(period: Period, fmt: str, user=None) -> Output:
    table = attachment_table(period=period, user=user)
    name = f"附件_{table.title}"
    if fmt == "json":
        return json_output(formats.attachment_json(table), f"{name}.json")
    if fmt == "xlsx":
        return Output(formats.attachment_xlsx(table), f"{name}.xlsx", True)
    if fmt == "docx":
        return Output(formats.attachment_docx(table), f"{name}.docx", True)
    html = render_to_string("publishing/attachment_print.html", {"table": table})
    return Output(html.encode("utf-8"), f"{name}.html", False)


def run(options) -> Output:
    return render(Period.parse(options["period"]), options["format"])
