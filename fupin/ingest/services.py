"""Imports: files from the command line, and uploads that are previewed before they are stored.

Importing a unit's figures for a period again REPLACES that unit's submission for the period (the old lines stay
in the audit trail), so the same file imported twice counts once. The ledger may refuse (an approved report,
say); the file is then refused whole with its message.
"""

import hashlib
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.ingest import messages as msg
from fupin.ingest.context import ImportContext, ImportOptions
from fupin.ingest.importer import CheckedFile, check_bytes, import_bytes
from fupin.ingest.limits import MB, ReadLimits
from fupin.ingest.messages import Issue
from fupin.ingest.models import ImportJob, JobStatus
from fupin.ingest.report import ImportReport
from fupin.insights.deferred import resyncs_deferred
from fupin.quality.stored import refresh_deferred
from fupin.reporting.models import Status, Submission
from fupin.reporting.quota import ensure_quota
from fupin.reporting.services import due_for, submissions_create_new
from fupin.units import access
from fupin.units.models import Unit

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".docx")
PREVIEW_ROWS = 300
JOB_NOT_PENDING = "这次上传已经{status}，不能再确认"
NOT_YOUR_UNIT = "您没有为“{unit}”上报数据的权限"


def import_file(path: str | Path, *, options: ImportOptions, context: ImportContext | None = None) -> ImportReport:
    """Import one file from disk. Never raises for bad content: the report carries the errors."""
    checked = check_file(path, options=options, context=context or ImportContext())
    checked.store()
    return checked.report


def check_file(path: str | Path, *, options: ImportOptions, context: ImportContext) -> CheckedFile:
    """Read and check one file from disk, to be stored after (CheckedFile.store)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > options.limits.max_bytes:
            report = ImportReport(file=str(path), dry_run=options.dry_run)
            report.error(Issue(msg.FILE_TOO_BIG.format(size=round(size / MB, 1),
                                                       limit=round(options.limits.max_bytes / MB, 1))))
            return CheckedFile(report)
        data = path.read_bytes()
    except OSError as exc:
        report = ImportReport(file=str(path), dry_run=options.dry_run)
        report.error(Issue(msg.FILE_UNREADABLE.format(reason=exc.strerror or exc.__class__.__name__)))
        return CheckedFile(report)
    return check_bytes(data, name=str(path), options=options, context=context)


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


# A batch of files is checked (nothing locked), then stored in one transaction, each file in a savepoint of it.
# Bounded so that memory holds a batch's lines, and a writer waits at most about a second for the write lock.
BATCH_FILES = 200
BATCH_LINES = 20_000


def import_files(paths: list[Path], *, options: ImportOptions, progress=None) -> Iterator[ImportReport]:
    """Each file on its own, all or nothing per file; one context (unit names, channels) for them all.
    Files are stored in batches (BATCH_FILES, BATCH_LINES): one commit, one re-sum of the rollup and one deadline
    for a batch rather than for every file — most of the cost of a folder of small unit files. A file the ledger
    refuses while a batch is stored rolls back alone (its savepoint); the others stand."""
    context = ImportContext()
    batch: list[CheckedFile] = []
    lines = 0
    # The review queue's items: computed once for all the files' reports, at the end.
    with refresh_deferred():
        for path in paths:
            batch.append(checked := check_file(path, options=options, context=context))
            lines += checked.pending_lines
            if progress is not None:
                progress.update(1)
            # Units a file creates must exist before the next file is checked: such imports go file by file.
            if options.create_units or len(batch) >= BATCH_FILES or lines >= BATCH_LINES:
                yield from _batch_store(batch, options)
                batch, lines = [], 0
        yield from _batch_store(batch, options)


def _batch_store(batch: list[CheckedFile], options: ImportOptions) -> Iterator[ImportReport]:
    if any(checked.pending_lines for checked in batch):
        with transaction.atomic(), resyncs_deferred():
            due = due_for(options.period)
            fresh = _only_new_reports(batch, options.period)
            for checked in batch:
                if checked not in fresh:
                    checked.store(due=due)
            _store_new(fresh, options, due)
    for checked in batch:
        yield checked.report


def _only_new_reports(batch: list[CheckedFile], period: Period) -> dict[CheckedFile, list]:
    """The files whose every report is a new one (its unit, in the registry, has none for the period), and whose
    units no other file of the batch names (a later file of a unit replaces the earlier: those go one by one, in
    the files' order)."""
    pending = {checked: reports for checked in batch if (reports := checked.reports())}
    named = Counter(unit.pk for reports in pending.values() for unit, _lines in reports if isinstance(unit, Unit))
    existing = set(Submission.objects.filter(unit_id__in=list(named), first_month=period.first,
                                             last_month=period.last).values_list("unit_id", flat=True))
    return {checked: reports for checked, reports in pending.items()
            if all(isinstance(unit, Unit) and named[unit.pk] == 1 and unit.pk not in existing
                   for unit, _lines in reports)}


def _store_new(fresh: dict[CheckedFile, list], options: ImportOptions, due) -> None:
    """New reports of many files at once; should the ledger refuse any (or a parallel writer have created one),
    nothing of them is kept and each file is stored on its own, refused on its own."""
    if not fresh:
        return
    try:
        with transaction.atomic():
            submissions_create_new(reports=[report for reports in fresh.values() for report in reports],
                                   period=options.period, by=options.by, status=options.status, due=due)
    except (IntegrityError, UserError):
        for checked in fresh:
            checked.store(due=due)
        return
    for checked in fresh:
        checked.stored_with_others()


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
