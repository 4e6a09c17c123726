import django.db.models.deletion
from django.db import migrations, models


def sum_existing(apps, schema_editor):
    """A ledger from before: sum its submissions' screened lines once (derived data, so today's code is used)."""
    if not apps.get_model("reporting", "Submission").objects.exists():
        return
    from fupin.insights.screened_sums import screened_rebuild

    screened_rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('insights', '0002_submission_sums_rollup_at_write'),
        ('reporting', '0003_round_day_of_month'),
    ]

    operations = [
        migrations.CreateModel(
            name='SubmissionScreened',
            fields=[
                ('submission', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='reporting.submission')),
                ('first_month', models.DateField()),
                ('last_month', models.DateField()),
                ('excluded_fen', models.BigIntegerField(default=0)),
                ('excluded_lines', models.BigIntegerField(default=0)),
                ('merged_fen', models.BigIntegerField(default=0)),
                ('merged_lines', models.BigIntegerField(default=0)),
                ('merged_groups', models.BigIntegerField(default=0)),
            ],
            options={
                'indexes': [models.Index(fields=['first_month', 'last_month'], name='screened_span')],
            },
        ),
        migrations.RunPython(sum_existing, migrations.RunPython.noop),
    ]
