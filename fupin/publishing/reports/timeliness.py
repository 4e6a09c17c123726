"""fupin report timeliness --period 2020-10 [--json]: who reported the round on time, late, or not at all"""

from django.utils import timezone

from fupin.core.periods import Period, date_cn
from fupin.core.safe_files import Output, json_output
from fupin.reporting.models import period_name
from fupin.reporting.timeliness import RoundTimeliness, round_timeliness


def add_arguments(parser) -> None:
    parser.add_argument("--period", required=True, help="期间，YYYY-MM 或 YYYY-MM:YYYY-MM")
    parser.add_argument("--json", action="store_true", help="输出 JSON")


def _at(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def timeliness_json(t: RoundTimeliness) -> dict:
    """The shape the issue names, with a few more fields: every active unit is in exactly one list."""
    def rate(e) -> dict:
        return {"year_rounds": e.year_rounds, "year_on_time": e.year_on_time, "year_on_time_rate": e.year_rate}

    return {
        "period": str(t.period), "deadline": t.deadline.isoformat(), "rule": t.rule,
        "on_time": [{"unit": e.unit.display_name, "submitted_at": _at(e.submitted_at), "reminders": e.reminders,
                     "zero_report": e.zero_report, **rate(e)} for e in t.on_time],
        "late": [{"unit": e.unit.display_name, "days_late": e.days_late, "reminders": e.reminders,
                  "submitted_at": _at(e.submitted_at), "zero_report": e.zero_report, **rate(e)} for e in t.late],
        "missing": [{"unit": e.unit.display_name, "reminders": e.reminders, **rate(e)} for e in t.missing],
        "warnings": t.warnings,
    }


def timeliness_text(t: RoundTimeliness) -> str:
    lines = [f"{period_name(t.period)}　截止日期 {date_cn(t.deadline)}（{t.rule_label}）",
             f"按时 {len(t.on_time)} 个，逾期 {len(t.late)} 个，未报 {len(t.missing)} 个"]
    lines += [f"按时\t{e.unit.display_name}\t{timezone.localtime(e.submitted_at):%Y-%m-%d %H:%M}" for e in t.on_time]
    lines += [f"逾期\t{e.unit.display_name}\t{e.days_late}个工作日\t催报{e.reminders}次" for e in t.late]
    lines += [f"未报\t{e.unit.display_name}\t\t催报{e.reminders}次" for e in t.missing]
    lines += [f"警告：{w}" for w in t.warnings]
    return "\n".join(lines) + "\n"


def run(options) -> Output:
    period = Period.parse(options["period"])
    result = round_timeliness(period=period)
    name = f"及时率_{period}".replace(":", "_")
    if options.get("json"):
        return json_output(timeliness_json(result), f"{name}.json")
    return Output(timeliness_text(result).encode("utf-8"), f"{name}.txt", False)
