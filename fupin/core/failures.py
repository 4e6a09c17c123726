"""Failures of the machine, not of the input: a busy database and a full disk. Both pass; the person is told so
in Chinese and asked to retry, instead of seeing a bare "Server Error (500)"."""

import errno
import logging

DATABASE_BUSY = "数据库正忙（其他人正在保存数据），本次操作没有保存任何内容；请稍等片刻再试一次。"
DISK_FULL = "服务器磁盘已满，本次操作没有保存任何内容；请通知系统管理员清理磁盘后再试。"
RETRY_AFTER_SECONDS = {DATABASE_BUSY: 10, DISK_FULL: 300}


def transient_failure(exc: BaseException) -> str | None:
    """The Chinese message for a busy database or a full disk anywhere in `exc`'s chain, else None."""
    from django.db.utils import OperationalError

    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        text = str(exc).lower()
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return DISK_FULL
        if "database or disk is full" in text or "no space left on device" in text:
            return DISK_FULL
        if "database is locked" in text or "database table is locked" in text:
            return DATABASE_BUSY
        if isinstance(exc, OperationalError) and "could not obtain lock" in text:  # PostgreSQL NOWAIT
            return DATABASE_BUSY
        exc = exc.__cause__ or exc.__context__
    return None


class ClientErrorsOnOneLine(logging.Filter):
    """A 403 or 404 is a person's mistake, not the program's: log its one line, without the traceback Django
    attaches (a walk through the site would otherwise fill the log with hundreds of them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and (status < 500 or status == 503):  # 503: the handler logs its reason
            record.exc_info = None
            record.exc_text = None
        return True
