"""Rounds and deadlines: the rounds page's rows (the office's rounds and the recent months due by default), each
with its deadline and how many of the person's units stand in each report status; one round with its timeliness
counts; a year's month deadlines as the calendar page lists them."""

from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from ninja import Query, Router, Schema

from fupin.api.paging import PageIn, bounds
from fupin.api.periods import period_or_404
from fupin.core.periods import Period
from fupin.reporting.calendar import WorkCalendar
from fupin.reporting.deadlines import month_deadlines, round_deadline, round_for
from fupin.reporting.models import Round, Status, Submission, period_name
from fupin.reporting.selectors import rounds_overview
from fupin.reporting.timeliness import timeliness_summary
from fupin.units import access
from fupin.units.selectors import reporting_units

router = Router(tags=["轮次与截止日期"])


class StatusCounts(Schema):
    draft: int = 0
    submitted: int = 0
    returned: int = 0
    approved: int = 0


class TimelinessCounts(Schema):
    on_time: int
    late: int
    missing: int


class RoundOut(Schema):
    period: str
    period_label: str
    rule: str
    rule_label: str
    workdays_after: int | None
    day_of_month: int | None
    fixed_date: date | None
    note: str
    is_default: bool  # no round opened: due on the month's last working day
    deadline: date
    units: int  # the reporting units the token's person may see
    status_counts: StatusCounts
    warnings: list[str] = []


class RoundDetailOut(RoundOut):
    timeliness: TimelinessCounts


class RoundsPage(Schema):
    count: int
    offset: int
    limit: int
    items: list[RoundOut]


class MonthDeadlineOut(Schema):
    month: int
    period: str
    last_workday: date
    deadline: date
    rule: str
    rule_label: str
    is_default: bool


class DeadlinesOut(Schema):
    year: int
    months: list[MonthDeadlineOut]
    warnings: list[str] = []


def _status_counts(user, periods: list[Period]) -> dict[Period, dict]:
    """Report statuses of the person's units, for all the periods at once (one query)."""
    if not periods:
        return {}
    within = reduce(or_, (Q(first_month=p.first, last_month=p.last) for p in periods))
    rows = (Submission.objects.filter(within).filter(access.visible_units_q(user, "unit__"))
            .values_list("first_month", "last_month", "status").annotate(n=Count("pk")).order_by())
    counts: dict[Period, dict] = {p: {} for p in periods}
    for first, last, status, n in rows:
        counts.setdefault(Period(first, last), {})[status] = n
    return counts


def _round(round_: Round, deadline, units: int, counts: dict) -> dict:
    period = round_.period
    return {"period": str(period), "period_label": period_name(period), "rule": round_.rule,
            "rule_label": round_.get_rule_display(), "workdays_after": round_.workdays_after,
            "day_of_month": round_.day_of_month, "fixed_date": round_.fixed_date, "note": round_.note,
            "is_default": round_.pk is None, "deadline": deadline.day, "units": units,
            "status_counts": {s: counts.get(s, 0) for s in Status.values}, "warnings": deadline.warnings}


@router.get("/rounds", response=RoundsPage, summary="统计轮次（与“统计轮次”页面相同的行，分页）")
def rounds(request, page: Query[PageIn]):
    offset, limit = bounds(page)
    rows = rounds_overview(limit=None)
    shown = rows[offset:offset + limit]
    counts = _status_counts(request.user, [row.period for row in shown])
    units = reporting_units().filter(access.visible_units_q(request.user)).count()
    return {"count": len(rows), "offset": offset, "limit": limit,
            "items": [_round(row.round, row.deadline, units, counts[row.period]) for row in shown]}


@router.get("/rounds/{period}", response=RoundDetailOut, summary="某期统计轮次：截止日期、报表状态、按时/逾期/未报")
def round_detail(request, period: str):
    period_ = period_or_404(period)
    round_ = round_for(period_)
    deadline = round_deadline(round_, WorkCalendar())
    t = timeliness_summary(period=period_, user=request.user, named=0)
    units = t.on_time.count + t.late.count + t.missing.count
    out = _round(round_, deadline, units, _status_counts(request.user, [period_])[period_])
    out["timeliness"] = {"on_time": t.on_time.count, "late": t.late.count, "missing": t.missing.count}
    return out


class YearIn(Schema):
    year: int | None = None


@router.get("/deadlines", response=DeadlinesOut, summary="某年各月截止日期（与“工作日历”页面相同）")
def deadlines(request, query: Query[YearIn]):
    from django.utils import timezone

    year = query.year or timezone.localdate().year
    calendar = WorkCalendar()
    months = month_deadlines(year, calendar)
    return {"year": year, "warnings": calendar.warnings, "months": [
        {"month": m["month"], "period": str(m["round"].period), "last_workday": m["last_workday"],
         "deadline": m["deadline"].day, "rule": m["round"].rule, "rule_label": m["round"].get_rule_display(),
         "is_default": m["round"].pk is None} for m in months]}
