"""SQLite whose writers wait their turn in the kernel, not in SQLite's busy handler.

SQLite lets one writer at a time; the others retry from its busy handler, which sleeps longer after each try (up
to 100 ms a sleep). With a dozen writers at once (deadline day) a request can lose the race again and again —
seconds at the 99th percentile, while the lock stands idle between tries. Here a transaction first takes an
exclusive flock on a file beside the database: a waiter sleeps in the kernel and is woken the moment the holder
gives it back (at its commit or rollback, or when its process ends: a crashed writer never keeps it). Every
`fupin` process (server workers, commands) goes through it; a writer that does not (another program opening the
file) still meets SQLite's own lock and its busy handler, as before.

The wait is bounded as SQLite's is (OPTIONS "timeout"): past it, the "database is locked" error the site and the
commands turn into their Chinese "数据库正忙" answer (core/failures.py).
"""

import fcntl
import os
import threading

from django.db.backends.sqlite3 import base

LOCKED = "database is locked (another writer held it longer than the timeout)"


class _Wait:
    """A blocking flock in a thread of its own, so that the connection's thread can stop waiting at its timeout.
    Given up, the wait's file is closed once it has the lock, which gives the lock back."""

    def __init__(self, fd: int):
        self.fd, self.got, self.given_up = fd, threading.Event(), False
        self._lock = threading.Lock()
        threading.Thread(target=self._take, name="fupin-sqlite-writer-wait", daemon=True).start()

    def _take(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        with self._lock:
            if self.given_up:
                os.close(self.fd)
                return
            self.got.set()

    def until(self, timeout: float) -> bool:
        if self.got.wait(timeout):
            return True
        with self._lock:
            self.given_up = not self.got.is_set()
            return not self.given_up


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


class _Cursor(base.SQLiteCursorWrapper):
    """A statement that writes outside a transaction (autocommit: a login's last_login) takes its turn too: left to
    SQLite's busy handler, it would meet the queue's writers one after another and could wait out the timeout."""

    wrapper: "DatabaseWrapper"

    def execute(self, query, params=None):
        return self._in_turn(query, super().execute, query, params)

    def executemany(self, query, param_list):
        return self._in_turn(query, super().executemany, query, param_list)

    def _in_turn(self, query: str, run, *args):
        if not self.wrapper._lone_write(query):
            return run(*args)
        self.wrapper._writer_take()
        try:
            return run(*args)
        finally:
            self.wrapper._writer_give()


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_fd: int | None = None
    _writer_held = False

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=_Cursor)
        cursor.wrapper = self
        return cursor

    def _lone_write(self, query: str) -> bool:
        return (not self._writer_held and not self.connection.in_transaction
                and query.lstrip()[:7].upper().startswith(WRITES))

    def _writer_take(self) -> None:
        if self.is_in_memory_db():
            return
        if self._writer_fd is None:
            self._writer_fd = os.open(f"{self.settings_dict['NAME']}-writer", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._writer_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not _Wait(self._writer_fd).until(float(self.settings_dict["OPTIONS"].get("timeout", 5))):
                self._writer_fd = None  # the wait keeps (and will close) that file: the next transaction opens anew
                raise self.Database.OperationalError(LOCKED) from None
        self._writer_held = True

    def _writer_give(self) -> None:
        if self._writer_held:
            self._writer_held = False
            fcntl.flock(self._writer_fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self):
        with self.wrap_database_errors:
            self._writer_take()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._writer_give()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._writer_give()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._writer_give()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._writer_give()
            if self._writer_fd is not None:
                os.close(self._writer_fd)
                self._writer_fd = None
