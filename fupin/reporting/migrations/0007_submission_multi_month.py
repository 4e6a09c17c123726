from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0006_submission_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='submission',
            index=models.Index(condition=models.Q(('first_month__lt', models.F('last_month'))), fields=['first_month', 'last_month', 'status', 'unit'], name='submission_multi_month'),
        ),
    ]
