"""The registry list pages: only rows in the viewer's scope, search, filters, pagination, empty state."""

import pytest
from django.urls import reverse

from accounts.enums import Role
from tests.accounts.factories import UserFactory
from tests.accounts.pages import page_text
from tests.partners.factories import OrganisationFactory
from tests.programmes.factories import EstablishmentFactory, ProgrammeFactory, SiaeFactory

pytestmark = pytest.mark.django_db

PROGRAMMES = reverse("programmes:programme_list")
ESTABLISHMENTS = reverse("programmes:establishment_list")
SIAES = reverse("programmes:siae_list")


@pytest.mark.parametrize(
    ("url", "persona", "shown", "hidden"),
    [
        (PROGRAMMES, "CPIP_A", ["ALPHA-1"], ["BRAVO-1"]),
        (PROGRAMMES, "SIAE_STAFF_B", ["BRAVO-1"], ["ALPHA-1"]),
        (PROGRAMMES, "DREETS_STAFF_A", ["ALPHA-1"], ["BRAVO-1"]),
        (PROGRAMMES, "NATIONAL", ["ALPHA-1", "BRAVO-1"], []),
        (ESTABLISHMENTS, "ESTABLISHMENT_STAFF_A", ["CP Alpha"], ["CP Bravo"]),
        (ESTABLISHMENTS, "DISP_STAFF_B", ["CP Bravo"], ["CP Alpha"]),
        (ESTABLISHMENTS, "ADMIN", ["CP Alpha", "CP Bravo"], []),
        (SIAES, "SIAE_DIRECTOR_A", ["SIAE Alpha"], ["SIAE Bravo"]),
        (SIAES, "DDETS_STAFF_B", ["SIAE Bravo"], ["SIAE Alpha"]),
        (SIAES, "NATIONAL", ["SIAE Alpha", "SIAE Bravo"], []),
    ],
)
def test_list_page_shows_only_rows_in_the_viewers_scope(client_as, url, persona, shown, hidden):
    text = page_text(client_as(persona).get(url))

    for name in shown:
        assert name in text
    for name in hidden:
        assert name not in text


def test_establishments_of_an_siae_are_those_where_it_runs_a_programme(client_as, scope_a):
    EstablishmentFactory(name="MA de Meaux", department_code="77")

    text = page_text(client_as("SIAE_DIRECTOR_A").get(ESTABLISHMENTS))

    assert "CP Alpha" in text
    assert "MA de Meaux" not in text


def test_siae_list_of_a_ddets_includes_an_siae_of_its_department_without_programme(client_as, scope_a):
    SiaeFactory(name="Jardins de Meaux", department_code="77")
    SiaeFactory(name="Jardins de Metz", department_code="57")

    text = page_text(client_as("DDETS_STAFF_A").get(SIAES))

    assert "Jardins de Meaux" in text
    assert "Jardins de Metz" not in text


# --- search -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "query", "shown", "hidden"),
    [
        (PROGRAMMES, "bravo", ["BRAVO-1"], ["ALPHA-1"]),
        (PROGRAMMES, "Atelier Alpha", ["ALPHA-1"], ["BRAVO-1"]),
        (ESTABLISHMENTS, "Bravo", ["CP Bravo"], ["CP Alpha"]),
        (ESTABLISHMENTS, "Seine-et-Marne", ["CP Alpha"], ["CP Bravo"]),
        (SIAES, "alpha", ["SIAE Alpha"], ["SIAE Bravo"]),
    ],
)
def test_list_page_search_keeps_only_matching_rows(client_as, url, query, shown, hidden):
    text = page_text(client_as("NATIONAL").get(url, {"q": query}))

    for name in shown:
        assert name in text
    for name in hidden:
        assert name not in text


def test_siae_search_finds_a_siret_typed_with_spaces(client_as):
    SiaeFactory(name="La Poste solidaire", siret="73282932000074")

    text = page_text(client_as("NATIONAL").get(SIAES, {"q": "732 829 320"}))

    assert "La Poste solidaire" in text
    assert "SIAE Alpha" not in text


def test_search_never_reaches_outside_the_scope(client_as):
    text = page_text(client_as("CPIP_A").get(PROGRAMMES, {"q": "BRAVO"}))

    assert "BRAVO-1" not in text
    assert "Aucun programme ne correspond à votre recherche dans votre périmètre." in text


# --- filters ----------------------------------------------------------------------------------------


def test_programme_list_filters_by_stage_and_phase(client_as, scope_a):
    ProgrammeFactory(code="ALPHA-BILAN", establishment=scope_a.establishment, stage="BILAN", phase="PILOT")

    text = page_text(client_as("DISP_STAFF_A").get(PROGRAMMES, {"stage": "BILAN", "phase": "PILOT"}))

    assert "ALPHA-BILAN" in text
    assert "ALPHA-1" not in text


def test_an_invalid_filter_value_is_dropped_and_the_search_still_applies(client_as):
    text = page_text(client_as("NATIONAL").get(PROGRAMMES, {"q": "BRAVO", "stage": "PAS-UNE-ETAPE"}))

    assert "BRAVO-1" in text
    assert "ALPHA-1" not in text


def test_programme_list_filters_by_interregion(client_as):
    text = page_text(client_as("NATIONAL").get(PROGRAMMES, {"disp": "DISP_STRASBOURG"}))

    assert "BRAVO-1" in text
    assert "ALPHA-1" not in text


def test_establishment_list_filters_by_kind(client_as):
    EstablishmentFactory(name="MA de Meaux", kind="MA", department_code="77")

    text = page_text(client_as("DISP_STAFF_A").get(ESTABLISHMENTS, {"kind": "MA"}))

    assert "MA de Meaux" in text
    assert "CP Alpha" not in text


def test_siae_list_filters_by_kind(client_as):
    SiaeFactory(name="Entreprise Meldoise", kind="EI", department_code="77")

    text = page_text(client_as("DDETS_STAFF_A").get(SIAES, {"kind": "EI"}))

    assert "Entreprise Meldoise" in text
    assert "SIAE Alpha" not in text


def test_interregion_filter_offers_only_the_viewers_interregion(client_as):
    text = page_text(client_as("DISP_STAFF_A").get(PROGRAMMES))

    assert "Direction interrégionale des services pénitentiaires de Paris" in text
    assert "Direction interrégionale des services pénitentiaires de Strasbourg" not in text


def test_htmx_filter_request_gets_only_the_results(client_as):
    response = client_as("NATIONAL").get(PROGRAMMES, {"q": "bravo"}, headers={"HX-Request": "true"})

    text = page_text(response)
    assert "BRAVO-1" in text
    assert "<html" not in text
    assert "1 résultat" in text


# --- pagination and empty state ---------------------------------------------------------------------


@pytest.fixture
def national_viewer(db):
    return UserFactory(role=Role.NATIONAL)


def test_programme_list_shows_20_rows_then_the_rest_on_page_2(client, national_viewer):
    establishment = EstablishmentFactory()
    for number in range(1, 26):
        ProgrammeFactory(code=f"PAGE-{number:02d}", establishment=establishment)
    client.force_login(national_viewer)

    first = page_text(client.get(PROGRAMMES, {"q": "PAGE"}))
    second = page_text(client.get(PROGRAMMES, {"q": "PAGE", "page": 2}))

    assert "25 résultats" in first
    assert "PAGE-20" in first and "PAGE-21" not in first
    assert "Page 1 sur 2" in first
    assert "?q=PAGE&page=2" in first  # the next page keeps the search
    assert "PAGE-21" in second and "PAGE-25" in second and "PAGE-20" not in second
    assert "Page 2 sur 2" in second


def test_establishment_list_paginates_after_20_rows(client, national_viewer):
    for number in range(1, 23):
        EstablishmentFactory(name=f"CP numéro {number:02d}")
    client.force_login(national_viewer)

    second = page_text(client.get(ESTABLISHMENTS, {"page": 2}))

    assert "CP numéro 21" in second and "CP numéro 22" in second
    assert "CP numéro 20" not in second


def test_siae_list_paginates_after_20_rows(client, national_viewer):
    for number in range(1, 23):
        SiaeFactory(name=f"Chantier {number:02d}")
    client.force_login(national_viewer)

    second = page_text(client.get(SIAES, {"page": 2}))

    assert "Chantier 21" in second and "Chantier 22" in second
    assert "Chantier 20" not in second


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (PROGRAMMES, "Aucun programme ne correspond à votre recherche dans votre périmètre."),
        (ESTABLISHMENTS, "Aucun établissement ne correspond à votre recherche dans votre périmètre."),
        (SIAES, "Aucune SIAE ne correspond à votre recherche dans votre périmètre."),
    ],
)
def test_list_page_says_so_when_nothing_matches(client_as, url, message):
    text = page_text(client_as("NATIONAL").get(url, {"q": "introuvable"}))

    assert message in text
    assert "0 résultat" in text


def test_list_page_with_nothing_in_scope_shows_the_empty_state(client):
    # An SIAE that runs no programme yet: no establishment in its scope.
    siae = SiaeFactory()
    user = UserFactory(role=Role.SIAE_STAFF, organisation=OrganisationFactory(kind="SIAE", siae=siae))
    client.force_login(user)

    text = page_text(client.get(ESTABLISHMENTS))

    assert "Aucun établissement ne correspond à votre recherche dans votre périmètre." in text
