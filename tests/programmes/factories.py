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


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"PROG-{n:04d}")
    siae = factory.SubFactory(SiaeFactory)
    establishment = factory.SubFactory(EstablishmentFactory)
    activity = "Menuiserie"
    phase = ProgrammePhase.DEPLOYMENT
    stage = ProgrammeStage.EMERGENCE
