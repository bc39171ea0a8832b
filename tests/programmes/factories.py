from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from programmes.enums import EstablishmentKind, ProgrammePhase, ProgrammeStage, SiaeKind
from programmes.models import Department, Establishment, Programme, Quartier, Siae
from programmes.validators import luhn_is_valid


def luhn_siret(number: int) -> str:
    """A 14-digit SIRET whose check digit is valid (13 digits from ``number``, then the Luhn key)."""
    base = f"{number % 10**13:013d}"
    return next(base + str(digit) for digit in range(10) if luhn_is_valid(base + str(digit)))


def _department(code: str) -> Department:
    # Departments are reference data loaded by a data migration: look them up, never create them.
    return Department.objects.get(code=code)


class EstablishmentFactory(DjangoModelFactory):
    class Meta:
        model = Establishment

    class Params:
        department_code = "77"

    name = factory.Sequence(lambda n: f"Établissement test {n:04d}")
    kind = EstablishmentKind.CP
    department = factory.LazyAttribute(lambda o: _department(o.department_code))


class QuartierFactory(DjangoModelFactory):
    class Meta:
        model = Quartier
        django_get_or_create = ("establishment", "kind")

    establishment = factory.SubFactory(EstablishmentFactory)
    kind = "QMA"


class SiaeFactory(DjangoModelFactory):
    class Meta:
        model = Siae

    class Params:
        department_code = "77"

    name = factory.Sequence(lambda n: f"SIAE test {n:04d}")
    kind = SiaeKind.ACI
    siret = factory.Sequence(lambda n: luhn_siret(8_100_000_000_000 + n))
    department = factory.LazyAttribute(lambda o: _department(o.department_code))
    governance = "Conseil d'administration et bureau"  # the dossier unique prints it (issue 17, §2)


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"PROG-{n:04d}")
    siae = factory.SubFactory(SiaeFactory)
    establishment = factory.SubFactory(EstablishmentFactory)
    activity = "Menuiserie"
    phase = ProgrammePhase.DEPLOYMENT
    stage = ProgrammeStage.EMERGENCE
    # The project and the post (issue 17, §2): complete, so that every document accepts a factory programme; a test
    # of what is missing empties the field it is about.
    target_public = "Personnes détenues condamnées, à moins de deux ans de leur libération"
    schedule = "Du lundi au vendredi, de 8 h à 14 h"
    markets = "Sous-traitance pour les entreprises du département"
    premises = "Atelier de 200 m²"
    equipment = "Établis et outillage"
    supervisors_etp = Decimal("1.00")
    cip_etp = Decimal("0.50")
    cip_name = "Camille Roche"
    permanent_staff = "Un encadrant technique, une CIP"
    accompaniment_plan = "Diagnostic d'entrée, entretiens réguliers, préparation de la sortie"
    continuity = "Embauche en CDDI à la sortie"
    timeline = "Ouverture de l'atelier, puis bilan annuel"
    target_entries = 12
    target_durable_pct = Decimal("20.00")
    target_dynamic_pct = Decimal("50.00")
    budget_pay = Decimal("40000.00")
    budget_staff = Decimal("60000.00")
    budget_purchases = Decimal("5000.00")
    budget_premises = Decimal("3000.00")
    budget_overheads = Decimal("8000.00")
    budget_sales = Decimal("20000.00")
    post_risks = "Aucun risque particulier"
    on_call = "Aucune astreinte"
    bonuses = "Aucune prime"
