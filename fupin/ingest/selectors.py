"""Reads for the import pages: which units a person may import for, and which uploads they may see."""

from datetime import date, timedelta

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from fupin.core.periods import Period
from fupin.ingest.models import ImportJob
from fupin.reporting.calendar import WorkCalendar
from fupin.reporting.deadlines import round_deadline, round_for
from fupin.reporting.models import COUNTED_STATUSES
from fupin.reporting.selectors import recent_periods, statuses_for
from fupin.units import access
from fupin.units.models import Unit
from fupin.units.selectors import reporting_units


def importable_units(user) -> QuerySet[Unit]:
    """Units whose reports `user` may import: all for the city office, else those they fill in."""
    units = reporting_units()
    if access.is_office_admin(user):
        return units
    allowed = [u.pk for u in units.filter(access.visible_units_q(user)) if access.can_edit(user, u)]
    return units.filter(pk__in=allowed)


def jobs_for(user) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.select_related("unit", "created_by").defer("content")
    return jobs if access.is_office_admin(user) else jobs.filter(created_by=user)


def job_for_user_or_404(user, job_id: int) -> ImportJob:
    """An upload is seen by the person who sent it and by the city office; to anyone else it does not exist."""
    job = jobs_for(user).filter(pk=job_id).first()
    if job is None:
        raise Http404("没有这次上传")
    return job


def period_to_fill(unit: Unit | None, today: date | None = None) -> Period:
    """The period a unit most likely fills now, for the template and upload forms: the office's open round, else
    last month while the unit has not reported it (overdue comes first), else this month. Rounds that ended
    before last month are history, not work: an old approved period is never offered."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    candidates = [p for p in recent_periods(today) if p.last >= last_month]
    done = statuses_for([unit], candidates) if unit is not None else {}
    calendar, pending = WorkCalendar(), []
    for period in candidates:
        submission = done.get((unit.pk, period)) if unit is not None else None
        if submission is not None and submission.status in COUNTED_STATUSES:
            continue
        round_ = round_for(period)
        deadline = round_deadline(round_, calendar).day
        pending.append((not (round_.pk and deadline >= today), deadline, period.last, period.first, period))
    return min(pending)[-1] if pending else Period(this_month, this_month)
