from django.db import migrations

from programmes.reference import load_reference


def forwards(apps, schema_editor):
    load_reference(apps.get_model("programmes", "Disp"), apps.get_model("programmes", "Region"),
                   apps.get_model("programmes", "Department"))


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
