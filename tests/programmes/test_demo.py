"""load_demo: the client's pilot sites and nine demo accounts, loaded twice without change."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from dashboards import summaries
from dashboards.models import MonthlySummary
from partners.models import Organisation, OrganisationFormerName
from programmes.models import Establishment, Programme, Quartier, Siae
from tests.accounts.pages import page_text
from tests.demo import demo_for_module
from tests.programmes.test_demo_conventions import snapshot as conventions_snapshot

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = {
    "cpip.meaux", "siae.ares", "disp.paris", "dreets.idf", "national", "admin",
    "cpip.metz", "siae.efic", "disp.strasbourg",
}
PILOT_CODES = {
    "VARCES-LA-REMISE", "SAINT-DENIS-TI-TANG", "MEAUX-APRES", "METZ-EFIC", "OERMINGEN-EMMAUS-MUNDO",
    "PERPIGNAN-AEPI", "SEYSSES-TERRITOIRE-ACTIF", "NICE-ASSIETTE-BLEUE",
}
DEMO_CODES = PILOT_CODES | {"MEAUX-ARES"}  # today's workshop at Meaux, after the experiment (MEAUX-APRES)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Loaded once for the module's tests that read it (load_demo takes seconds), rolled back at the end."""
    with demo_for_module(django_db_blocker):
        yield


def snapshot() -> dict:
    """The natural keys of every registry row, and how many rows each table holds."""
    return {
        "programmes": set(Programme.objects.values_list("code", "siae__siret", "establishment__name",
                                                        "quartier__kind", "stage")),
        "establishments": set(Establishment.objects.values_list("name", "kind", "department_id",
                                                                "delegated_manager__name")),
        "quartiers": set(Quartier.objects.values_list("establishment__name", "kind")),
        "siae": set(Siae.objects.values_list("siret", "name", "kind")),
        "organisations": set(Organisation.objects.values_list("kind", "name")),
        "former_names": set(OrganisationFormerName.objects.values_list("organisation__name", "name", "valid_until")),
        "users": set(User.objects.values_list("username", "role", "organisation__name")),
        "counts": [model.objects.count() for model in (Programme, Establishment, Quartier, Siae, Organisation,
                                                       OrganisationFormerName, User)],
    }


def test_load_demo_twice_gives_the_same_rows(demo):
    """The registry, and the conventions, partners, committees and events (test_demo_conventions.snapshot). The
    first load is the module's (`demo`: run for real, or copied from the rows a real run wrote: tests/demo.py)."""
    first, first_conventions = snapshot(), conventions_snapshot()
    passwords = dict(User.objects.values_list("username", "password"))

    out = StringIO()
    call_command("load_demo", stdout=out)

    assert snapshot() == first
    assert conventions_snapshot() == first_conventions
    assert all(first_conventions.values())  # every model has demo rows
    assert dict(User.objects.values_list("username", "password")) == passwords  # not re-hashed either
    assert "Démo chargée : 9 programmes, 8 établissements, 8 SIAE" in out.getvalue()
    # its pathways are written with the dashboards' summaries deferred to the end (dashboards.summaries.deferred):
    # the stored summaries are those a recomputation from the raw tables gives, and not empty
    assert summaries.differences() == [] and MonthlySummary.objects.filter(entrants__gt=0).exists()


def test_load_demo_creates_the_eight_pilots_todays_meaux_and_nine_demo_accounts(demo):
    assert set(Programme.objects.values_list("code", flat=True)) == DEMO_CODES
    assert set(User.objects.values_list("username", flat=True)) == DEMO_ACCOUNTS


def test_demo_account_logs_in_with_the_demo_password(demo, client, settings):
    response = client.post(reverse("accounts:login"), {"username": "cpip.meaux", "password": settings.DEMO_PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("accounts:home")


def test_meaux_apres_is_the_pilot_of_apres_at_meaux_chauconin_in_the_qnc(demo):
    programme = Programme.objects.get(code="MEAUX-APRES")

    assert programme.establishment.name == "CP de Meaux-Chauconin"
    assert programme.quartier.kind == "QNC"
    assert programme.siae.name == "Après (Groupe ARES)"
    assert programme.siae.kind == "EI"
    assert programme.establishment.disp.code == "DISP_PARIS"
    assert programme.establishment.delegated_manager.name == "GEPSA"
    assert (programme.start_date, programme.end_date) == (datetime.date(2017, 7, 1), datetime.date(2018, 12, 31))


def test_meaux_apres_page_shows_its_establishment_quartier_siae_disp_and_manager(demo, client):
    client.force_login(User.objects.get(username="disp.paris"))

    text = page_text(client.get(Programme.objects.get(code="MEAUX-APRES").get_absolute_url()))

    for expected in ["CP de Meaux-Chauconin", "Quartier nouveau concept", "Après (Groupe ARES)",
                     "Direction interrégionale des services pénitentiaires de Paris", "GEPSA"]:
        assert expected in text


@pytest.mark.parametrize(
    ("username", "codes"),
    [
        ("cpip.meaux", {"MEAUX-APRES", "MEAUX-ARES"}),
        ("siae.ares", {"MEAUX-APRES", "MEAUX-ARES"}),
        ("disp.paris", {"MEAUX-APRES", "MEAUX-ARES"}),
        ("dreets.idf", {"MEAUX-APRES", "MEAUX-ARES"}),
        ("cpip.metz", {"METZ-EFIC"}),
        ("siae.efic", {"METZ-EFIC"}),
        ("disp.strasbourg", {"METZ-EFIC", "OERMINGEN-EMMAUS-MUNDO"}),
        ("national", DEMO_CODES),
        ("admin", DEMO_CODES),
    ],
)
def test_demo_account_sees_only_the_programmes_of_its_scope(demo, client, username, codes):
    client.force_login(User.objects.get(username=username))

    text = page_text(client.get(reverse("programmes:programme_list")))

    assert {code for code in DEMO_CODES if f">{code}</a>" in text} == codes


def test_cpip_of_metz_gets_404_on_meaux_apres(demo, client):
    client.force_login(User.objects.get(username="cpip.metz"))

    response = client.get(Programme.objects.get(code="MEAUX-APRES").get_absolute_url())

    assert response.status_code == 404


def test_dreets_ile_de_france_was_the_direccte_until_31_march_2021(demo):
    dreets = Organisation.objects.get(name="DRIEETS Île-de-France")

    assert dreets.name_on(datetime.date(2021, 3, 31)) == "DIRECCTE Île-de-France"
    assert dreets.name_on(datetime.date(2021, 4, 1)) == "DRIEETS Île-de-France"


def test_france_travail_meaux_was_pole_emploi_until_31_december_2023(demo):
    agency = Organisation.objects.get(name="France Travail Meaux")

    assert agency.name_on(datetime.date(2023, 12, 31)) == "Pôle emploi Meaux"
    assert agency.name_on(datetime.date(2024, 1, 1)) == "France Travail Meaux"


def test_load_demo_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True

    before = Programme.objects.count()

    with pytest.raises(CommandError, match="refusées en production"):
        call_command("load_demo", stdout=StringIO())

    assert Programme.objects.count() == before
