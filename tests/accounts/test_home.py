"""Home page, login and logout, as each role sees them."""

import pytest
from django.urls import reverse

from accounts.enums import Role
from tests.accounts.factories import UserFactory
from tests.accounts.pages import page_text
from tests.accounts.personas import PERSONAS
from tests.partners.factories import OrganisationFactory
from tests.programmes.factories import SiaeFactory

pytestmark = pytest.mark.django_db

HOME = reverse("accounts:home")
LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")

# The title above each role's programmes (issue on roles).
HOME_TITLES = {
    "CPIP": "Les programmes de vos établissements",
    "SPIP_MANAGER": "Les programmes de vos établissements",
    "SIAE_DIRECTOR": "Les programmes de votre structure",
    "SIAE_STAFF": "Les programmes de votre structure",
    "ESTABLISHMENT_STAFF": "Les programmes de votre établissement",
    "DISP_STAFF": "Les programmes de votre interrégion",
    "DREETS_STAFF": "Les programmes de votre région",
    "DDETS_STAFF": "Les programmes de votre département",
    "NATIONAL": "Tous les programmes",
    "ADMIN": "Tous les programmes",
}
LOGGED_IN = [persona for persona in PERSONAS if persona.role is not None]


@pytest.mark.parametrize("persona", LOGGED_IN, ids=lambda persona: persona.name)
def test_home_shows_the_roles_title_and_only_its_programmes(client_as, persona):
    response = client_as(persona.name).get(HOME)

    text = page_text(response)
    assert response.status_code == 200
    assert f"<h2>{HOME_TITLES[persona.role]}</h2>" in text
    assert ("ALPHA-1" in text) == (persona.scope in ("A", None))
    assert ("BRAVO-1" in text) == (persona.scope in ("B", None))


def test_home_counts_what_the_user_sees(client_as, scope_a):
    response = client_as("CPIP_A").get(HOME)

    assert (
        response.context["programme_count"], response.context["establishment_count"], response.context["siae_count"]
    ) == (1, 1, 1)
    assert "Mise en œuvre : 0" in page_text(response)
    assert "Émergence : 1" in page_text(response)


def test_home_of_an_siae_without_programme_says_there_is_none_yet(client, db):
    user = UserFactory(role=Role.SIAE_DIRECTOR,
                       organisation=OrganisationFactory(kind="SIAE", siae=SiaeFactory()))
    client.force_login(user)

    assert "Aucun programme dans votre périmètre pour le moment." in page_text(client.get(HOME))


def test_anonymous_visitor_of_the_home_page_is_sent_to_the_login_page(client):
    response = client.get(HOME)

    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=/"


def test_login_page_is_open_to_anonymous_visitors(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert "Connexion" in page_text(response)


def test_login_with_the_wrong_password_shows_a_french_error(client):
    user = UserFactory(username="cpip.meaux", role=Role.NATIONAL)
    user.set_password("Le-bon-mot-de-passe-2026")
    user.save()

    response = client.post(LOGIN, {"username": "cpip.meaux", "password": "mauvais"})

    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides." in page_text(response)
    assert "_auth_user_id" not in client.session


def test_login_with_the_right_password_leads_to_the_home_page(client):
    user = UserFactory(username="national", role=Role.NATIONAL)
    user.set_password("Le-bon-mot-de-passe-2026")
    user.save()

    response = client.post(LOGIN, {"username": "national", "password": "Le-bon-mot-de-passe-2026"})

    assert response.status_code == 302
    assert response.url == HOME
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_returns_to_the_page_asked_for(client):
    user = UserFactory(username="national", role=Role.NATIONAL)
    user.set_password("Le-bon-mot-de-passe-2026")
    user.save()
    programmes = reverse("programmes:programme_list")

    response = client.post(
        LOGIN, {"username": "national", "password": "Le-bon-mot-de-passe-2026", "next": programmes}
    )

    assert response.url == programmes


def test_logout_by_get_is_refused_and_keeps_the_user_logged_in(client_as):
    client = client_as("CPIP_A")

    response = client.get(LOGOUT)

    assert response.status_code == 405
    assert client.get(HOME).status_code == 200


def test_logout_by_post_ends_the_session_and_leads_to_the_login_page(client_as):
    client = client_as("CPIP_A")

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response.url == LOGIN
    assert client.get(HOME).status_code == 302


def test_every_page_offers_logout_as_a_form_posting_to_the_logout_url(client_as):
    text = page_text(client_as("CPIP_A").get(HOME))

    assert f'<form method="post" action="{LOGOUT}">' in text
