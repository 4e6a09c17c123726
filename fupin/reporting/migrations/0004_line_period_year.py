"""The lines' partition key: the year of the report's first month, filled set-based for the lines already stored
(and their audit rows, which copy every field), then made NOT NULL."""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce, ExtractYear

import fupin.reporting.models


def fill(apps, schema_editor):
    Submission = apps.get_model("reporting", "Submission")
    year = Subquery(Submission.objects.filter(pk=OuterRef("submission_id"))
                    .values_list(ExtractYear("first_month"))[:1])
    db = schema_editor.connection.alias
    apps.get_model("reporting", "PurchaseLine").objects.using(db).update(period_year=year)
    # An audit row whose report is gone (never, as nothing is deleted) takes the year it was written.
    apps.get_model("reporting", "HistoricalPurchaseLine").objects.using(db).update(
        period_year=Coalesce(year, ExtractYear("history_date")))


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0003_round_day_of_month"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpurchaseline",
            name="period_year",
            field=fupin.reporting.models.PeriodYearField(blank=True, editable=False, null=True,
                                                         verbose_name="报表年份"),
        ),
        migrations.AddField(
            model_name="purchaseline",
            name="period_year",
            field=fupin.reporting.models.PeriodYearField(blank=True, editable=False, null=True,
                                                         verbose_name="报表年份"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="historicalpurchaseline",
            name="period_year",
            field=fupin.reporting.models.PeriodYearField(blank=True, editable=False, verbose_name="报表年份"),
        ),
        migrations.AlterField(
            model_name="purchaseline",
            name="period_year",
            field=fupin.reporting.models.PeriodYearField(blank=True, editable=False, verbose_name="报表年份"),
        ),
    ]
