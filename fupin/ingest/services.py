"""Imports: files from the command line, and uploads that are previewed before they are stored.

Importing a unit's figures for a period again REPLACES that unit's submission for the period (the old lines stay
in the audit trail), so the same file imported twice counts once. The ledger may refuse (an approved report,
say); the file is then refused whole with its message.
"""

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.ingest import messages as msg
from fupin.ingest.context import ImportContext, ImportOptions
from fupin.ingest.importer import import_bytes
from fupin.ingest.limits import MB, ReadLimits
from fupin.ingest.messages import Issue
from fupin.ingest.models import ImportJob, JobStatus
from fupin.ingest.report import ImportReport
from fupin.quality.stored import refresh_deferred
from fupin.reporting.models import Status
from fupin.reporting.quota import ensure_quota
from fupin.units import access
from fupin.units.models import Unit

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".docx")
PREVIEW_ROWS = 300
JOB_NOT_PENDING = "这次上传已经{status}，不能再确认"
NOT_YOUR_UNIT = "您没有为“{unit}”上报数据的权限"


def import_file(path: str | Path, *, options: ImportOptions, context: ImportContext | None = None) -> ImportReport:
    """Import one file from disk. Never raises for bad content: the report carries the errors."""
    path = Path(path)
    context = context or ImportContext()
    try:
        size = path.stat().st_size
        if size > options.limits.max_bytes:
            report = ImportReport(file=str(path), dry_run=options.dry_run)
            report.error(Issue(msg.FILE_TOO_BIG.format(size=round(size / MB, 1),
                                                       limit=round(options.limits.max_bytes / MB, 1))))
            return report
        data = path.read_bytes()
    except OSError as exc:
        report = ImportReport(file=str(path), dry_run=options.dry_run)
        report.error(Issue(msg.FILE_UNREADABLE.format(reason=exc.strerror or exc.__class__.__name__)))
        return report
    return import_bytes(data, name=str(path), options=options, context=context)


def files_to_import(arguments: Iterable[str]) -> list[Path]:
    """Files named, and every importable file inside folders named (sorted), without Office's ~$ lock files."""
    found: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found.extend(sorted(p for p in _walk(path) if p.suffix.lower() in SUFFIXES
                                and not p.name.startswith(("~$", "."))))
        else:
            found.append(path)
    return found


def _walk(folder: Path) -> Iterator[Path]:
    for root, _dirs, names in os.walk(folder):
        for name in names:
            yield Path(root) / name


def import_files(paths: list[Path], *, options: ImportOptions, progress=None) -> Iterator[ImportReport]:
    """Each file on its own, all or nothing per file; one context (unit names, channels) for them all."""
    context = ImportContext()
    with refresh_deferred():  # the review queue's items: computed once for all the files' reports, at the end
        for path in paths:
            report = import_file(path, options=options, context=context)
            if progress is not None:
                progress.update(1)
            yield report


# Uploads: preview, then confirm ---------------------------------------------------------------------------

def upload_options(*, user, period: Period, unit: Unit | None, dry_run: bool) -> ImportOptions:
    """A reporter's upload becomes a draft they then submit; the office's counts as submitted."""
    status = Status.SUBMITTED if access.is_office_admin(user) else REPORTER_STATUS
    return ImportOptions(period=period, by=user, user=user, unit=unit, status=status, dry_run=dry_run,
                         preview_rows=PREVIEW_ROWS, limits=ReadLimits.for_upload())


# A reporter's upload is their draft: they check it on the report page and submit it there (signed off first,
# where the unit has an approver), like a report typed in by hand.
REPORTER_STATUS = Status.DRAFT


def import_job_create(*, user, file_name: str, content: bytes, period: Period, unit: Unit | None) -> ImportJob:
    """Check an upload without storing its lines, and keep it for the person to confirm."""
    if unit is not None and not access.can_edit(user, unit):
        raise UserError(NOT_YOUR_UNIT.format(unit=unit.display_name))
    if unit is None and not access.is_office_admin(user):
        raise UserError("请选择要上报的单位")
    ensure_quota(user, size=len(content), name=file_name)
    report = import_bytes(content, name=file_name, options=upload_options(user=user, period=period, unit=unit,
                                                                          dry_run=True), context=ImportContext())
    job = ImportJob(created_by=user, file_name=file_name[:255], content=content, size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(), first_month=period.first, last_month=period.last,
                    unit=unit, status=JobStatus.PREVIEWED if report.ok else JobStatus.REFUSED,
                    report=_job_report(report))
    job.save()
    return job


def _job_report(report: ImportReport) -> dict:
    data = report.as_json()
    data["preview"] = report.preview
    data["columns"] = report.columns
    data["lines"] = report.lines
    return data


def import_job_confirm(*, job: ImportJob, user) -> ImportReport:
    """Store the previewed upload. The file is read again: what is stored is what the checks passed."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != JobStatus.PREVIEWED:
            raise UserError(JOB_NOT_PENDING.format(status=job.get_status_display()))
        if job.unit is not None and not access.can_edit(user, job.unit):
            raise UserError(NOT_YOUR_UNIT.format(unit=job.unit.display_name))
        options = upload_options(user=user, period=job.period, unit=job.unit, dry_run=False)
        report = import_bytes(bytes(job.content), name=job.file_name, options=options, context=ImportContext())
        job.status = JobStatus.IMPORTED if report.stored else JobStatus.REFUSED
        job.report = _job_report(report)
        job.imported_at = timezone.now() if report.stored else None
        job.save()
    return report


def import_job_cancel(*, job: ImportJob, user) -> None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status == JobStatus.PREVIEWED:
            job.status = JobStatus.CANCELLED
            job.save(update_fields=["status"])
