"""导入: download the unit's template, upload a file, see every problem beside its row, confirm."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.ingest import services
from fupin.ingest.forms import TemplateForm, UploadForm
from fupin.ingest.limits import MB, ReadLimits
from fupin.ingest.models import JobStatus
from fupin.ingest.selectors import importable_units, job_for_user_or_404, jobs_for, period_to_fill
from fupin.ingest.template_xlsx import template_xlsx
from fupin.reporting.quota import quota_text
from fupin.units import access

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_UNITS = "您没有可以上报数据的单位"


def _forms(request, *, upload_form=None):
    units = importable_units(request.user)
    office = access.is_office_admin(request.user)
    # the period the first unit offered most likely fills now, not the latest reported one (issue 15)
    initial = {"period": str(period_to_fill(units.first()))}
    return (TemplateForm(units=units, initial=initial),
            upload_form or UploadForm(units=units, office=office, initial=initial), office, units)


@login_required
@require_GET
def index(request):
    template_form, upload_form, office, units = _forms(request)
    if not units.exists():
        raise PermissionDenied(NO_UNITS)
    return render(request, "ingest/index.html", {
        "template_form": template_form, "upload_form": upload_form, "office": office,
        "jobs": jobs_for(request.user)[:20], "max_mb": ReadLimits.for_upload().max_bytes // MB,
        "quota": quota_text(request.user)})


@login_required
@require_GET
def template_download(request):
    data = request.GET.copy()
    if not data.get("period") and (data.get("unit") or "").isdigit():
        data["period"] = str(period_to_fill(importable_units(request.user).filter(pk=data["unit"]).first()))
    form = TemplateForm(data, units=importable_units(request.user))
    if not form.is_valid():
        raise PermissionDenied("；".join(e for errors in form.errors.values() for e in errors))
    unit, period = form.cleaned_data["unit"], form.cleaned_data["period"]
    response = HttpResponse(template_xlsx(unit=unit, period=period), content_type=XLSX)
    name = f"{unit.display_name}_{period}_消费扶贫统计表.xlsx".replace(":", "至")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_POST
def upload(request):
    units = importable_units(request.user)
    form = UploadForm(request.POST, request.FILES, units=units, office=access.is_office_admin(request.user))
    if not form.is_valid():
        template_form, upload_form, office, _ = _forms(request, upload_form=form)
        return render(request, "ingest/index.html", {
            "template_form": template_form, "upload_form": upload_form, "office": office,
            "jobs": jobs_for(request.user)[:20], "max_mb": ReadLimits.for_upload().max_bytes // MB,
        "quota": quota_text(request.user)}, status=400)
    sent = form.cleaned_data["file"]
    limit = ReadLimits.for_upload().max_bytes
    if sent.size > limit:
        messages.error(request, f"文件大小超过上限 {limit // MB} MB")
        return redirect("ingest:index")
    try:
        job = services.import_job_create(user=request.user, file_name=sent.name, content=sent.read(),
                                         period=form.cleaned_data["period"], unit=form.cleaned_data["unit"])
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect("ingest:index")
    return redirect("ingest:job", job_id=job.pk)


def submission_url(unit, period: Period) -> str | None:
    """The unit's report page, where a reporter submits the imported draft (the reporting app's)."""
    try:
        return reverse("reporting:submission", kwargs={"unit_id": unit.pk, "period": str(period)})
    except NoReverseMatch:
        return None


@login_required
@require_GET
def job(request, job_id: int):
    job = job_for_user_or_404(request.user, job_id)
    report = job.report
    issues_by_row: dict = {}
    for kind, issues in (("error", report.get("errors", [])), ("warning", report.get("warnings", []))):
        for issue in issues:
            issues_by_row.setdefault(issue.get("row"), []).append({**issue, "kind": kind})
    for row in report.get("preview", []):
        kinds = {i["error"] for i in row["issues"]}
        row["kind"] = "has-error" if True in kinds else "has-warning" if kinds else ""
    shown_rows = {row["row"] for row in report.get("preview", [])}
    loose = [i for row, items in issues_by_row.items() if row not in shown_rows for i in items]
    return render(request, "ingest/job.html", {
        "job": job, "report": report, "can_confirm": job.status == JobStatus.PREVIEWED,
        "loose_issues": loose, "submission_url": submission_url(job.unit, job.period) if job.unit else None,
        "imported": job.status == JobStatus.IMPORTED, "is_draft": services.REPORTER_STATUS == "draft"
        and not access.is_office_admin(job.created_by)})


@login_required
@require_POST
def confirm(request, job_id: int):
    job = job_for_user_or_404(request.user, job_id)
    try:
        report = services.import_job_confirm(job=job, user=request.user)
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect("ingest:job", job_id=job.pk)
    if report.stored:
        messages.success(request, f"已导入 {report.imported} 行明细。")
    else:
        messages.error(request, "文件未能导入，见下方错误。")
    return redirect("ingest:job", job_id=job.pk)


@login_required
@require_POST
def cancel(request, job_id: int):
    job = job_for_user_or_404(request.user, job_id)
    services.import_job_cancel(job=job, user=request.user)
    return redirect("ingest:index")
