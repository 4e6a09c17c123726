"""Files a unit attaches to its report: checked for size and type before anything is stored."""

import contextlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction

from fupin.core.errors import UserError
from fupin.reporting.models import Submission, SubmissionFile
from fupin.reporting.quota import ensure_quota
from fupin.reporting.services import ensure_unit_may_change

ALLOWED_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".txt", ".jpg", ".jpeg", ".png",
                    ".zip", ".rar")
FILE_TOO_LARGE = "文件“{name}”有{size}，超过上限{limit}；请压缩后再上传"
FILE_TYPE_REFUSED = "文件“{name}”的类型不支持：只接受 {allowed}"
FILE_EMPTY = "文件“{name}”是空的"


def max_bytes() -> int:
    return getattr(settings, "FUPIN_ATTACHMENT_MAX_BYTES", settings.FUPIN_UPLOAD_MAX_BYTES)


def size_display(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}MB"
    return f"{max(1, round(size / 1024))}KB"


def file_attach(*, submission: Submission, upload, by) -> SubmissionFile:
    """Store an uploaded file with the report. `upload` is a Django UploadedFile."""
    name = Path(upload.name or "").name[:200]
    if Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
        raise UserError(FILE_TYPE_REFUSED.format(name=name, allowed="、".join(s[1:] for s in ALLOWED_SUFFIXES)))
    if upload.size > max_bytes():
        raise UserError(FILE_TOO_LARGE.format(name=name, size=size_display(upload.size),
                                              limit=size_display(max_bytes())))
    if upload.size == 0:
        raise UserError(FILE_EMPTY.format(name=name))
    ensure_quota(by, size=upload.size, name=name)
    pending = None
    try:
        with transaction.atomic():
            submission = Submission.objects.select_for_update().select_related("unit").get(pk=submission.pk)
            ensure_unit_may_change(submission, by)
            stored = SubmissionFile(submission=submission, name=name, size=upload.size, uploaded_by=by)
            if by is not None:
                stored._history_user = by
            pending = PendingFile(stored, name)
            pending.write(upload)
            stored.save()
            transaction.on_commit(pending.publish)
    except BaseException:
        if pending is not None:
            pending.discard()
        raise
    return stored


class PendingFile:
    """An attachment's bytes under a temporary name beside their place, moved there once the row is committed:
    a full disk or a rolled-back transaction leaves no half-written file under a real name and no file without
    its row. (Should an enclosing transaction roll back later, what stays is a ".partial-" file, which nothing
    lists, serves or backs up.)"""

    def __init__(self, stored: SubmissionFile, name: str):
        self.storage, field = stored.file.storage, stored.file.field
        self.final = self.storage.get_available_name(field.generate_filename(stored, name),
                                                     max_length=field.max_length)
        self.temporary = f"{Path(self.final).parent.as_posix()}/.partial-{uuid.uuid4().hex}"
        stored.file.name = self.final

    def write(self, upload) -> None:
        self.temporary = self.storage.save(self.temporary, upload)

    def publish(self) -> None:
        os.replace(self.storage.path(self.temporary), self.storage.path(self.final))

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.storage.path(self.temporary))
