"""Password reset by email (issue 7 section 1): a short-lived link, used once; the new password follows the rules;
the same answer whether or not the address has an account."""

import html
import re
import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.enums import Role
from accounts.models import User

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "une phrase de passe assez longue"


@pytest.fixture
def agent():
    return User.objects.create_user(username="cpip.oubli", email="cpip.oubli@spip.invalid",
                                    password="ancien-mot-de-passe-long", role=Role.NATIONAL)


def reset_link(client, email="cpip.oubli@spip.invalid") -> str:
    response = client.post(reverse("accounts:password_reset"), {"email": email})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    return re.search(r"https?://[^/\s]+(/reinitialiser/\S+/)", mail.outbox[0].body).group(1)


def choose(client, link, password):
    form_url = client.get(link, follow=True).redirect_chain[-1][0]  # Django swaps the token for a session key
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_the_link_sets_a_new_password_once(agent):
    client = Client()
    link = reset_link(client)
    assert "IAE en détention" in mail.outbox[0].subject and "30 minutes" in mail.outbox[0].body

    response = choose(client, link, NEW_PASSWORD)

    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_complete")
    agent.refresh_from_db()
    assert agent.check_password(NEW_PASSWORD)
    again = Client().get(link, follow=True)
    assert "Lien expiré ou déjà utilisé" in again.content.decode()


def test_a_short_new_password_is_refused_in_french_and_nothing_changes(agent):
    client = Client()
    response = choose(client, reset_link(client), "trop-court")

    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in html.unescape(response.content.decode())
    agent.refresh_from_db()
    assert agent.check_password("ancien-mot-de-passe-long")


def test_an_unknown_address_gets_the_same_answer_and_no_mail(agent):
    response = Client().post(reverse("accounts:password_reset"), {"email": "personne@nulle-part.invalid"})

    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_the_link_expires(agent, settings):
    settings.PASSWORD_RESET_TIMEOUT = 1
    client = Client()
    link = reset_link(client)
    time.sleep(2.1)

    response = client.get(link, follow=True)

    assert "Lien expiré ou déjà utilisé" in response.content.decode()


def test_the_login_page_offers_it():
    response = Client().get(reverse("accounts:login"))

    assert reverse("accounts:password_reset") in response.content.decode()
