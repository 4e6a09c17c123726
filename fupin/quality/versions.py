"""Objects built from the office's lists (the classifier from the taxonomy, the non-consumption screen), kept once
a process and built again when the lists change.

A list's version is read from its audit trail: every change to a channel, alias, keyword or word is saved through
the ORM and so leaves a history row (its id and time). Reading the newest of them is one indexed query, and it sees
what another process committed, so a worker never keeps a classifier the office has since changed. The time is part
of the version because an id can come back (SQLite reuses the highest rowid after a rollback).
"""

import threading
from collections.abc import Callable

from django.db import connection

_built: dict[str, tuple[tuple, object]] = {}
_lock = threading.Lock()


def history_version(models) -> tuple:
    """The newest audit row (id, time) of each model, in one query."""
    quote = connection.ops.quote_name
    parts = []
    for model in models:
        meta = model.history.model._meta
        table = quote(meta.db_table)
        parts += [f"(SELECT MAX({quote(meta.pk.column)}) FROM {table})",
                  f"(SELECT MAX({quote(meta.get_field('history_date').column)}) FROM {table})"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return (connection.alias, *cursor.fetchone())


def history_cached(name: str, models, build: Callable[[], object]):
    """The object `build` makes, built again only when one of `models` changed since it was built."""
    version = history_version(models)
    with _lock:
        kept = _built.get(name)
    if kept is not None and kept[0] == version:
        return kept[1]
    made = build()
    with _lock:
        _built[name] = (version, made)
    return made
