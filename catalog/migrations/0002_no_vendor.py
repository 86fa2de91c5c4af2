from django.db import migrations

NO_VENDOR = "No Vendor"


def create_no_vendor(apps, schema_editor):
    apps.get_model("catalog", "Vendor").objects.get_or_create(name=NO_VENDOR)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(create_no_vendor, migrations.RunPython.noop)]
