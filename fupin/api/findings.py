"""Findings and 上报说明: a report's findings as its 报表检查 page shows them, with the unit's explanations;
saving a line's 上报说明 as that page does (the same service, the same audit row); and the office's review queue,
every finding of the period from the stored items the web queue pages (quality/stored.py), filtered the same way."""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Query, Router, Schema

from fupin.api.paging import PageIn, bounds
from fupin.api.periods import period_or_404
from fupin.api.unit_reports import ERRORS
from fupin.api.units import router as units_router
from fupin.core.money import fen_to_wan
from fupin.quality.checks import ERROR, SEVERITIES, WARNING, findings_for_submission
from fupin.quality.models import ReviewItem
from fupin.quality.rules import RULE_NAMES
from fupin.quality.selectors import COUNT_CAP
from fupin.quality.stored import groups_filled, stale_refresh
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine
from fupin.reporting.selectors import default_period, ensure_submission_shown, submission_for
from fupin.reporting.services import line_update
from fupin.units import access
from fupin.units.models import subtree_bounds
from fupin.units.selectors import unit_find

router = Router(tags=["发现的问题与上报说明"])
OFFICE_ONLY = "审核队列只对市总扶贫办开放"
REPORT_MISSING = "{unit}{period}还没有报表"
LINE_MISSING = "这份报表没有这条明细"
UNIT_UNKNOWN = "没有找到单位“{text}”，请写单位编号、全称或简称"
EXPLAINED_REASON = "填写上报说明"  # the web's reason, so the audit trail reads the same
FINDING_SECTIONS = (ReviewItem.Section.FINDINGS, ReviewItem.Section.DUPLICATES, ReviewItem.Section.GROUP,
                    ReviewItem.Section.MISSING_KINDS, ReviewItem.Section.CHANNEL)  # every finding, no bare lines
STATUS_LABELS = {"must_fix": "须改正后才能上报", "needs_explanation": "须写上报说明后才能上报",
                 "explained": "已写上报说明", "note": "供参考"}


def finding_status(severity: str, has_line: bool, explanation: str) -> str:
    """What a finding asks of the unit, as submission_blocking_findings judges it."""
    if severity == ERROR:
        return "must_fix"
    if severity == WARNING and has_line:
        return "explained" if explanation.strip() else "needs_explanation"
    return "note"


class FindingOut(Schema):
    rule: str
    rule_name: str
    severity: str
    status: str
    status_label: str
    line_id: int | None
    line: int | None  # the line's number in the report
    message: str
    explanation: str
    suggestions: list[str] = []
    related_lines: list[int] = []


class ExplanationOut(Schema):
    line_id: int
    line: int
    explanation: str


class ReportFindingsOut(Schema):
    unit_id: int
    unit: str
    period: str
    status: str
    status_label: str
    summary: str  # 工作信息 / the report's own 上报说明
    may_explain: bool
    findings: list[FindingOut]
    explanations: list[ExplanationOut]


class ExplanationIn(Schema):
    explanation: str


class QueueItemOut(FindingOut):
    submission_id: int
    unit_id: int
    unit: str
    period: str
    report_status: str
    amount_fen: int
    amount_wan: str


class QueuePage(Schema):
    count: int
    count_capped: bool  # more than `count` (the count stops at 10000, as the web queue's does)
    offset: int
    limit: int
    period: str
    items: list[QueueItemOut]


def _finding(f) -> dict:
    line = f.line
    explanation = line.explanation if line else ""
    status = finding_status(f.severity, line is not None, explanation)
    return {"rule": f.rule, "rule_name": f.rule_name, "severity": f.severity, "status": status,
            "status_label": STATUS_LABELS[status], "line_id": line.pk if line else None,
            "line": line.position if line else None, "message": f.message, "explanation": explanation,
            "suggestions": f.suggestions, "related_lines": f.related}


def _report_findings(user, unit, period_text: str) -> dict:
    period = period_or_404(period_text)
    sub = submission_for(unit, period)
    if sub is None:
        raise Http404(REPORT_MISSING.format(unit=unit.display_name, period=period))
    sub.unit = unit
    ensure_submission_shown(user, sub)  # a draft's findings show its lines: not for viewers
    lines = PurchaseLine.objects.filter(submission=sub).exclude(explanation="").order_by("position", "pk")
    return {"unit_id": unit.pk, "unit": unit.display_name, "period": str(period), "status": sub.status,
            "status_label": sub.get_status_display(), "summary": sub.summary,
            "may_explain": access.can_edit(user, unit), "findings": [_finding(f) for f in findings_for_submission(sub)],
            "explanations": [{"line_id": x.pk, "line": x.position, "explanation": x.explanation} for x in lines]}


@units_router.get("/{unit_id}/reports/{period}/findings", response={200: ReportFindingsOut, **ERRORS},
                  summary="报表检查：发现的问题与上报说明（与“报表检查”页面相同）")
def report_findings(request, unit_id: int, period: str):
    unit = access.unit_for_user_or_404(request.user, unit_id)
    return _report_findings(request.user, unit, period)


@units_router.put("/{unit_id}/reports/{period}/lines/{line_id}/explanation", response={200: ReportFindingsOut, **ERRORS},
                  summary="填写某行的上报说明（与网页“保存说明”相同）")
def explanation_put(request, unit_id: int, period: str, line_id: int, body: ExplanationIn):
    unit = access.unit_for_user_or_404(request.user, unit_id, write=True)
    period_ = period_or_404(period)
    line = (PurchaseLine.objects.select_related("submission__unit")
            .filter(pk=line_id, submission__unit=unit, submission__first_month=period_.first,
                    submission__last_month=period_.last).first())
    if line is None:
        raise Http404(LINE_MISSING)
    line_update(line=line, by=request.user, reason=EXPLAINED_REASON, explanation=body.explanation.strip())
    return _report_findings(request.user, unit, period)


class QueueIn(Schema):
    period: str | None = None
    unit: str | None = None  # 单位编号 or its name; the unit and those under it
    rule: Literal[tuple(RULE_NAMES)] | None = None
    severity: Literal[SEVERITIES] | None = None
    status: Literal[tuple(s.value for s in COUNTED_STATUSES)] | None = None


def _unit_filter(user, text: str):
    text = text.strip()
    if text.isdigit():
        return access.unit_for_user_or_404(user, int(text))
    unit = unit_find(text)
    if unit is None or not access.can_view(user, unit):
        raise Http404(UNIT_UNKNOWN.format(text=text))
    return unit


def queue_items(*, period, user, unit=None, rule: str = "", severity: str = "", status: str = ""):
    """The queue's findings in the web queue's order, as ReviewItems (the same filters as quality.selectors)."""
    items = ReviewItem.objects.filter(section__in=FINDING_SECTIONS, first_month__gte=period.first,
                                      last_month__lte=period.last,
                                      status__in=(status,) if status else COUNTED_STATUSES)
    items = items.filter(access.visible_units_q(user, "unit__"))
    if unit is not None:
        low, high = subtree_bounds(unit.path)
        items = items.filter(unit_path__gte=low, unit_path__lt=high)
    if rule:
        items = items.filter(rule=rule)
    if severity:
        items = items.filter(severity=severity)
    return items.order_by("severity_rank", "unit_path", "position", "rule", "first_month", "line_id", "pk")


def _queue_item(item: ReviewItem) -> dict:
    from fupin.core.periods import Period

    line = item.line
    explanation = line.explanation if line else ""
    status = finding_status(item.severity, line is not None, explanation)
    return {"rule": item.rule, "rule_name": RULE_NAMES.get(item.rule, item.rule), "severity": item.severity,
            "status": status, "status_label": STATUS_LABELS[status], "line_id": item.line_id,
            "line": item.position if item.line_id else None, "message": item.message, "explanation": explanation,
            "suggestions": item.suggestions, "related_lines": item.related, "submission_id": item.submission_id,
            "unit_id": item.unit_id, "unit": item.unit.display_name,
            "period": str(Period(item.first_month, item.last_month)), "report_status": item.status,
            "amount_fen": item.amount_fen, "amount_wan": format(fen_to_wan(item.amount_fen), "f")}


@router.get("/findings", response={200: QueuePage, **ERRORS}, summary="审核队列：本期全部发现的问题（仅市总，分页）")
def findings(request, query: Query[QueueIn], page: Query[PageIn]):
    if not access.is_office_admin(request.user):
        raise PermissionDenied(OFFICE_ONLY)
    offset, limit = bounds(page)
    period = period_or_404(query.period) if query.period else default_period()
    unit = _unit_filter(request.user, query.unit) if query.unit else None
    stale_refresh()  # normally nothing: the writes refreshed their reports as they committed
    items = queue_items(period=period, user=request.user, unit=unit, rule=query.rule or "",
                        severity=query.severity or "", status=query.status or "")
    found = items[:COUNT_CAP + 1].count()
    shown = items.select_related("unit", "line")[offset:offset + limit]
    return {"count": min(found, COUNT_CAP), "count_capped": found > COUNT_CAP, "offset": offset, "limit": limit,
            "period": str(period), "items": [_queue_item(i) for i in groups_filled(list(shown))]}
