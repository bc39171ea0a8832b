"""The names as searched (issue 18, §1; core.search): two columns the database keeps itself, and trigram indexes on
PostgreSQL. core.search.Fold computes them (its table of letters: changing it needs a migration that adds the columns
again)."""

from django.db import migrations, models

import core.search

# On PostgreSQL, trigram indexes serve the searches "contains" on the folded names (participants.selectors); pg_trgm
# is a trusted extension (PostgreSQL 13+): the database's owner creates it. SQLite (make run) has none: a scan.
TRIGRAM_INDEXES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS participant_search_last_name_trgm ON participants_participant "
    "USING gin (search_last_name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS participant_search_first_names_trgm ON participants_participant "
    "USING gin (search_first_names gin_trgm_ops)",
]


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in TRIGRAM_INDEXES:
            schema_editor.execute(statement)


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS participant_search_last_name_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS participant_search_first_names_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0007_pay_rates"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="search_last_name",
            field=models.GeneratedField(db_persist=True, expression=core.search.Fold(models.F("last_name")),
                                        output_field=models.TextField()),
        ),
        migrations.AddField(
            model_name="participant",
            name="search_first_names",
            field=models.GeneratedField(db_persist=True, expression=core.search.Fold(models.F("first_names")),
                                        output_field=models.TextField()),
        ),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
