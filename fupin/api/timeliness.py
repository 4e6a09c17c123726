"""Timeliness: per unit on time / late / missing for a round, the timeliness page's table, paged."""

from datetime import date, datetime
from typing import Literal

from ninja import Query, Router, Schema

from fupin.api.paging import PageIn, bounds
from fupin.api.periods import period_or_404
from fupin.api.unit_reports import ERRORS
from fupin.reporting.models import period_name
from fupin.reporting.timeliness import TIMELINESS_STATUSES, latest_due_period, round_timeliness

router = Router(tags=["及时率"])
STATUS_LABELS = {"on_time": "按时", "late": "逾期", "missing": "未报"}


class TimelinessIn(Schema):
    period: str | None = None  # default: the latest round already due, as the page opens on
    status: Literal[TIMELINESS_STATUSES] | None = None


class UnitTimelinessOut(Schema):
    unit_id: int
    unit: str
    status: str
    status_label: str
    submitted_at: datetime | None
    days_late: int  # working days after the deadline
    reminders: int
    zero_report: bool
    year_rounds: int  # the year's rounds already due
    year_on_time: int
    year_rate: str  # percent, one place; "" when none due


class TimelinessPage(Schema):
    period: str
    period_label: str
    deadline: date
    rule: str
    rule_label: str
    on_time: int
    late: int
    missing: int
    count: int  # rows of the status asked (all units without one)
    offset: int
    limit: int
    items: list[UnitTimelinessOut]
    warnings: list[str] = []


@router.get("/timeliness", response={200: TimelinessPage, **ERRORS},
            summary="及时率：各单位按时、逾期、未报（与“及时情况”页面相同，分页）")
def timeliness(request, query: Query[TimelinessIn], page: Query[PageIn]):
    offset, limit = bounds(page)
    period = period_or_404(query.period) if query.period else latest_due_period()
    result = round_timeliness(period=period, user=request.user)
    entries = getattr(result, query.status) if query.status else result.units
    items = [{"unit_id": e.unit.pk, "unit": e.unit.display_name, "status": e.status,
              "status_label": STATUS_LABELS[e.status], "submitted_at": e.submitted_at, "days_late": e.days_late,
              "reminders": e.reminders, "zero_report": e.zero_report, "year_rounds": e.year_rounds,
              "year_on_time": e.year_on_time, "year_rate": e.year_rate} for e in entries[offset:offset + limit]]
    return {"period": str(period), "period_label": period_name(period), "deadline": result.deadline,
            "rule": result.rule, "rule_label": result.rule_label, "on_time": len(result.on_time),
            "late": len(result.late), "missing": len(result.missing), "count": len(entries), "offset": offset,
            "limit": limit, "items": items, "warnings": result.warnings}
