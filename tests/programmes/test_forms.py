"""The registry forms, without HTTP: each error in French beside its field, choice lists limited to the scope."""

import datetime

import pytest

from programmes.enums import SiaeKind
from programmes.forms import EstablishmentForm, ProgrammeForm, SiaeForm
from programmes.models import Programme, Siae
from tests.programmes.factories import EstablishmentFactory, ProgrammeFactory, QuartierFactory, SiaeFactory
from tests.programmes.form_data import INVALID_CHOICE, programme_data, siae_data

pytestmark = pytest.mark.django_db

def errors_of(form) -> dict:
    assert not form.is_valid()
    return {field: list(messages) for field, messages in form.errors.items()}


# --- ProgrammeForm ----------------------------------------------------------------------------------


def test_programme_form_upper_cases_the_code_and_is_valid(personas, scope_a):
    form = ProgrammeForm(data=programme_data(scope_a, code=" alpha-2 "), user=personas["DISP_STAFF_A"])

    assert form.is_valid(), form.errors
    assert form.cleaned_data["code"] == "ALPHA-2"


@pytest.mark.parametrize("kind", [SiaeKind.AI, SiaeKind.ETTI, SiaeKind.EITI, SiaeKind.GEIQ])
def test_programme_form_refuses_an_siae_that_may_not_work_in_detention(personas, scope_a, kind):
    siae = SiaeFactory(name="Intérim Solidaire", kind=kind, department_code="77")
    count = Programme.objects.count()

    errors = errors_of(ProgrammeForm(data=programme_data(scope_a, siae=siae.pk), user=personas["DISP_STAFF_A"]))

    assert len(errors["siae"]) == 1
    assert errors["siae"][0].startswith("Seuls un atelier et chantier d'insertion (ACI) ou une entreprise")
    assert f"Intérim Solidaire est de type {SiaeKind(kind).label}." in errors["siae"][0]
    assert Programme.objects.count() == count


def test_programme_form_refuses_a_quartier_of_another_establishment(personas, scope_a):
    other = EstablishmentFactory(name="MA de Meaux", department_code="77")
    quartier = QuartierFactory(establishment=other, kind="QNC")

    errors = errors_of(ProgrammeForm(data=programme_data(scope_a, quartier=quartier.pk), user=personas["ADMIN"]))

    assert errors == {"quartier": ["Ce quartier n'appartient pas à l'établissement choisi."]}


def test_programme_form_puts_the_date_error_beside_the_end_date(personas, scope_a):
    data = programme_data(scope_a, start_date="2024-06-01", end_date="2024-05-31")

    errors = errors_of(ProgrammeForm(data=data, user=personas["DISP_STAFF_A"]))

    assert errors == {"end_date": ["La date de fin doit être postérieure à la date de début."]}


def test_programme_form_puts_the_code_format_error_beside_the_code(personas, scope_a):
    errors = errors_of(ProgrammeForm(data=programme_data(scope_a, code="ALPHA 2"), user=personas["DISP_STAFF_A"]))

    assert errors == {"code": ["Le code ne contient que des majuscules et des chiffres, séparés par des tirets."]}


def test_programme_form_puts_the_duplicate_code_error_beside_the_code(personas, scope_a):
    errors = errors_of(ProgrammeForm(data=programme_data(scope_a, code="alpha-1"), user=personas["DISP_STAFF_A"]))

    assert errors == {"code": ["Un programme porte déjà ce code."]}


def test_programme_form_of_disp_paris_offers_only_its_establishments_siae_and_quartiers(personas, scope_a, scope_b):
    form = ProgrammeForm(user=personas["DISP_STAFF_A"])

    assert list(form.fields["establishment"].queryset) == [scope_a.establishment]
    assert list(form.fields["siae"].queryset) == [scope_a.siae]
    assert {q.establishment for q in form.fields["quartier"].queryset} == {scope_a.establishment}


def test_programme_form_refuses_an_establishment_outside_the_scope(personas, scope_a, scope_b):
    data = programme_data(scope_a, establishment=scope_b.establishment.pk)

    errors = errors_of(ProgrammeForm(data=data, user=personas["DISP_STAFF_A"]))

    assert errors == {"establishment": [INVALID_CHOICE]}


def test_programme_form_of_an_siae_director_offers_only_their_siae(personas, scope_a, scope_b):
    SiaeFactory(name="Autre SIAE de Seine-et-Marne", department_code="77")

    form = ProgrammeForm(user=personas["SIAE_DIRECTOR_A"])

    assert list(form.fields["siae"].queryset) == [scope_a.siae]


def test_programme_form_edits_an_existing_programme_without_calling_its_own_code_a_duplicate(personas, scope_a):
    form = ProgrammeForm(
        data=programme_data(scope_a, code="ALPHA-1", start_date="2024-01-01", end_date="2024-12-31"),
        instance=scope_a.programme, user=personas["SIAE_DIRECTOR_A"],
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["end_date"] == datetime.date(2024, 12, 31)


# --- SiaeForm ---------------------------------------------------------------------------------------


def test_siae_form_accepts_a_siret_typed_with_spaces(personas, scope_a):
    form = SiaeForm(data=siae_data(siret="732 829 320 00074"), user=personas["DDETS_STAFF_A"])

    assert form.is_valid(), form.errors
    assert form.cleaned_data["siret"] == "73282932000074"


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("7328293200007", "Le SIRET doit comporter exactement 14 chiffres."),
        ("73282932000075", "Ce SIRET n'est pas valide (la clé de contrôle ne correspond pas)."),
    ],
)
def test_siae_form_explains_a_bad_siret_beside_the_field(personas, scope_a, siret, message):
    count = Siae.objects.count()

    errors = errors_of(SiaeForm(data=siae_data(siret=siret), user=personas["DDETS_STAFF_A"]))

    assert errors == {"siret": [message]}
    assert Siae.objects.count() == count


def test_siae_form_puts_the_duplicate_siret_error_beside_the_siret(personas, scope_a):
    errors = errors_of(SiaeForm(data=siae_data(siret=scope_a.siae.siret), user=personas["DDETS_STAFF_A"]))

    assert errors == {"siret": ["Une SIAE avec ce SIRET existe déjà."]}


def test_siae_form_of_a_ddets_offers_only_its_department(personas, scope_a):
    form = SiaeForm(user=personas["DDETS_STAFF_A"])

    assert [department.code for department in form.fields["department"].queryset] == ["77"]


# --- EstablishmentForm ------------------------------------------------------------------------------


def test_establishment_form_of_disp_paris_offers_only_ile_de_france_departments(personas, scope_a):
    form = EstablishmentForm(user=personas["DISP_STAFF_A"])

    codes = {department.code for department in form.fields["department"].queryset}
    assert codes == {"75", "77", "78", "91", "92", "93", "94", "95"}


def test_establishment_form_refuses_a_department_outside_the_scope(personas, scope_a):
    data = {"name": "CP de Sarreguemines", "kind": "CP", "department": "57", "address": "", "quartiers": ["QMA"]}

    errors = errors_of(EstablishmentForm(data=data, user=personas["DISP_STAFF_A"]))

    assert errors == {"department": [INVALID_CHOICE]}


def test_establishment_form_puts_the_duplicate_name_error_beside_the_name(personas, scope_a):
    data = {"name": "CP Alpha", "kind": "CP", "department": "77", "address": "", "quartiers": ["QMA"]}

    errors = errors_of(EstablishmentForm(data=data, user=personas["DISP_STAFF_A"]))

    assert errors == {"name": ["Un établissement porte déjà ce nom."]}


def test_programme_form_of_disp_paris_leaves_out_a_strasbourg_establishment_hosting_a_paris_siae(personas, scope_a):
    # A programme in a Strasbourg establishment does not bring that establishment into Paris' choices.
    ProgrammeFactory(establishment=EstablishmentFactory(department_code="67"), siae=scope_a.siae)

    form = ProgrammeForm(user=personas["DISP_STAFF_A"])

    assert list(form.fields["establishment"].queryset) == [scope_a.establishment]
