"""Reads over the ledger for pages and reports."""

from datetime import date

from django.db.models import Max
from django.utils import timezone

from fupin.core.periods import Period
from fupin.reporting.models import COUNTED_STATUSES, Submission


def default_period() -> Period:
    """January to the latest reported month of the latest year with reports (this month when there are none)."""
    latest = Submission.objects.filter(status__in=COUNTED_STATUSES).aggregate(m=Max("last_month"))["m"]
    if latest is None:
        today = timezone.localdate()
        return Period.month(today.year, today.month)
    return Period(date(latest.year, 1, 1), latest)
