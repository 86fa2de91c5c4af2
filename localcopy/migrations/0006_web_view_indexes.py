
# Indexes for the Web View grid: sort orders per store ending in the primary key, and
# case-insensitive prefix filters per store, whose index differs per database.

from django.db import migrations, models


def create_prefix_indexes(apps, schema_editor):
    # Per database (see localcopy/indexes.py); also repaired after every migrate.
    from localcopy.indexes import prefix_indexes_ensure

    prefix_indexes_ensure(connection=schema_editor.connection)


def drop_prefix_indexes(apps, schema_editor):
    from localcopy.indexes import prefix_indexes_drop

    prefix_indexes_drop(connection=schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('localcopy', '0005_lean_text_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='lcproduct',
            index=models.Index(fields=['store_hash', 'price', 'id'], name='lc_product_store_price'),
        ),
        migrations.AddIndex(
            model_name='lcproduct',
            index=models.Index(fields=['store_hash', 'cost_price', 'id'], name='lc_product_store_cost'),
        ),
        migrations.AddIndex(
            model_name='lcproduct',
            index=models.Index(fields=['store_hash', 'inventory_level', 'id'], name='lc_product_store_stock'),
        ),
        migrations.AddIndex(
            model_name='lcproduct',
            index=models.Index(fields=['store_hash', 'date_modified', 'id'], name='lc_product_store_modified'),
        ),
        migrations.RunPython(create_prefix_indexes, drop_prefix_indexes, elidable=False),
    ]
