"""raw_hash on every mirrored table; on PostgreSQL, raw JSON compressed with lz4.

A Full Reload writes megabytes of raw JSON per thousand products; PostgreSQL's default
TOAST compression (pglz) cost a third of the server's time per page in bench/lc_reload.py,
lz4 a fraction of that. Servers built without lz4 keep pglz.
"""

from django.db import migrations, models

MIRRORED = ("lcbrand", "lccategory", "lccustomer", "lccustomergroup", "lclocation", "lcorder",
            "lcorderline", "lcproduct", "lcshippingaddress", "lcshippingmethod", "lcvariant")


def compress_raw_with_lz4(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                       "WHERE name = 'default_toast_compression'")
        row = cursor.fetchone()
    if not row or not row[0]:
        return
    for name in MIRRORED:
        table = apps.get_model("localcopy", name)._meta.db_table
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} "
                              "ALTER COLUMN raw SET COMPRESSION lz4")


def compress_raw_by_default(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    for name in MIRRORED:
        table = apps.get_model("localcopy", name)._meta.db_table
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} "
                              "ALTER COLUMN raw SET COMPRESSION DEFAULT")


class Migration(migrations.Migration):

    dependencies = [
        ('localcopy', '0002_dataset'),
    ]

    operations = [
        migrations.AddField(
            model_name='lcbrand',
            name='raw_hash',
            field=models.CharField(blank=True, default='', help_text="Digest of the raw JSON as written (and of the parsers' version): a record read again with the same digest is left alone.", max_length=32),
        ),
        migrations.AddField(
            model_name='lccategory',
            name='raw_hash',
            field=models.CharField(blank=True, default='', help_text="Digest of the raw JSON as written (and of the parsers' version): a record read again with the same digest is left alone.", max_length=32),
        ),
        migrations.AddField(
            model_name='lccustomer',
            name='raw_hash',
            field=models.CharField(blank=True, default='', help_text="Digest of the raw JSON as written (and of the parsers' version): a record read again with the same digest is left alone.", max_length=32),
        ),
        migrations.AddField(
            model_name='lccustomergroup',
            name='raw_hash',
            field=models.CharField(blank=True, default='', help_text="Digest of the raw JSON as written (and of the parsers' version): a record read again with the same digest is left alone.", max_length=32),
        ),
        migrations.AddField(
            model_name='lclocation',
            name='raw_hash',
            field=models.CharField(blank=True, default='', help_text="Digest of the raw JSON as written (and of the parsers' version): a record read again with the same digest is left alone.", max_length=32),
        ),
        migrations.AddField(
            model_name='lcorder',
            name='raw_hash',
            field=models.CharField(blank=True, default='', help_text="Digest of the raw JSON as written (and of the parsers' version): a record read again with the same digest is left alone.", max_length=32),
        ),
        migrations.AddField(
            model_name='lcorderline',
            name='raw_hash',
            field=models.CharField(blank=True, default='', help_text="Digest of the raw JSON as written (and of the parsers' version): a record read again with the same digest is left alone.", max_length=32),
        ),
        migrations.AddField(
            model_name='lcproduct',
            name='raw_hash',
            field=models.CharField(blank=True, default='', help_text="Digest of the raw JSON as written (and of the parsers' version): a record read again with the same digest is left alone.", max_length=32),
        ),
        migrations.AddField(
            model_name='lcshippingaddress',
            name='raw_hash',
            field=models.CharField(blank=True, default='', help_text="Digest of the raw JSON as written (and of the parsers' version): a record read again with the same digest is left alone.", max_length=32),
        ),
        migrations.AddField(
            model_name='lcshippingmethod',
            name='raw_hash',
            field=models.CharField(blank=True, default='', help_text="Digest of the raw JSON as written (and of the parsers' version): a record read again with the same digest is left alone.", max_length=32),
        ),
        migrations.AddField(
            model_name='lcvariant',
            name='raw_hash',
            field=models.CharField(blank=True, default='', help_text="Digest of the raw JSON as written (and of the parsers' version): a record read again with the same digest is left alone.", max_length=32),
        ),
        migrations.RunPython(compress_raw_with_lz4, compress_raw_by_default),
    ]
