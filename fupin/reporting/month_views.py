"""The month form: many lines typed into one table and saved (and, if asked, submitted) in one request."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.reporting.forms import LineForm
from fupin.reporting.models import Method, period_name
from fupin.reporting.month_entry import MonthRefused, month_save, rows_judged
from fupin.reporting.selectors import submission_for
from fupin.units import access

ROWS_DEFAULT, ROWS_MAX = 10, 200


class MonthLineForm(LineForm):
    """A row of the month form. Its 采购方式 starts blank, so that an untouched row is an empty row."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [("", "—"), *Method.choices]


def month_lines(rows: int = ROWS_DEFAULT):
    """Blank rows are extra forms: left empty, they are skipped, not refused."""
    return forms.formset_factory(MonthLineForm, extra=rows, max_num=ROWS_MAX, absolute_max=ROWS_MAX, validate_max=True)


class MonthForm(forms.Form):
    summary = forms.CharField(label="工作信息", required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    is_zero_report = forms.BooleanField(label="零报告：本期无消费扶贫采购", required=False)
    submit = forms.BooleanField(label="保存后直接上报市总", required=False)


def _rows_wanted(request) -> int:
    text = request.GET.get("rows", "")
    return min(int(text), ROWS_MAX) if text.isdigit() and int(text) > 0 else ROWS_DEFAULT


@login_required
@require_http_methods(["GET", "POST"])
def month(request, unit_id: int, period: str):
    unit = access.unit_for_user_or_404(request.user, unit_id, action="edit")
    try:
        period_ = Period.parse(period)
    except UserError:
        raise Http404("期间格式不正确") from None
    here = reverse("reporting:submission", kwargs={"unit_id": unit.pk, "period": str(period_)})
    if request.method == "GET":
        sub = submission_for(unit, period_)
        lines = month_lines(_rows_wanted(request))(form_kwargs={"period": period_}, prefix="row")
        form = MonthForm(initial={"summary": sub.summary if sub else "", "is_zero_report": bool(sub and
                                                                                           sub.is_zero_report)})
        return _page(request, unit, period_, lines, form, here)
    lines = month_lines()(request.POST, form_kwargs={"period": period_}, prefix="row")
    form = MonthForm(request.POST)
    if lines.is_valid() and form.is_valid():
        rows = {number: f.line_input() for number, f in enumerate(lines.forms, start=1) if f.has_changed()}
        data = form.cleaned_data
        try:
            saved = month_save(unit=unit, period=period_, rows=rows, by=request.user, summary=data["summary"],
                               is_zero_report=data["is_zero_report"], submit=data["submit"])
        except MonthRefused as exc:
            for number, refused in exc.refused.items():
                lines.forms[number - 1].refused(refused)
            messages.error(request, exc.message)
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已保存{saved.added}条明细" + ("，并已上报市总" if saved.submitted else ""))
            if saved.submit_refused:
                messages.error(request, f"未能上报：{saved.submit_refused.message}")
                for detail in saved.submit_refused.details[:20]:
                    messages.error(request, detail)
            for number, checks in saved.checks.items():
                for check in checks:
                    messages.warning(request, f"第{number}行{check.severity}：{check.message}")
            return redirect(here)
    else:  # the rows the form could read are judged too, so that every row's trouble shows at once
        typed = {n: f.line_input() for n, f in enumerate(lines.forms, start=1) if f.has_changed() and f.is_valid()}
        for number, refused in rows_judged(period=period_, rows=typed)[1].items():
            lines.forms[number - 1].refused(refused)
        messages.error(request, "有明细未填写正确，本月明细都未保存；请按各栏旁的提示修改")
    return _page(request, unit, period_, lines, form, here, status=422)


def _page(request, unit, period: Period, lines, form, here: str, status: int = 200):
    return render(request, "reporting/month.html", {
        "unit": unit, "period": period, "period_label": period_name(period), "lines": lines, "form": form,
        "here": here, "more_rows": min(len(lines.forms) + ROWS_DEFAULT, ROWS_MAX)}, status=status)
