from django.db import migrations


def forwards(apps, schema_editor):
    """Superseded by 0005: the aid table gained its prison rows and columns, which this historical model lacks.

    Databases migrated before loaded the first tables here; 0005 removes the unverified 2014 rows and loads the
    current files on every database.
    """


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_conventions_and_rates")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
