"""The office's review queue, a report's findings with the unit's 上报说明, and the channel taxonomy."""

from contextlib import contextmanager

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.core.errors import UserError
from fupin.core.web import period_param
from fupin.quality import rules
from fupin.quality.checks import SEVERITIES, findings_for_submission
from fupin.quality.forms import NonConsumptionWordForm
from fupin.quality.models import Channel, NonConsumptionWord
from fupin.quality.selectors import COUNT_CAP, ReviewFilters, channels_with_words, review_queue
from fupin.quality.services import channel_confirm, non_consumption_word_add, non_consumption_word_set_active
from fupin.reporting import exclusions
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine, Submission
from fupin.reporting.selectors import default_period, ensure_submission_shown
from fupin.reporting.services import line_update
from fupin.units import access
from fupin.units.selectors import unit_find

OFFICE_ONLY = "审核队列只对市总扶贫办开放"


def _office_line(request, line_id) -> PurchaseLine:
    """The line, for the office: 404 to whoever may not see its unit, 403 to those who see but are not the office."""
    line = get_object_or_404(PurchaseLine.objects.select_related("submission__unit"), pk=line_id)
    if not access.can_view(request.user, line.submission.unit):
        raise Http404("明细不存在")
    if not access.is_office_admin(request.user):
        raise PermissionDenied(OFFICE_ONLY)
    return line


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else fallback)


@contextmanager
def _refusals_shown(request):
    """A refused action (UserError) becomes a message on the page it returns to."""
    try:
        yield
    except UserError as exc:
        messages.error(request, exc.message)


REVIEW_PAGES = ("waiting", "duplicates", "findings", "missing_kinds", "excluded")  # ?<section>_page=N


class ReviewFilterForm(forms.Form):
    """The queue's filters, from GET: a wrong value is said in Chinese and the queue shows unfiltered by it."""

    unit = forms.CharField(label="单位", required=False, max_length=100,
                           widget=forms.TextInput(attrs={"placeholder": "单位（含下级）", "size": 12}))
    rule = forms.ChoiceField(label="规则", required=False, choices=[("", "全部规则"), *rules.RULE_NAMES.items()])
    severity = forms.ChoiceField(label="级别", required=False,
                                 choices=[("", "全部级别"), *((s, s) for s in SEVERITIES)])
    status = forms.ChoiceField(label="报表状态", required=False,
                               choices=[("", "已上报和已审核"), *((s.value, s.label) for s in COUNTED_STATUSES)])

    def clean_unit(self):
        text = self.cleaned_data["unit"].strip()
        if not text:
            return None
        unit = unit_find(text)
        if unit is None:
            raise forms.ValidationError(f"没有找到单位“{text}”，请写单位全称或简称")
        return unit

    def filters(self) -> ReviewFilters:
        if not self.is_valid():
            return ReviewFilters(**{k: v for k, v in self.cleaned_data.items() if v})
        return ReviewFilters(**self.cleaned_data)


@login_required
@require_GET
def review(request):
    if not access.is_office_admin(request.user):
        raise PermissionDenied(OFFICE_ONLY)
    period, error = period_param(request, default_period())
    form = ReviewFilterForm(request.GET)
    pages = {name: request.GET.get(f"{name}_page") for name in REVIEW_PAGES}
    queue = review_queue(period=period, user=request.user, filters=form.filters(), pages=pages)
    for name in REVIEW_PAGES:  # each section's pager keeps the filters and the other sections' pages
        query = request.GET.copy()
        query.pop(f"{name}_page", None)
        getattr(queue, name).link = f"?{query.urlencode()}&{name}_page=" if query else f"?{name}_page="
    return render(request, "quality/review.html", {
        "period": period, "period_error": error, "queue": queue, "form": form,
        "channels": Channel.objects.filter(active=True), "next": request.get_full_path(), "count_cap": COUNT_CAP})


@login_required
@require_POST
def line_channel(request, line_id: int):
    line = _office_line(request, line_id)
    code = request.POST.get("code", "").strip()
    with _refusals_shown(request):
        count = channel_confirm(line=line, code=code, by=request.user)
        name = Channel.objects.filter(code=code).values_list("name", flat=True).first() or code
        messages.success(request, f"已确认：“{line.source_text}”归入“{name}”，共{count}行；今后同样写法不再询问")
    return _back(request, reverse("quality:review"))


@login_required
@require_POST
def line_exclude(request, line_id: int):
    line = _office_line(request, line_id)
    reason = request.POST.get("reason", "")
    with _refusals_shown(request):
        exclusions.line_exclude(line=line, by=request.user, reason=reason)
        messages.success(request, f"已剔除{line.submission.unit.display_name}第{line.position}行"
                                  f"（{line.amount_display}万元），不计入合计")
    return _back(request, reverse("quality:review"))


@login_required
@require_POST
def line_include(request, line_id: int):
    line = _office_line(request, line_id)
    reason = request.POST.get("reason", "")
    with _refusals_shown(request):
        exclusions.line_include(line=line, by=request.user, reason=reason)
        messages.success(request, f"已恢复计入{line.submission.unit.display_name}第{line.position}行")
    return _back(request, reverse("quality:review"))


@login_required
@require_POST
def lines_merge(request):
    lines = [_office_line(request, pk) for pk in request.POST.getlist("line") if pk.isdigit()]
    reason = request.POST.get("reason", "")
    with _refusals_shown(request):
        kept = exclusions.lines_merge(lines=lines, by=request.user, reason=reason)
        messages.success(request, f"已合并到{kept.submission.unit.display_name}第{kept.position}行，"
                                  "其余行保留并标为已剔除")
    return _back(request, reverse("quality:review"))


@login_required
@require_GET
def submission_findings(request, submission_id: int):
    submission = get_object_or_404(Submission.objects.select_related("unit"), pk=submission_id)
    access.unit_for_user_or_404(request.user, submission.unit_id)
    ensure_submission_shown(request.user, submission)  # a draft's findings show its lines: not for viewers
    findings = findings_for_submission(submission)
    return render(request, "quality/submission.html", {
        "submission": submission, "findings": findings, "may_explain": access.can_edit(request.user, submission.unit),
        "next": request.get_full_path()})


@login_required
@require_POST
def line_explain(request, line_id: int):
    line = get_object_or_404(PurchaseLine.objects.select_related("submission__unit"), pk=line_id)
    access.unit_for_user_or_404(request.user, line.submission.unit_id, write=True)
    text = request.POST.get("explanation", "").strip()
    with _refusals_shown(request):
        line_update(line=line, by=request.user, reason="填写上报说明", explanation=text)
        messages.success(request, f"已保存第{line.position}行的上报说明")
    return _back(request, reverse("quality:submission", args=[line.submission_id]))


@login_required
@require_GET
def channels(request):
    return render(request, "quality/channels.html", {"channels": channels_with_words()})


@login_required
@require_http_methods(["GET", "POST"])
def screening(request):
    """The office's non-consumption list: what the validator flags on every path, with reasons and exceptions."""
    if not access.is_office_admin(request.user):
        raise PermissionDenied(OFFICE_ONLY)
    form = NonConsumptionWordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = non_consumption_word_add(by=request.user, **form.cleaned_data)
        except UserError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已添加非消费关键词“{entry.word}”，此后录入、导入和审核都按它提示")
            return redirect("quality:screening")
    words = NonConsumptionWord.objects.order_by("-active", "word")
    return render(request, "quality/screening.html", {"form": form, "words": words})


@login_required
@require_POST
def screening_active(request, word_id: int):
    if not access.is_office_admin(request.user):
        raise PermissionDenied(OFFICE_ONLY)
    entry = get_object_or_404(NonConsumptionWord, pk=word_id)
    active = request.POST.get("active") == "1"
    non_consumption_word_set_active(entry=entry, active=active, by=request.user)
    messages.success(request, f"已{'启用' if active else '停用'}“{entry.word}”")
    return redirect("quality:screening")
