"""How much one person may upload in a day, over every kind of upload: report attachments (counted here) and
import files (the ingest app registers its counter, since reporting never imports ingest). A full disk is one
reporter's five refused 10 MB files away without it."""

from collections.abc import Callable
from datetime import datetime, time

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from fupin.core.errors import UserError
from fupin.reporting.models import SubmissionFile

QUOTA_EXCEEDED = ("文件“{name}”有{size}，超过今天剩余的上传额度：每人每天可上传{quota}，您今天已上传{used}，"
                  "还可上传{left}；请明天再上传，或联系市总")
DEFAULT_QUOTA = 50 * 1024 * 1024

# (user, since) → bytes that person uploaded since then
_COUNTERS: list[Callable] = []


def upload_counter(count: Callable) -> Callable:
    """Register a kind of upload whose bytes count against the daily quota."""
    if count not in _COUNTERS:
        _COUNTERS.append(count)
    return count


@upload_counter
def _attachments(user, since: datetime) -> int:
    return SubmissionFile.objects.filter(uploaded_by=user, uploaded_at__gte=since).aggregate(
        n=Sum("size"))["n"] or 0


def quota_bytes() -> int:
    """FUPIN_UPLOAD_QUOTA_BYTES_PER_DAY; 0 means no quota."""
    return getattr(settings, "FUPIN_UPLOAD_QUOTA_BYTES_PER_DAY", DEFAULT_QUOTA)


def _today_start() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def uploaded_today(user) -> int:
    since = _today_start()
    return sum(count(user, since) for count in _COUNTERS)


def quota_left(user) -> int | None:
    """Bytes this person may still upload today (None: no quota)."""
    quota = quota_bytes()
    return None if quota <= 0 else max(0, quota - uploaded_today(user))


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024)) if size else 0} KB"


def quota_text(user) -> str:
    """What the upload forms say: 今天还可上传 …（每人每天 …）."""
    left = quota_left(user)
    if left is None:
        return ""
    return f"今天还可上传 {size_text(left)}（每人每天 {size_text(quota_bytes())}）"


def ensure_quota(user, *, size: int, name: str) -> None:
    """Refuse an upload that would take this person past today's quota (with what is left)."""
    quota = quota_bytes()
    if quota <= 0 or user is None:
        return
    used = uploaded_today(user)
    if used + size > quota:
        raise UserError(QUOTA_EXCEEDED.format(name=name, size=size_text(size), quota=size_text(quota),
                                              used=size_text(used), left=size_text(max(0, quota - used))))
