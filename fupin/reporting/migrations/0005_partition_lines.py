"""On PostgreSQL, the lines table becomes PARTITION BY RANGE (period_year): one partition for each year present
and the next few, a DEFAULT one, primary key (id, period_year); same columns, id sequence, constraints, indexes.
SQLite is left as it is. Django's state does not change (it still sees `id` as the key)."""

from django.db import migrations
from django.utils import timezone

from fupin.reporting.partitions import is_partitioned, table_rebuild


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if not is_partitioned(cursor):
            table_rebuild(cursor, partitioned=True, this_year=timezone.localdate().year)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if is_partitioned(cursor):
            table_rebuild(cursor, partitioned=False, this_year=timezone.localdate().year)


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0004_line_period_year"),
    ]

    operations = [
        migrations.RunPython(partition, unpartition, elidable=False),
    ]
