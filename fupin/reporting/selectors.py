"""Reads for the reporting pages: a unit's report with its deadline, versions and audit trail; rounds; queues."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.utils import timezone

from fupin.core.periods import Period
from fupin.reporting.calendar import WorkCalendar
from fupin.reporting.deadlines import Deadline, period_deadline, round_deadline, round_for, workdays_late
from fupin.reporting.models import (
    COUNTED_STATUSES,
    PurchaseLine,
    Round,
    Status,
    Submission,
    SubmissionVersion,
    period_name,
)
from fupin.units import access
from fupin.units.models import Unit
from fupin.units.selectors import reporting_units, unit_has_approver


@dataclass
class AuditEntry:
    at: object
    who: str
    what: str


@dataclass
class SubmissionDetail:
    unit: Unit
    period: Period
    deadline: Deadline
    submission: Submission | None
    lines: list = field(default_factory=list)
    versions: list = field(default_factory=list)
    files: list = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    days_late: int = 0
    needs_sign_off: bool = False
    withheld: bool = False  # a report in progress, shown to a viewer: its status only (see submission_shown)

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines if not line.excluded)


def default_period() -> Period:
    """January to the latest reported month of the latest year with reports (this month when there are none)."""
    # One status at a time: each is a seek in the (status, last_month) index, where IN would scan every report.
    latest_by_status = [Submission.objects.filter(status=status).aggregate(m=Max("last_month"))["m"]
                        for status in COUNTED_STATUSES]
    latest = max((m for m in latest_by_status if m is not None), default=None)
    if latest is None:
        today = timezone.localdate()
        return Period.month(today.year, today.month)
    return Period(date(latest.year, 1, 1), latest)


def submission_for(unit: Unit, period: Period) -> Submission | None:
    return Submission.objects.filter(unit=unit, first_month=period.first, last_month=period.last).first()


def _audit(submission: Submission) -> list[AuditEntry]:
    entries = []
    for record in submission.history.select_related("history_user").order_by("history_date", "history_id"):
        if not record.history_change_reason and record.history_type != "+":
            continue
        who = record.history_user.first_name or record.history_user.username if record.history_user else "系统"
        entries.append(AuditEntry(record.history_date, who, record.history_change_reason or "创建草稿"))
    return entries


IN_PROGRESS = (Status.DRAFT, Status.RETURNED)
IN_PROGRESS_WITHHELD = "{unit}{period}的报表尚在填报中（{status}），上报后才能查看其明细和附件"


def submission_shown(user, submission: Submission) -> bool:
    """The one rule for what a report shows to whom: its lines, summary, files and audit while it is a draft or
    returned to its unit only to those who fill it in, sign it off or review it; viewers (leaders) see submitted
    and approved figures. Every page and file of a single report asks here; the aggregates count only
    COUNTED_STATUSES, so no draft reaches them."""
    return submission.status not in IN_PROGRESS or access.may(user, "view_in_progress", submission.unit)


def ensure_submission_shown(user, submission: Submission) -> None:
    if not submission_shown(user, submission):
        raise PermissionDenied(IN_PROGRESS_WITHHELD.format(
            unit=submission.unit.display_name, period=period_name(submission.period),
            status=submission.get_status_display()))


def submission_detail(*, unit: Unit, period: Period, user=None) -> SubmissionDetail:
    """The report page's contents; with `user`, what it shows them (a viewer gets a draft's status only)."""
    calendar = WorkCalendar()
    detail = SubmissionDetail(unit=unit, period=period, deadline=period_deadline(period, calendar),
                              submission=submission_for(unit, period), needs_sign_off=unit_has_approver(unit))
    submission = detail.submission
    if submission is None:
        return detail
    detail.versions = list(submission.versions.select_related("submitted_by"))  # each is what went up
    if user is not None and not submission_shown(user, submission):
        detail.withheld = True
        return detail
    detail.lines = list(submission.lines.all())
    detail.files = list(submission.files.select_related("uploaded_by"))
    detail.audit = _audit(submission)
    at = submission.first_submitted_at or submission.submitted_at
    if at and submission.status != Status.DRAFT:
        detail.days_late = workdays_late(detail.deadline.day, at, calendar)
    return detail


def same_person_changes(unit: Unit, limit: int = 50) -> list:
    """The audit trail of the unit's four-eyes setting (units.services.unit_same_person_allow), latest first."""
    records = (unit.history.filter(history_change_reason__contains="同一人填报和审核")
               .select_related("history_user").order_by("-history_date", "-history_id"))
    return list(records[:limit])


def version_lines(version: SubmissionVersion) -> list:
    """The lines as they stood when this version went up, read back from the audit trail."""
    records = (PurchaseLine.history.filter(submission_id=version.submission_id, history_date__lte=version.recorded_at)
               .latest_of_each())
    lines = [r for r in records if r.history_type != "-"]
    return sorted(lines, key=lambda r: (r.position, r.id))


def recent_periods(today: date | None = None) -> list[Period]:
    """The periods people are working on: the office's latest rounds and this and last month."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    periods = {Period(this_month, this_month), Period(last_month, last_month)}
    periods.update(r.period for r in Round.objects.order_by("-last_month", "-first_month")[:3])
    return sorted(periods, key=lambda p: (p.last, p.first), reverse=True)


@dataclass
class RoundRow:
    period: Period
    deadline: Deadline
    round: Round


def rounds_overview(limit: int = 24) -> list[RoundRow]:
    calendar = WorkCalendar()
    rows = [RoundRow(r.period, round_deadline(r, calendar), r) for r in Round.objects.all()[:limit]]
    for period in recent_periods():
        if not any(row.period == period for row in rows):
            r = round_for(period)
            rows.append(RoundRow(period, round_deadline(r, calendar), r))
    return sorted(rows, key=lambda row: (row.period.last, row.period.first), reverse=True)


def units_for_index(user) -> list[Unit]:
    """The units whose reports this person works on or looks at, in registry order."""
    return list(reporting_units().filter(access.visible_units_q(user)))


def statuses_for(units: list[Unit], periods: list[Period]) -> dict:
    """(unit id, period) → submission, for a grid of units and periods."""
    found = {}
    for period in periods:
        for submission in Submission.objects.filter(unit__in=units, first_month=period.first,
                                                    last_month=period.last):
            found[(submission.unit_id, period)] = submission
    return found


def review_queue(user) -> list[Submission]:
    """Reports waiting for the office's decision, oldest first."""
    if not access.is_office_admin(user):
        return []
    return list(Submission.objects.filter(status=Status.SUBMITTED).select_related("unit")
                .order_by("submitted_at")[:200])
