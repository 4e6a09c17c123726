"""A unit's report for a month: GET, PUT (all its lines in one request), POST …/submit."""

from datetime import date

from django.http import Http404

from fupin.api.periods import period_or_404
from fupin.api.schemas import ErrorOut, ReportIn, ReportOut
from fupin.api.units import router
from fupin.core.money import fen_to_wan, tons_display, wan_display
from fupin.core.periods import Period
from fupin.reporting.models import Method
from fupin.reporting.month_entry import MonthRefused, month_replace, rows_judged
from fupin.reporting.selectors import submission_detail, submission_for
from fupin.reporting.services import LineInput, submission_submit
from fupin.reporting.validation import (
    DATE_IMPOSSIBLE,
    ERROR,
    Check,
    LineRefused,
    amount_from_text,
    grams_from_text,
)
from fupin.units import access

REPORT_MISSING = "{unit}{period}还没有报表"
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _report(unit, period: Period, user) -> dict:
    detail = submission_detail(unit=unit, period=period, user=user)
    sub = detail.submission
    if sub is None:
        raise Http404(REPORT_MISSING.format(unit=unit.display_name, period=period))
    lines = [] if detail.withheld else detail.lines
    total = sum(line.amount_fen for line in lines if not line.excluded)
    return {"unit_id": unit.pk, "unit": unit.display_name, "period": str(period), "status": sub.status,
            "status_label": sub.get_status_display(), "summary": "" if detail.withheld else sub.summary,
            "is_zero_report": sub.is_zero_report, "total_wan": wan_display(total), "total_fen": total,
            "line_count": len(lines), "lines": [_line(line) for line in lines]}


def _line(line) -> dict:
    return {"id": line.pk, "position": line.position, "product": line.product, "source_text": line.source_text,
            "channel_code": line.channel_code, "method": line.method or line.method_text,
            "purchase_date": line.purchase_date.isoformat() if line.purchase_date else None,
            "quantity_tons": tons_display(line.quantity_g) if line.quantity_g is not None else None,
            "amount_wan": format(fen_to_wan(line.amount_fen), "f"), "amount_fen": line.amount_fen,
            "consumption_type": line.consumption_type, "purpose": line.purpose, "note": line.note,
            "explanation": line.explanation, "excluded": line.excluded, "exclusion_reason": line.exclusion_reason}


def _line_input(data) -> tuple[LineInput, list[Check]]:
    """The API's line → the validator's input, and what could not be read (in the validator's words)."""
    unread = []
    try:
        amount = amount_from_text(data.amount_wan)
    except LineRefused as exc:
        unread += exc.checks
        amount = 0
    try:
        grams = grams_from_text(data.quantity_tons)
    except LineRefused as exc:
        unread += exc.checks
        grams = None
    day = None
    if data.purchase_date.strip():
        try:
            day = date.fromisoformat(data.purchase_date.strip())
        except ValueError:
            unread.append(Check(ERROR, "date_invalid", "date", DATE_IMPOSSIBLE))
    method = data.method.strip()
    line = LineInput(amount_fen=amount, product=data.product.strip(), source_text=data.source_text.strip(),
                     method_text=method, method=method if method in Method.values else "",
                     date_text=data.purchase_date.strip(), purchase_date=day, quantity_g=grams,
                     consumption_type=data.consumption_type, purpose=data.purpose, note=data.note.strip())
    return line, unread


def _rows(body, period: Period) -> dict[int, LineInput]:
    """Every line's every trouble at once: what could not be read, and what the validator says of the rest."""
    rows, unread = {}, {}
    for number, data in enumerate(body.lines, start=1):
        rows[number], unread[number] = _line_input(data)
    if not any(unread.values()):
        return rows  # month_replace judges them, before anything is stored
    refused = rows_judged(period=period, rows=rows)[1]
    troubles = {}
    for number in rows:
        fields = {c.field for c in unread[number]}
        later = [c for c in (refused[number].checks if number in refused else []) if c.field not in fields]
        if unread[number] or later:
            troubles[number] = LineRefused(unread[number] + later)
    raise MonthRefused(troubles)


@router.get("/{unit_id}/reports/{period}", response={200: ReportOut, **ERRORS}, summary="单位某月报表（含全部明细）")
def report_get(request, unit_id: int, period: str):
    unit = access.unit_for_user_or_404(request.user, unit_id)
    return _report(unit, period_or_404(period), request.user)


@router.put("/{unit_id}/reports/{period}", response={200: ReportOut, **ERRORS},
            summary="一次提交单位某月的全部明细（替换原有明细）")
def report_put(request, unit_id: int, period: str, body: ReportIn):
    unit = access.unit_for_user_or_404(request.user, unit_id, action="edit")
    period_ = period_or_404(period)
    rows = _rows(body, period_)
    saved = month_replace(unit=unit, period=period_, rows=rows, by=request.user, summary=body.summary,
                          is_zero_report=body.is_zero_report)
    report = _report(unit, period_, request.user)
    report["checks"] = [{"line": row, "severity": c.severity, "rule": c.rule, "field": c.field,
                         "message": c.message} for row, found in sorted(saved.checks.items()) for c in found]
    return report


@router.post("/{unit_id}/reports/{period}/submit", response={200: ReportOut, **ERRORS}, summary="上报")
def report_submit(request, unit_id: int, period: str):
    unit = access.unit_for_user_or_404(request.user, unit_id, action="edit")
    period_ = period_or_404(period)
    sub = submission_for(unit, period_)
    if sub is None:
        raise Http404(REPORT_MISSING.format(unit=unit.display_name, period=period_))
    submission_submit(submission=sub, by=request.user)
    return _report(unit, period_, request.user)
