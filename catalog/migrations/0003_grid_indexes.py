# Indexes for the POS View grid: sort orders ending in the primary key, and case-insensitive
# prefix filters ("starts with"), whose index differs per database.

from django.db import migrations, models


def create_prefix_indexes(apps, schema_editor):
    # Per database (see catalog/indexes.py); also repaired after every migrate.
    from catalog.indexes import prefix_indexes_ensure

    prefix_indexes_ensure(connection=schema_editor.connection)


def drop_prefix_indexes(apps, schema_editor):
    from catalog.indexes import prefix_indexes_drop

    prefix_indexes_drop(connection=schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0002_no_vendor'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='item',
            index=models.Index(fields=['price', 'id'], name='item_price_id'),
        ),
        migrations.AddIndex(
            model_name='item',
            index=models.Index(fields=['cost_price', 'id'], name='item_cost_price_id'),
        ),
        migrations.AddIndex(
            model_name='item',
            index=models.Index(fields=['bin_number', 'id'], name='item_bin_number_id'),
        ),
        migrations.AddIndex(
            model_name='item',
            index=models.Index(fields=['updated_at', 'id'], name='item_updated_at_id'),
        ),
        migrations.RunPython(create_prefix_indexes, drop_prefix_indexes, elidable=False),
    ]
