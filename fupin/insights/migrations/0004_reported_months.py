import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    """The months of the reports already stored (derived data: the repair's GROUP BY, today's code)."""
    if not apps.get_model("reporting", "Submission").objects.exists():
        return
    from fupin.insights.reported_months import months_rebuild

    months_rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('insights', '0003_submission_screened'),
        ('units', '0005_partial_unit_indexes'),
        ('reporting', '0007_submission_multi_month'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReportedMonths',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('months', models.PositiveIntegerField(default=0)),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='units.unit')),
            ],
            options={
                'indexes': [models.Index(fields=['year', 'months', 'unit'], name='reported_months_covering')],
                'constraints': [models.UniqueConstraint(fields=('unit', 'year'), name='reported_months_one_per_unit_year')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
