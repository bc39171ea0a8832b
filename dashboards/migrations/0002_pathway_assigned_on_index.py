"""The index the median from classification to assignment needs (issue 19, §2: the medians stay on the raw
pathways, with their own indexes). The exit date has its index (participants.Pathway.Meta); the assignment date had
none: the dashboards' durations query read every pathway (national scale: 135 ms, 77 ms with this index).

Created here because the dashboards read it; it belongs with participants.Pathway's indexes, where it can move
(the same name, IF NOT EXISTS: moving it changes nothing in the database)."""

from django.db import migrations

INDEX = "pathway_assigned_on_idx"


class Migration(migrations.Migration):

    dependencies = [
        ("dashboards", "0001_initial"),
        ("participants", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON participants_pathway (assigned_on)",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
