"""What SQL a block runs inside transactions of its own: a writer's transaction should hold SQLite's one writer
lock only for its writes."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def statements_in_transactions():
    """The statements run inside a transaction the block opens (the test's own transaction stays outermost)."""
    inside, outer = [], len(connection.atomic_blocks)

    def record(execute, sql, params, many, context):
        if len(connection.atomic_blocks) > outer:
            inside.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield inside
