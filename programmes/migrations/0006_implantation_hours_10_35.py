"""The implantation contract's weekly hours within 10–35 in the database too (issue 15 §3; the rule already refused
outside them in every entry point). A contract recorded before with hours outside stops the migration with its
programme named, and nothing changes: correct it (form or administration), then migrate again."""

from decimal import Decimal

from django.db import migrations, models


def refuse_contracts_out_of_range(apps, schema_editor):
    contract = apps.get_model("programmes", "ImplantationContract")
    outside = contract.objects.exclude(weekly_hours__gte=Decimal("10"), weekly_hours__lte=Decimal("35"))
    if outside.exists():
        listed = ", ".join(f"{row.programme.code} ({row.weekly_hours} h)"
                           for row in outside.select_related("programme"))
        raise RuntimeError("Contrats d'implantation hors de 10 à 35 heures par semaine, à corriger avant cette "
                           f"migration : {listed}.")


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0005_prison_aid_rates"),
    ]

    operations = [
        migrations.RunPython(refuse_contracts_out_of_range, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="implantationcontract",
            name="implantation_hours_and_pay_in_range",
        ),
        migrations.AddConstraint(
            model_name="implantationcontract",
            constraint=models.CheckConstraint(
                condition=models.Q(("weekly_hours__gte", Decimal("10")), ("weekly_hours__lte", Decimal("35")),
                                   ("hourly_pay__gt", 0)),
                name="implantation_hours_and_pay_in_range",
                violation_error_message="Les heures de travail par semaine vont de 10 (temps partiel) à 35 (temps "
                                        "plein) et la rémunération est positive.",
            ),
        ),
    ]
