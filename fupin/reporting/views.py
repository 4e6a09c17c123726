"""Reporting pages: a unit's report for a period (fill, sign off, submit; the office returns, accepts, unlocks),
timeliness, rounds, the holiday calendar and the reminder log. Each view asks units.access, calls one
service or selector, and renders."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.core.errors import UserError
from fupin.core.money import wan_display
from fupin.core.periods import Period
from fupin.core.web import period_param
from fupin.reporting import services
from fupin.reporting.calendar import SOURCE_LABELS, WorkCalendar, calendar_year_enter
from fupin.reporting.deadlines import month_deadlines
from fupin.reporting.files import file_attach, max_bytes, size_display
from fupin.reporting.forms import (
    ArrangementForm,
    LineForm,
    ReasonForm,
    ReminderForm,
    RoundForm,
    SamePersonForm,
    SummaryForm,
    UploadForm,
    YearForm,
)
from fupin.reporting.history import line_history, submission_line_history
from fupin.reporting.models import CalendarYear, PurchaseLine, Reminder, Status, SubmissionFile, period_name
from fupin.reporting.quota import quota_text
from fupin.reporting.reminders import reminder_log
from fupin.reporting.rounds import round_open
from fupin.reporting.selectors import (
    ensure_submission_shown,
    recent_periods,
    review_queue,
    rounds_overview,
    same_person_changes,
    statuses_for,
    submission_detail,
    submission_for,
    units_for_index,
    version_lines,
)
from fupin.reporting.timeliness import latest_due_period, round_timeliness, timeliness_rows
from fupin.reporting.validation import LineRefused
from fupin.units import access
from fupin.units.services import unit_same_person_allow


def _period_or_404(text: str) -> Period:
    try:
        return Period.parse(text)
    except UserError:
        raise Http404("期间格式不正确") from None


def _here(unit, period) -> str:
    return reverse("reporting:submission", kwargs={"unit_id": unit.pk, "period": str(period)})


def _office_only(request, action: str = "manage") -> None:
    if not access.may(request.user, action):
        raise PermissionDenied("只有市总管理员可以进行此操作")


@login_required
@require_GET
def index(request):
    units = units_for_index(request.user)
    periods = recent_periods()
    found = statuses_for(units, periods)
    rows = [{"unit": u, "cells": [{"period": p, "submission": found.get((u.pk, p)), "url": _here(u, p)}
                                  for p in periods]} for u in units]
    return render(request, "reporting/index.html", {
        "periods": periods, "period_names": [period_name(p) for p in periods], "rows": rows,
        "queue": review_queue(request.user)})


@login_required
@require_GET
def submission(request, unit_id: int, period: str):
    unit = access.unit_for_user_or_404(request.user, unit_id)
    return _submission_page(request, unit, _period_or_404(period))


def _submission_page(request, unit, period: Period, line_form: LineForm | None = None, status: int = 200):
    """The report's page; after a refused line, with the form as typed and the messages beside its fields."""
    detail = submission_detail(unit=unit, period=period, user=request.user)  # a viewer: no draft's figures
    sub = detail.submission
    may = {action: access.may(request.user, action, unit) for action in ("edit", "sign_off", "review", "manage")}
    # The office corrects lines of a report waiting for it (also one it unlocked); the unit, its draft or returned one.
    lines_editable = bool(sub and may["edit"] and (sub.unit_may_edit or (sub.status == Status.SUBMITTED
                                                                         and may["review"])))
    summary_initial = {"summary": sub.summary, "is_zero_report": sub.is_zero_report} if sub else {}
    return render(request, "reporting/submission.html", {
        "d": detail, "sub": sub, "may": may, "lines_editable": lines_editable, "period_label": period_name(detail.period),
        "total": wan_display(detail.total_fen), "line_form": line_form or LineForm(period=period),
        "summary_form": SummaryForm(initial=summary_initial), "reason_form": ReasonForm(),
        "upload_form": UploadForm(), "max_size": size_display(max_bytes()),
        "quota": quota_text(request.user),
        # 修改记录 of the lines: the latest page, more on reporting:submission_history; none while withheld
        "history": submission_line_history(sub) if sub and not detail.withheld else None}, status=status)


def _act(request, unit_id: int, period: str, action: str, fn, done: str):
    """Run one workflow step for the unit's report and come back to its page with the outcome."""
    unit = access.unit_for_user_or_404(request.user, unit_id, action=action)
    period_ = _period_or_404(period)
    sub = submission_for(unit, period_)
    if sub is None:
        raise Http404("报表不存在")
    try:
        fn(sub)
    except UserError as exc:
        messages.error(request, exc.message)
        for detail in exc.details[:20]:
            messages.error(request, detail)
    else:
        messages.success(request, done)
    return redirect(_here(unit, period_))


@login_required
@require_POST
def start(request, unit_id: int, period: str):
    unit = access.unit_for_user_or_404(request.user, unit_id, action="edit")
    period_ = _period_or_404(period)
    services.submission_start(unit=unit, period=period_, by=request.user)
    return redirect(_here(unit, period_))


@login_required
@require_POST
def summary(request, unit_id: int, period: str):
    form = SummaryForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect(_here(access.unit_for_user_or_404(request.user, unit_id), _period_or_404(period)))
    data = form.cleaned_data
    return _act(request, unit_id, period, "edit", lambda s: services.submission_update(
        submission=s, by=request.user, summary=data["summary"], is_zero_report=data["is_zero_report"]),
        "已保存工作信息")


@login_required
@require_POST
def line_add(request, unit_id: int, period: str):
    """A refused line comes back as typed, each message beside its field (the validator's words)."""
    unit = access.unit_for_user_or_404(request.user, unit_id, action="edit")
    period_ = _period_or_404(period)
    sub = submission_for(unit, period_)
    if sub is None:
        raise Http404("报表不存在")
    form = LineForm(request.POST, period=period_)
    if form.is_valid():
        try:
            line = services.line_add(submission=sub, data=form.line_input(), by=request.user)
        except LineRefused as exc:
            form.refused(exc)
        except UserError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已添加一条明细")
            for check in line.checks:
                messages.warning(request, f"第{line.position}行{check.severity}：{check.message}")
            return redirect(_here(unit, period_))
    return _submission_page(request, unit, period_, line_form=form, status=422)


def _line_for_edit(request, line_id: int) -> PurchaseLine:
    line = get_object_or_404(PurchaseLine.objects.select_related("submission__unit"), pk=line_id)
    access.unit_for_user_or_404(request.user, line.submission.unit_id, action="edit")
    return line


@login_required
@require_http_methods(["GET", "POST"])
def line_edit(request, line_id: int):
    line = _line_for_edit(request, line_id)
    sub = line.submission
    back = _here(sub.unit, sub.period)
    form = LineForm(request.POST or None, initial=LineForm.initial_for(line), period=sub.period)
    if request.method == "POST" and form.is_valid():
        try:
            services.line_update(line=line, by=request.user, reason=request.POST.get("reason", ""),
                                 **form.changes())
        except LineRefused as exc:
            form.refused(exc)
        except UserError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已修改明细")
            return redirect(back)
    return render(request, "reporting/line_edit.html", {"form": form, "line": line, "sub": sub, "back": back,
                                                        "period_label": period_name(sub.period),
                                                        "history": line_history(line)})


@login_required
@require_POST
def line_remove(request, line_id: int):
    line = _line_for_edit(request, line_id)
    sub = line.submission
    try:
        services.line_remove(line=line, by=request.user, reason="删除明细")
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已删除一条明细（审计记录中仍保留）")
    return redirect(_here(sub.unit, sub.period))


@login_required
@require_POST
def sign_off(request, unit_id: int, period: str):
    return _act(request, unit_id, period, "sign_off",
                lambda s: services.submission_sign_off(submission=s, by=request.user), "已签字确认，可以上报")


@login_required
@require_POST
def submit(request, unit_id: int, period: str):
    return _act(request, unit_id, period, "edit",
                lambda s: services.submission_submit(submission=s, by=request.user), "已上报市总")


def _with_reason(request, unit_id, period, action, fn, done):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        access.unit_for_user_or_404(request.user, unit_id, action=action)
        messages.error(request, "请填写原因")
        return redirect(reverse("reporting:submission", kwargs={"unit_id": unit_id, "period": period}))
    reason = form.cleaned_data["reason"]
    return _act(request, unit_id, period, action, lambda s: fn(submission=s, by=request.user, reason=reason), done)


@login_required
@require_POST
def return_(request, unit_id: int, period: str):
    return _with_reason(request, unit_id, period, "review", services.submission_return, "已退回填报单位")


@login_required
@require_POST
def approve(request, unit_id: int, period: str):
    return _act(request, unit_id, period, "review",
                lambda s: services.submission_approve(submission=s, by=request.user), "已审核通过，报表已锁定")


@login_required
@require_POST
def unlock(request, unit_id: int, period: str):
    return _with_reason(request, unit_id, period, "review", services.submission_unlock, "已解锁")


@login_required
@require_POST
def file_upload(request, unit_id: int, period: str):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        access.unit_for_user_or_404(request.user, unit_id, action="edit")
        messages.error(request, "请选择要上传的文件")
        return redirect(reverse("reporting:submission", kwargs={"unit_id": unit_id, "period": period}))
    upload = form.cleaned_data["file"]
    return _act(request, unit_id, period, "edit",
                lambda s: file_attach(submission=s, upload=upload, by=request.user), f"已上传“{upload.name}”")


@login_required
@require_GET
def file_download(request, file_id: int):
    stored = get_object_or_404(SubmissionFile.objects.select_related("submission__unit"), pk=file_id)
    access.unit_for_user_or_404(request.user, stored.submission.unit_id)
    ensure_submission_shown(request.user, stored.submission)  # a report in progress: not for viewers
    response = FileResponse(stored.file.open("rb"), as_attachment=True)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(stored.name)}"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def same_person(request, unit_id: int):
    """The office lets one person enter and sign off (or approve) a unit's report, where the unit has one."""
    _office_only(request)
    unit = access.unit_for_user_or_404(request.user, unit_id)
    form = SamePersonForm(request.POST or None, initial={"allowed": unit.same_person_may_approve})
    if request.method == "POST" and form.is_valid():
        try:
            unit_same_person_allow(unit=unit, allowed=form.cleaned_data["allowed"], by=request.user,
                                   reason=form.cleaned_data["reason"])
        except UserError as exc:
            form.add_error("reason", exc.message)
        else:
            messages.success(request, f"已保存{unit.display_name}的设置")
            return redirect(reverse("reporting:same_person", args=[unit.pk]))
    return render(request, "reporting/same_person.html", {"unit": unit, "form": form,
                                                          "changes": same_person_changes(unit)})


@login_required
@require_GET
def version(request, unit_id: int, period: str, number: int):
    unit = access.unit_for_user_or_404(request.user, unit_id)
    period_ = _period_or_404(period)
    sub = submission_for(unit, period_)
    found = sub.versions.filter(number=number).first() if sub else None
    if found is None:
        raise Http404("没有这个版本")
    lines = version_lines(found)
    return render(request, "reporting/version.html", {
        "sub": sub, "version": found, "lines": lines, "period_label": period_name(period_),
        "total": wan_display(found.total_fen), "back": _here(unit, period_)})


@login_required
@require_GET
def timeliness(request):
    period, error = period_param(request, latest_due_period())
    result = round_timeliness(period=period, user=request.user)
    return render(request, "reporting/timeliness.html", {
        "t": result, "rows": timeliness_rows(result, request.GET),  # a page of the table, not 2,000 rows
        "period": period, "period_error": error, "period_label": period_name(period),
        "may_chase": access.may(request.user, "chase")})


@login_required
@require_http_methods(["GET", "POST"])
def rounds(request):
    form = RoundForm(request.POST or None)
    if request.method == "POST":
        _office_only(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                round_open(period=data["period"], by=request.user, rule=data["rule"],
                           workdays_after=data.get("workdays_after"), fixed_date=data.get("fixed_date"),
                           day_of_month=data.get("day_of_month"), note=data.get("note", ""))
            except UserError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已设置{period_name(data['period'])}的统计轮次")
                return redirect("reporting:rounds")
    rows = rounds_overview()
    return render(request, "reporting/rounds.html", {"rows": rows, "form": form,
                                                     "may_manage": access.may(request.user, "manage")})


@login_required
@require_GET
def calendar(request):
    form = YearForm(request.GET)
    year = form.year_or(timezone.localdate())
    cal = WorkCalendar()
    months = month_deadlines(year, cal)
    return render(request, "reporting/calendar.html", {
        "year": year, "months": months, "source": SOURCE_LABELS[cal.source(year)], "warnings": cal.warnings,
        "entered": CalendarYear.objects.order_by("-year"), "may_manage": access.may(request.user, "manage")})


@login_required
@require_http_methods(["GET", "POST"])
def calendar_year(request, year: int):
    _office_only(request)
    entry = CalendarYear.objects.filter(year=year).first()
    form = ArrangementForm(request.POST or None, initial={"text": entry.source_text if entry else ""})
    if request.method == "POST" and form.is_valid():
        try:
            calendar_year_enter(year=year, text=form.cleaned_data["text"], by=request.user)
        except UserError as exc:
            form.add_error("text", exc.message)
        else:
            messages.success(request, f"已保存{year}年节假日安排")
            return redirect(reverse("reporting:calendar") + f"?year={year}")
    return render(request, "reporting/calendar_year.html", {"year": year, "form": form, "entry": entry})


@login_required
@require_http_methods(["GET", "POST"])
def reminders(request):
    _office_only(request, "chase")
    form = ReminderForm(request.POST or None, initial={"period": request.GET.get("period", ""),
                                                      "unit": request.GET.get("unit")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reminder_log(unit=data["unit"], period=data["period"], channel=data["channel"], by=request.user,
                         to_whom=data["to_whom"], outcome=data["outcome"], at=data.get("at"))
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已记录对{data['unit'].display_name}的催报")
            return redirect("reporting:reminders")
    log = Reminder.objects.select_related("unit", "by").order_by("-at")[:200]
    return render(request, "reporting/reminders.html", {"form": form, "log": log})

