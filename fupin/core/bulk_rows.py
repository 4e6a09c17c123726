"""Rows written into a model's table set-based: one executemany (COPY on PostgreSQL), no model objects.

The ORM's bulk_create compiles every value of every object in Python (about 60 % of a 20,000-row insert); rows built
as plain tuples, their values already in the database's form (`db_value`), go in at the database's own speed. No
signals, no `save()`, no defaults: the caller gives every column (`columns_check` says when one is missing).
"""

import json
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import JSONField, Model


def columns_check(model: type[Model], names: Sequence[str]) -> None:
    """Every concrete field but the primary key, by attname, exactly once: a field added to the model and not to the
    writer fails here, at import, rather than as a NOT NULL error at the first insert."""
    expected = {f.attname for f in model._meta.concrete_fields if not f.primary_key}
    if len(names) != len(set(names)) or set(names) != expected:
        raise RuntimeError(f"{model.__name__}: columns {sorted(names)} ≠ fields {sorted(expected)}")


def db_value(field, value):
    """`value` as the database takes it in a row: what the field's get_db_prep_save gives, JSON as the text
    Django's JSONField writes (json.dumps with its encoder: SQLite stores it as is, PostgreSQL parses it), dates as
    the backend wants them (SQLite keeps ISO text)."""
    if value is None:
        return None
    if isinstance(field, JSONField):
        return json.dumps(value, cls=field.encoder)
    if field.get_internal_type() == "DateField":
        return connection.ops.adapt_datefield_value(value)
    return field.get_db_prep_save(value, connection)


def rows_insert(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert `rows` (tuples of database values in the order of `columns`, the fields' attnames) into `model`'s
    table, in the caller's transaction. Returns how many rows went in."""
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    return len(rows)
