"""Organisation pages: list limited to the scope (search, filter, pages, empty state), and the form."""

import datetime

import pytest
from django.urls import reverse

from accounts.enums import Role
from partners.models import Organisation, OrganisationFormerName
from tests.accounts.factories import UserFactory
from tests.accounts.pages import option_labels, page_text
from tests.partners.factories import OrganisationFactory
from tests.programmes.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

ORGANISATIONS = reverse("partners:organisation_list")
CREATE = reverse("partners:organisation_create")
ALPHA_ORGANISATIONS = ["SPIP Alpha", "Structure Alpha", "Greffe Alpha", "DISP Alpha", "DREETS Alpha", "DDETS Alpha"]
BRAVO_ORGANISATIONS = [name.replace("Alpha", "Bravo") for name in ALPHA_ORGANISATIONS]


def organisation_data(**overrides) -> dict:
    data = {"kind": "MISSION_LOCALE", "name": "Mission locale du Pays de Meaux", "department": "77",
            "region": "", "disp": "", "served_establishments": []}
    return {**data, **overrides}


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("CPIP_A", ALPHA_ORGANISATIONS, BRAVO_ORGANISATIONS),
        ("SIAE_DIRECTOR_B", BRAVO_ORGANISATIONS, ALPHA_ORGANISATIONS),
        ("DISP_STAFF_A", ALPHA_ORGANISATIONS, BRAVO_ORGANISATIONS),
        ("NATIONAL", ALPHA_ORGANISATIONS + BRAVO_ORGANISATIONS, []),
    ],
)
def test_organisation_list_shows_only_organisations_of_the_viewers_territory(client_as, persona, shown, hidden):
    text = page_text(client_as(persona).get(ORGANISATIONS, {"page": 1}))

    for name in shown:
        assert name in text
    for name in hidden:
        assert name not in text


def test_national_bodies_are_listed_for_every_scoped_user(client_as):
    OrganisationFactory(kind="NATIONAL_AGENCY", name="ATIGIP")

    assert "ATIGIP" in page_text(client_as("ESTABLISHMENT_STAFF_B").get(ORGANISATIONS))


def test_organisation_search_finds_a_former_name(client_as, scope_a):
    OrganisationFormerName.objects.create(organisation=scope_a.organisations["dreets"], name="DIRECCTE Alpha",
                                          valid_until=datetime.date(2021, 3, 31))

    text = page_text(client_as("DREETS_STAFF_A").get(ORGANISATIONS, {"q": "direccte"}))

    assert "DREETS Alpha" in text
    assert "DDETS Alpha" not in text


def test_organisation_list_filters_by_kind(client_as):
    text = page_text(client_as("NATIONAL").get(ORGANISATIONS, {"kind": "DDETS"}))

    assert "DDETS Alpha" in text and "DDETS Bravo" in text
    assert "SPIP Alpha" not in text


def test_organisation_list_shows_20_rows_then_the_rest_on_page_2(client):
    for number in range(1, 24):
        OrganisationFactory(name=f"Partenaire {number:02d}")
    client.force_login(UserFactory(role=Role.NATIONAL))

    first = page_text(client.get(ORGANISATIONS, {"q": "Partenaire"}))
    second = page_text(client.get(ORGANISATIONS, {"q": "Partenaire", "page": 2}))

    assert "Partenaire 20" in first and "Partenaire 21" not in first
    assert "Partenaire 21" in second and "Partenaire 23" in second and "Partenaire 20" not in second
    assert "Page 2 sur 2" in second


def test_organisation_list_says_so_when_nothing_matches(client_as):
    text = page_text(client_as("NATIONAL").get(ORGANISATIONS, {"q": "introuvable"}))

    assert "Aucune organisation ne correspond à votre recherche." in text
    assert "0 résultat" in text


@pytest.mark.parametrize("rows", [5, 25])
def test_organisation_list_query_count_does_not_grow_with_rows(client_as, scope_a, rows, django_assert_num_queries):
    for _ in range(rows):
        OrganisationFactory(kind="MISSION_LOCALE", department=scope_a.establishment.department)
    client = client_as("DISP_STAFF_A")

    # 1. session  2. user  3. the user's organisation (scope and page header)  4. the second-factor device
    # 5. COUNT of the organisations in scope (paginator)
    # 6. one page of organisations with department, region and DISP joined
    # (the session is not written, nor the site configuration read: each at most once a minute, issue 19)
    with django_assert_num_queries(6):
        response = client.get(ORGANISATIONS)

    assert response.context["paginator"].count == rows + 6  # and the six organisations of scope A


# --- the organisation form --------------------------------------------------------------------------


def test_valid_organisation_post_creates_it_and_redirects_to_its_page(client_as, scope_a):
    response = client_as("DDETS_STAFF_A").post(CREATE, organisation_data())

    organisation = Organisation.objects.get(name="Mission locale du Pays de Meaux")
    assert response.status_code == 302
    assert response.url == reverse("partners:organisation_detail", args=[organisation.pk])


def test_disp_posted_without_interregion_shows_the_french_error_and_creates_nothing(client_as, scope_a):
    count = Organisation.objects.count()

    response = client_as("DISP_STAFF_A").post(CREATE, organisation_data(kind="DISP", name="DISP bis", department=""))

    assert response.status_code == 200
    assert "Une DISP doit être rattachée à son interrégion." in page_text(response)
    assert Organisation.objects.count() == count


def test_organisation_form_of_disp_paris_offers_only_its_departments_and_no_scope_relation(client_as, scope_a,
                                                                                           scope_b):
    EstablishmentFactory(name="MA de Meaux", department_code="77")

    response = client_as("DISP_STAFF_A").get(CREATE)

    departments = option_labels(response, "department")
    assert "Seine-et-Marne (77)" in departments
    assert "Moselle (57)" not in departments
    assert option_labels(response, "disp") == [
        "---------", "Direction interrégionale des services pénitentiaires de Paris"
    ]
    text = page_text(response)
    # Who an SPIP serves, the establishment or SIAE an organisation stands for: an administrator's decision.
    assert "Établissements desservis" not in text
    assert "MA de Meaux" not in text and "CP Alpha" not in text and "CP Bravo" not in text


def test_organisation_form_of_an_administrator_offers_every_establishment(client_as, scope_a, scope_b):
    EstablishmentFactory(name="MA de Meaux", department_code="77")

    text = page_text(client_as("ADMIN").get(CREATE))

    assert "Établissements desservis" in text
    assert "MA de Meaux" in text and "CP Alpha" in text and "CP Bravo" in text


def test_organisation_post_with_a_department_outside_the_scope_is_refused(client_as, scope_a):
    count = Organisation.objects.count()

    response = client_as("DDETS_STAFF_A").post(CREATE, organisation_data(department="57"))

    assert response.status_code == 200
    assert "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles." in page_text(response)
    assert Organisation.objects.count() == count


def test_ddets_of_moselle_cannot_take_a_national_body_away_from_other_scopes(client_as):
    gepsa = OrganisationFactory(kind="DELEGATED_MANAGER", name="GEPSA")

    response = client_as("DDETS_STAFF_B").post(
        reverse("partners:organisation_update", args=[gepsa.pk]),
        organisation_data(kind="DELEGATED_MANAGER", name="GEPSA", department="57"),
    )

    assert response.status_code == 403
    gepsa.refresh_from_db()
    assert gepsa.department is None
    assert "GEPSA" in page_text(client_as("DISP_STAFF_A").get(ORGANISATIONS))


def test_only_an_administrator_may_edit_a_body_without_territory(client_as):
    atigip = OrganisationFactory(kind="NATIONAL_AGENCY", name="ATIGIP")
    url = reverse("partners:organisation_update", args=[atigip.pk])

    assert client_as("DISP_STAFF_A").get(url).status_code == 403
    assert client_as("ADMIN").get(url).status_code == 200


def test_a_disp_officer_editing_a_spip_leaves_the_establishments_it_serves_as_they_were(client_as, scope_a, scope_b):
    spip = scope_a.organisations["spip"]
    spip.served_establishments.add(scope_b.establishment)

    response = client_as("DISP_STAFF_A").post(
        reverse("partners:organisation_update", args=[spip.pk]),
        organisation_data(kind="SPIP", name=spip.name, department="77", served_establishments=[]),
    )

    assert response.status_code == 302
    assert set(spip.served_establishments.all()) == {scope_a.establishment, scope_b.establishment}


def test_a_new_spip_serves_the_establishments_an_administrator_ticks_in_its_form(client_as, scope_a):
    response = client_as("ADMIN").post(
        CREATE, organisation_data(kind="SPIP", name="SPIP de Meaux", served_establishments=[scope_a.establishment.pk])
    )

    assert response.status_code == 302
    assert list(Organisation.objects.get(name="SPIP de Meaux").served_establishments.all()) == [scope_a.establishment]


def test_a_new_spip_created_by_a_disp_officer_serves_no_establishment_until_an_administrator_says_so(client_as,
                                                                                                       scope_a):
    response = client_as("DISP_STAFF_A").post(
        CREATE, organisation_data(kind="SPIP", name="SPIP de Meaux", served_establishments=[scope_a.establishment.pk])
    )

    assert response.status_code == 302
    assert not Organisation.objects.get(name="SPIP de Meaux").served_establishments.exists()
