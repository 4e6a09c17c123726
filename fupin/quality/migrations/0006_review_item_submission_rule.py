"""A report's amount outliers are replaced whenever another report of its unit changes: (submission, rule) finds
them without reading the report's other items. It serves every lookup by report that the index it replaces did."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('quality', '0005_review_item_single_indexes'),
        ('reporting', '0007_submission_multi_month'),
        ('units', '0005_partial_unit_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='reviewitem',
            name='review_item_submission',
        ),
        migrations.AddIndex(
            model_name='reviewitem',
            index=models.Index(fields=['submission', 'rule'], name='review_item_submission_rule'),
        ),
    ]
