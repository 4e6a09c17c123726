"""Pages of the lines' history (修改记录): one line's, and a whole report's a page at a time. Who may see the unit
(units.access) and the report (selectors.submission_shown) sees its history; an outsider gets 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.reporting.history import line_history, submission_line_history
from fupin.reporting.models import PurchaseLine, period_name
from fupin.reporting.selectors import ensure_submission_shown, submission_for
from fupin.units import access


def page_param(request) -> int:
    text = request.GET.get("page", "").strip()
    return int(text) if text.isdigit() and 0 < int(text) < 1_000_000 else 1


def _report_url(sub) -> str:
    return reverse("reporting:submission", kwargs={"unit_id": sub.unit_id, "period": str(sub.period)})


@login_required
@require_GET
def line(request, line_id: int):
    """A line read-only, with its history; 修改 for those who may change it."""
    found = get_object_or_404(PurchaseLine.objects.select_related("submission__unit"), pk=line_id)
    sub = found.submission
    access.unit_for_user_or_404(request.user, sub.unit_id)
    ensure_submission_shown(request.user, sub)
    return render(request, "reporting/line.html", {
        "line": found, "sub": sub, "period_label": period_name(sub.period), "back": _report_url(sub),
        "history": line_history(found, page=page_param(request)),
        "may_edit": access.may(request.user, "edit", sub.unit)})


@login_required
@require_GET
def submission_history(request, unit_id: int, period: str):
    """Every change to the report's lines, newest first, a page of them at a time."""
    unit = access.unit_for_user_or_404(request.user, unit_id)
    try:
        period_ = Period.parse(period)
    except UserError:
        raise Http404("期间格式不正确") from None
    sub = submission_for(unit, period_)
    if sub is None:
        raise Http404("报表不存在")
    ensure_submission_shown(request.user, sub)
    return render(request, "reporting/submission_history.html", {
        "sub": sub, "period_label": period_name(period_), "back": _report_url(sub),
        "history": submission_line_history(sub, page=page_param(request))})
