"""Writes through the services: bad input is refused with a French message and nothing is saved."""

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from accounts.enums import Role
from programmes import services
from programmes.enums import SiaeKind
from programmes.models import Establishment, Programme, Quartier, Siae
from tests.accounts.factories import UserFactory
from tests.programmes.factories import EstablishmentFactory, ProgrammeFactory, QuartierFactory, SiaeFactory

pytestmark = pytest.mark.django_db

KIND_LABELS = {
    SiaeKind.AI: "Association intermédiaire (AI)",
    SiaeKind.ETTI: "Entreprise de travail temporaire d'insertion (ETTI)",
    SiaeKind.EITI: "Entreprise d'insertion par le travail indépendant (EITI)",
    SiaeKind.GEIQ: "Groupement d'employeurs pour l'insertion et la qualification (GEIQ)",
}


@pytest.fixture
def admin(db):
    return UserFactory(role=Role.ADMIN)


def new_programme(**fields):
    fields.setdefault("siae", SiaeFactory())
    fields.setdefault("establishment", EstablishmentFactory())
    return ProgrammeFactory.build(**fields)


def refused(call) -> dict:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


# --- programme_save ---------------------------------------------------------------------------------


def test_programme_save_creates_a_valid_programme(admin):
    programme = services.programme_save(programme=new_programme(code="MEAUX-APRES"), by=admin)

    assert Programme.objects.get(pk=programme.pk).code == "MEAUX-APRES"


def test_programme_save_refuses_an_end_date_before_the_start_date(admin):
    programme = new_programme(start_date=datetime.date(2024, 6, 1), end_date=datetime.date(2024, 1, 1))
    count = Programme.objects.count()

    errors = refused(lambda: services.programme_save(programme=programme, by=admin))

    assert errors[NON_FIELD_ERRORS] == ["La date de fin doit être postérieure à la date de début."]
    assert Programme.objects.count() == count


@pytest.mark.parametrize("code", ["meaux apres", "MEAUX_APRES", "MEAUX--APRES", "MEAUX-"])
def test_programme_save_refuses_a_badly_formed_code(admin, code):
    programme = new_programme(code=code)
    count = Programme.objects.count()

    errors = refused(lambda: services.programme_save(programme=programme, by=admin))

    assert errors[NON_FIELD_ERRORS] == [
        "Le code ne contient que des majuscules et des chiffres, séparés par des tirets."
    ]
    assert Programme.objects.count() == count


def test_programme_save_refuses_a_code_already_taken(admin):
    ProgrammeFactory(code="METZ-EFIC")
    programme = new_programme(code="METZ-EFIC")
    count = Programme.objects.count()

    errors = refused(lambda: services.programme_save(programme=programme, by=admin))

    assert errors[NON_FIELD_ERRORS] == ["Un programme porte déjà ce code."]
    assert Programme.objects.count() == count


@pytest.mark.parametrize("kind", [SiaeKind.AI, SiaeKind.ETTI, SiaeKind.EITI, SiaeKind.GEIQ])
def test_programme_save_refuses_an_siae_that_may_not_work_in_detention(admin, kind):
    programme = new_programme(siae=SiaeFactory(name="Intérim Solidaire", kind=kind))
    count = Programme.objects.count()

    errors = refused(lambda: services.programme_save(programme=programme, by=admin))

    assert errors["siae"] == [
        "Seuls un atelier et chantier d'insertion (ACI) ou une entreprise d'insertion (EI) peuvent porter un "
        f"programme en détention ; Intérim Solidaire est de type {KIND_LABELS[kind]}."
    ]
    assert Programme.objects.count() == count


@pytest.mark.parametrize("kind", [SiaeKind.ACI, SiaeKind.EI])
def test_programme_save_accepts_an_aci_or_an_ei(admin, kind):
    programme = services.programme_save(programme=new_programme(siae=SiaeFactory(kind=kind)), by=admin)

    assert Programme.objects.filter(pk=programme.pk, siae__kind=kind).exists()


def test_programme_save_refuses_a_quartier_of_another_establishment(admin):
    establishment = EstablishmentFactory()
    other_quartier = QuartierFactory(kind="QNC")
    programme = new_programme(establishment=establishment, quartier=other_quartier)
    count = Programme.objects.count()

    errors = refused(lambda: services.programme_save(programme=programme, by=admin))

    assert errors["quartier"] == ["Ce quartier n'appartient pas à l'établissement choisi."]
    assert Programme.objects.count() == count


def test_programme_save_accepts_a_quartier_of_its_establishment(admin):
    quartier = QuartierFactory(kind="QNC")
    programme = services.programme_save(
        programme=new_programme(establishment=quartier.establishment, quartier=quartier), by=admin
    )

    assert Programme.objects.get(pk=programme.pk).quartier == quartier


# --- siae_save --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("7328293200007", "Le SIRET doit comporter exactement 14 chiffres."),
        ("7328293200007A", "Le SIRET doit comporter exactement 14 chiffres."),
        ("73282932000075", "Ce SIRET n'est pas valide (la clé de contrôle ne correspond pas)."),
    ],
)
def test_siae_save_refuses_a_bad_siret(admin, siret, message):
    siae = SiaeFactory.build(siret=siret)
    count = Siae.objects.count()

    errors = refused(lambda: services.siae_save(siae=siae, by=admin))

    assert errors["siret"] == [message]
    assert Siae.objects.count() == count


def test_siae_save_refuses_a_siret_already_registered(admin):
    SiaeFactory(siret="73282932000074")
    count = Siae.objects.count()

    errors = refused(lambda: services.siae_save(siae=SiaeFactory.build(siret="73282932000074"), by=admin))

    assert errors[NON_FIELD_ERRORS] == ["Une SIAE avec ce SIRET existe déjà."]
    assert Siae.objects.count() == count


def test_siae_save_refuses_to_turn_an_siae_running_a_programme_into_an_ai(admin):
    siae = ProgrammeFactory(siae=SiaeFactory(kind=SiaeKind.ACI)).siae
    siae.kind = SiaeKind.AI

    errors = refused(lambda: services.siae_save(siae=siae, by=admin))

    assert errors["kind"] == ["Cette SIAE porte un programme en détention : elle doit rester un ACI ou une EI."]
    assert Siae.objects.get(pk=siae.pk).kind == SiaeKind.ACI


def test_siae_save_lets_an_siae_without_programme_be_an_ai(admin):
    siae = services.siae_save(siae=SiaeFactory.build(kind=SiaeKind.AI), by=admin)

    assert Siae.objects.get(pk=siae.pk).kind == SiaeKind.AI


# --- establishment_save -----------------------------------------------------------------------------


def test_establishment_save_sets_exactly_the_quartiers_given(admin):
    establishment = EstablishmentFactory()
    QuartierFactory(establishment=establishment, kind="QA")

    services.establishment_save(establishment=establishment, quartiers=["QMA", "QCD"], by=admin)

    assert set(establishment.quartiers.values_list("kind", flat=True)) == {"QMA", "QCD"}


def test_establishment_save_refuses_a_name_already_taken(admin):
    EstablishmentFactory(name="CP de Metz")
    count = Establishment.objects.count()

    errors = refused(lambda: services.establishment_save(
        establishment=EstablishmentFactory.build(name="CP de Metz"), quartiers=["QMA"], by=admin
    ))

    assert errors[NON_FIELD_ERRORS] == ["Un établissement porte déjà ce nom."]
    assert Establishment.objects.count() == count


def test_establishment_save_refuses_to_remove_a_quartier_with_a_programme_and_saves_nothing(admin):
    quartier = QuartierFactory(kind="QNC", establishment=EstablishmentFactory(name="CP de Meaux-Chauconin"))
    establishment = quartier.establishment
    ProgrammeFactory(establishment=establishment, quartier=quartier)
    establishment.name = "CP renommé"

    errors = refused(lambda: services.establishment_save(establishment=establishment, quartiers=["QMA"], by=admin))

    assert errors["quartiers"] == ["Impossible de retirer un quartier où un programme est implanté : QNC."]
    assert Establishment.objects.get(pk=establishment.pk).name == "CP de Meaux-Chauconin"
    assert list(Quartier.objects.filter(establishment=establishment).values_list("kind", flat=True)) == ["QNC"]
