from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('units', '0004_unit_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='unit',
            name='unit_active_path',
        ),
        migrations.RemoveIndex(
            model_name='unit',
            name='unit_registry_order',
        ),
        migrations.AddIndex(
            model_name='unit',
            index=models.Index(condition=models.Q(('active', True)), fields=['path'], name='unit_active_path'),
        ),
        migrations.AddIndex(
            model_name='unit',
            index=models.Index(condition=models.Q(('active', False)), fields=['path'], name='unit_retired_path'),
        ),
        migrations.AddIndex(
            model_name='unit',
            index=models.Index(condition=models.Q(('active', True)), fields=['depth', 'order', 'id'], name='unit_active_registry_order'),
        ),
    ]
