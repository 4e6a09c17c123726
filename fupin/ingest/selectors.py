"""Reads for the import pages: which units a person may import for, and which uploads they may see."""

from django.db.models import QuerySet
from django.http import Http404

from fupin.ingest.models import ImportJob
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
