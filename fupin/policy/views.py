from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from fupin.core.errors import UserError
from fupin.core.periods import date_cn
from fupin.core.web import period_param
from fupin.policy.compliance import HolidayStatus, compliance_report
from fupin.policy.formats import compliance_json
from fupin.policy.forms import SpendingForm
from fupin.policy.report import render as render_report
from fupin.policy.selectors import rules_list, spending_list
from fupin.policy.services import welfare_spending_save
from fupin.policy.summary import summary_from_report
from fupin.reporting.selectors import default_period
from fupin.units import access
from fupin.units.selectors import reporting_units


@login_required
@require_GET
def compliance(request):
    period, error = period_param(request, default_period())
    try:
        report = compliance_report(period=period, user=request.user)
    except UserError as exc:
        report, error = None, exc.message
    return render(request, "policy/compliance.html", {
        "period": period, "period_error": error,
        "data": compliance_json(report) if report else None,
        "as_of": date_cn(report.as_of) if report else None,
        "summary": summary_from_report(report) if report else None,
        "breach_statuses": sorted(HolidayStatus.BREACHES),
    })


@login_required
@require_GET
def compliance_download(request):
    period, _ = period_param(request, default_period())
    try:
        output = render_report(period, as_json=True, user=request.user)
    except UserError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(output.content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(output.default_name)}"
    return response


@login_required
@require_GET
def rules(request):
    return render(request, "policy/rules.html", {"rules": rules_list()})


@login_required
@require_http_methods(["GET", "POST"])
def spending(request):
    editable = [u for u in reporting_units() if access.can_edit(request.user, u)]
    form = SpendingForm(request.POST or None, units=editable, initial={"period": str(default_period())})
    if request.method == "POST":
        unit_id = request.POST.get("unit")
        if not editable:
            raise PermissionDenied("您没有填报福利支出的权限")
        if unit_id and unit_id.isdigit():
            access.unit_for_user_or_404(request.user, int(unit_id), write=True)
        if form.is_valid():
            data = form.cleaned_data
            unit = access.unit_for_user_or_404(request.user, data["unit"], write=True)
            try:
                record, created = welfare_spending_save(
                    unit=unit, period=data["period"], amounts=form.amounts(), by=request.user, note=data["note"],
                    member_count=data["member_count"])
            except UserError as exc:
                form.add_error(None, exc.message)
            else:
                action = "已保存" if created else "已更新"
                messages.success(request, f"{action}：{unit.display_name} {record.period} 福利支出")
                return redirect("policy:spending")
    return render(request, "policy/spending.html", {
        "form": form, "can_enter": bool(editable), "records": spending_list(user=request.user),
    })
