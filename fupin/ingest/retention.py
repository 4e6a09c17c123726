"""Dropping the bytes of uploads that never became figures. A refused or cancelled upload keeps its row and its
messages (what was wrong, row by row) but not its file, once the retention period has passed: otherwise every
refused upload stays in the database whole, forever. An upload left waiting for confirmation past the period is
taken as cancelled (状态改为已取消) and purged too. An imported upload keeps its file: it is what the figures came
from."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone

from fupin.core.errors import UserError
from fupin.ingest.models import ImportJob, JobStatus

DEFAULT_DAYS = 30
PURGED_STATUSES = (JobStatus.REFUSED, JobStatus.CANCELLED, JobStatus.PREVIEWED)
# The report's copy of the file's rows (the preview's cells) goes with the file; the messages and counts stay.
FILE_ROWS_KEYS = ("preview",)
DAYS_INVALID = "保留天数应为不小于1的整数，收到的是“{days}”"
BATCH = 200


@dataclass
class PurgeResult:
    jobs: int = 0
    bytes: int = 0
    job_ids: list[int] = field(default_factory=list)


def purgeable(*, days: int = DEFAULT_DAYS):
    """Refused, cancelled and abandoned (never confirmed) uploads older than `days` whose content is still
    stored."""
    if not isinstance(days, int) or days < 1:
        raise UserError(DAYS_INVALID.format(days=days))
    before = timezone.now() - timedelta(days=days)
    return ImportJob.objects.filter(status__in=PURGED_STATUSES, created_at__lt=before, content_purged_at=None)


def uploads_purge(*, days: int = DEFAULT_DAYS, dry_run: bool = False, progress=None) -> PurgeResult:
    """Blank the stored content of refused/cancelled/abandoned uploads older than `days`, recording when. Idempotent;
    `progress` (a tqdm) is told how many jobs each batch handled."""
    result = PurgeResult()
    rows = list(purgeable(days=days).annotate(stored=Length("content")).order_by("pk").values_list("pk", "stored"))
    if progress is not None:
        progress.total = len(rows)
    for start in range(0, len(rows), BATCH):
        batch = dict(rows[start:start + BATCH])
        if not dry_run:
            _purge_batch(list(batch), days=days)
        result.jobs += len(batch)
        result.bytes += sum(size or 0 for size in batch.values())
        result.job_ids.extend(batch)
        if progress is not None:
            progress.update(len(batch))
    return result


def _purge_batch(pks: list[int], *, days: int) -> None:
    now = timezone.now()
    with transaction.atomic():
        # Locked and filtered again: a job confirmed or purged since the list was read is left alone.
        jobs = purgeable(days=days).select_for_update().filter(pk__in=pks).defer("content")
        for job in jobs:
            job.report = {k: v for k, v in job.report.items() if k not in FILE_ROWS_KEYS}
            job.content = b""
            job.content_purged_at = now
            if job.status == JobStatus.PREVIEWED:
                job.status = JobStatus.CANCELLED  # nothing left to confirm
            job.save(update_fields=["content", "report", "content_purged_at", "status"])
