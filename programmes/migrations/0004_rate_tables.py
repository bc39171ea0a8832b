from django.db import migrations

from programmes.reference import load_rates


def forwards(apps, schema_editor):
    load_rates(apps.get_model("programmes", "SmicRate"), apps.get_model("programmes", "AidRate"))


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_conventions_and_rates")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
