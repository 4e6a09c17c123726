"""Import uploads count against the daily upload quota (fupin.reporting.quota), refused ones included: they
were sent, and kept."""

from django.db.models import Sum

from fupin.ingest.models import ImportJob
from fupin.reporting.quota import upload_counter


@upload_counter
def import_uploads(user, since) -> int:
    return ImportJob.objects.filter(created_by=user, created_at__gte=since).aggregate(n=Sum("size"))["n"] or 0
