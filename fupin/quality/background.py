"""Under `fupin serve`, the review queue's items are refreshed by a thread of each worker, not by the request that
wrote: a reporter's POST answers as soon as its transaction commits, and a burst of submissions (deadline day) is
refreshed a few dozen reports at a pass rather than each in a write transaction of its own.

Nothing is lost if a worker stops before its pass: the marks are rows (StaleReport), and every reader of the
stored items (the queue, the API, `fupin check`) refreshes whatever is still marked before it reads. Elsewhere
(commands, tests) a write refreshes its reports itself, right after its commit (stored.stale_mark).
"""

import logging
import os
import threading
import time

from django.db import close_old_connections

from fupin.core.failures import transient_failure

log = logging.getLogger(__name__)
GATHER_SECONDS = 0.1  # a pass waits this long for the rest of a burst


class Refresher:
    """The reports this worker marked stale, refreshed by one thread of its own, a pass at a time."""

    def __init__(self):
        self._lock = threading.Lock()
        self._ids: set[int] = set()
        self._wake = threading.Event()
        self._pid = None  # the process whose thread runs: a forked worker starts its own

    def add(self, submission_ids) -> None:
        with self._lock:
            self._ids.update(submission_ids)
            if self._pid != os.getpid():
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="fupin-review-refresh", daemon=True).start()
        self._wake.set()

    def _run(self) -> None:
        from fupin.quality.stored import stale_refresh_of

        while True:
            self._wake.wait()
            time.sleep(GATHER_SECONDS)
            self._wake.clear()
            with self._lock:
                ids, self._ids = self._ids, set()
            close_old_connections()  # a connection the database dropped since the last pass is opened again
            try:
                stale_refresh_of(ids)
            except Exception as exc:  # the marks stay: the next pass, or the next reader, refreshes them
                if reason := transient_failure(exc):  # a busy database or a full disk: the machine's, not a bug
                    log.warning("审核队列后台刷新未完成（%s），%d 份报表待下次刷新", reason, len(ids))
                else:
                    log.exception("审核队列后台刷新失败，%d 份报表待下次刷新", len(ids))
                with self._lock:
                    self._ids.update(ids)


_refresher: Refresher | None = None


def refresh_in_background() -> None:
    """From here on (and in the workers this process forks), writes leave their refresh to a Refresher."""
    global _refresher
    _refresher = _refresher or Refresher()


def refresher() -> Refresher | None:
    return _refresher
