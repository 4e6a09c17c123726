"""The review items' keys (submission, unit) lose the index Django gives a foreign key: the named indexes in Meta
are the same, so each row was written to two copies. Dropped in place: an AlterField would copy the whole table on
SQLite (millions of rows at a province's size)."""

import django.db.models.deletion
from django.db import migrations, models

NAMED = {"submission_id": "review_item_submission", "unit_id": "review_item_unit"}


def drop_key_indexes(apps, schema_editor):
    model = apps.get_model("quality", "ReviewItem")
    for column, kept in NAMED.items():
        for name in schema_editor._constraint_names(model, [column], index=True):
            if name != kept:
                schema_editor.execute(schema_editor._delete_index_sql(model, name))


def add_key_indexes(apps, schema_editor):
    model = apps.get_model("quality", "ReviewItem")
    for column in NAMED:
        field = next(f for f in model._meta.fields if f.column == column)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):

    dependencies = [
        ("quality", "0004_review_items_stored"),
        ("reporting", "0007_submission_multi_month"),
        ("units", "0005_partial_unit_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_key_indexes, add_key_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="reviewitem",
                    name="submission",
                    field=models.ForeignKey(db_constraint=False, db_index=False,
                                            on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                            to="reporting.submission", verbose_name="报表"),
                ),
                migrations.AlterField(
                    model_name="reviewitem",
                    name="unit",
                    field=models.ForeignKey(db_constraint=False, db_index=False,
                                            on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                            to="units.unit", verbose_name="单位"),
                ),
            ],
        ),
    ]
