"""One way in (issue 14 item 2): the administration (/gestion/) signs in through the application's login, with its
lockout, second factor and logs. /gestion/login/ checks no password: it sends to /connexion/?next=... . The probe's
requests: after 5 failures at /connexion/, POST the right password to /gestion/login/ (it answered 302 to /gestion/
and signed in), wrong passwords there, and a success there that started the count again."""

import html

import pytest
from django.test import Client
from django.urls import reverse

from accounts.enums import Role
from accounts.models import LoginFailure, User

pytestmark = pytest.mark.django_db
PASSWORD = "herse-chemin-de-ronde"
ADMIN_LOGIN = "/gestion/login/"
LOCKED = "Trop d'essais infructueux : ce compte est bloqué jusqu'à"


@pytest.fixture
def administrator():
    return User.objects.create_user(username="admin.lock", password=PASSWORD, role=Role.ADMIN, is_staff=True,
                                    is_superuser=True)


def attempt(url, password, username="admin.lock"):
    client = Client(REMOTE_ADDR="10.0.0.7")
    response = client.post(url, {"username": username, "password": password, "next": "/gestion/"})
    return client, response


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_administration_login_sends_to_the_application_login():
    response = Client().get(f"{ADMIN_LOGIN}?next=/gestion/accounts/user/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/gestion/accounts/user/"


def test_an_anonymous_visit_of_the_administration_ends_at_the_application_login():
    response = Client().get("/gestion/", follow=True)

    assert response.redirect_chain[-1][0] == f"{reverse('accounts:login')}?next=/gestion/"
    assert response.status_code == 200


def test_the_right_password_at_the_administration_login_does_not_sign_in(administrator):
    client, response = attempt(ADMIN_LOGIN, PASSWORD)

    assert not signed_in(client)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_a_locked_account_stays_locked_whatever_is_posted_to_the_administration_login(administrator):
    for _ in range(5):
        attempt(reverse("accounts:login"), "mauvais-mot-de-passe")
    for _ in range(3):  # wrong passwords there are no second way to guess
        attempt(ADMIN_LOGIN, "autre-mauvais-mot-de-passe")

    admin_client, _ = attempt(ADMIN_LOGIN, PASSWORD)
    client, response = attempt(reverse("accounts:login"), PASSWORD)

    assert not signed_in(admin_client) and not signed_in(client)
    assert LOCKED in html.unescape(response.content.decode())


def test_nothing_posted_to_the_administration_login_starts_the_count_again(administrator):
    for _ in range(4):
        attempt(reverse("accounts:login"), "mauvais-mot-de-passe")
    attempt(ADMIN_LOGIN, PASSWORD)  # used to sign in, which set last_login and so started the count again
    attempt(reverse("accounts:login"), "mauvais-mot-de-passe")

    client, response = attempt(reverse("accounts:login"), PASSWORD)

    assert not signed_in(client)
    assert LOCKED in html.unescape(response.content.decode())
    assert LoginFailure.objects.filter(username="admin.lock").count() == 5


def test_a_signed_in_user_without_administration_rights_gets_403_not_a_loop(client_as):
    response = client_as("CPIP_A").get(f"{ADMIN_LOGIN}?next=/gestion/")

    assert response.status_code == 403


def test_a_signed_in_administrator_goes_on_to_the_administration(administrator):
    client = Client()
    client.force_login(administrator)  # password and second factor (tests/conftest.py)

    response = client.get(f"{ADMIN_LOGIN}?next=/gestion/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/gestion/"
