"""Session rules (issue 7 section 1): 30 minutes idle, 12 hours at most, a new session id at login, the other
sessions of an account ended when its password changes."""

import datetime
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from accounts.sessions import LOGIN_AT, RENEWED_AT

pytestmark = pytest.mark.django_db
PASSWORD = "rivière-pont-levis"
HOME = "/"


@pytest.fixture
def agent():
    return User.objects.create_user(username="cpip.session", password=PASSWORD, role=Role.NATIONAL)


def signed_in_client(ip="10.0.0.7"):
    client = Client(REMOTE_ADDR=ip)
    response = client.post(reverse("accounts:login"), {"username": "cpip.session", "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_idle_sessions_end_after_thirty_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_COOKIE_HTTPONLY is True


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_activity_pushes_the_idle_limit_back_once_a_minute_at_most(agent, django_assert_num_queries):
    """Issue 19: the session is written when its renewal is a minute old (its expiry then 30 minutes ahead, its cookie
    sent again), not on every request (three queries per page)."""
    client = signed_in_client()
    first = _expiry(client)
    # the session, the user (a national account: no organisation, no second factor); nothing written
    with django_assert_num_queries(2):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200 and settings.SESSION_COOKIE_NAME not in response.cookies
    assert _expiry(client) == first

    session = client.session
    session[RENEWED_AT] = int(time.time()) - settings.SESSION_RENEW_SECONDS
    session.save()
    Session.objects.filter(session_key=session.session_key).update(expire_date=first - datetime.timedelta(minutes=5))
    response = client.get(reverse("healthz"))

    assert settings.SESSION_COOKIE_NAME in response.cookies  # the cookie's own expiry pushed back too
    assert _expiry(client) >= timezone.now() + datetime.timedelta(minutes=29)
    assert int(time.time()) - client.session[RENEWED_AT] < 5


def test_a_session_idle_for_thirty_minutes_is_over(agent):
    client = signed_in_client()
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get(HOME)

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_a_new_session_id_is_given_at_login(agent):
    client = Client()
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key

    client.post(reverse("accounts:login"), {"username": "cpip.session", "password": PASSWORD})

    assert client.session.session_key != before
    assert client.session.get(LOGIN_AT) is not None


def test_a_session_ends_twelve_hours_after_the_login_even_while_active(agent):
    client = signed_in_client()
    assert client.get(HOME).status_code == 200
    session = client.session
    session[LOGIN_AT] = int(time.time()) - 12 * 3600 - 60
    session.save()

    response = client.get(HOME)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert client.get(HOME).status_code == 302  # signed out, not just redirected once


def test_eleven_hours_after_the_login_the_session_goes_on(agent):
    client = signed_in_client()
    session = client.session
    session[LOGIN_AT] = int(time.time()) - 11 * 3600
    session.save()

    assert client.get(HOME).status_code == 200


def test_a_password_change_ends_the_accounts_other_sessions(agent):
    laptop, office = signed_in_client("10.0.0.7"), signed_in_client("10.0.0.8")

    agent.set_password("nouveau-mot-de-passe-long")
    agent.save()

    assert laptop.get(HOME).status_code == 302
    assert office.get(HOME).status_code == 302


def test_pages_and_files_of_a_signed_in_user_are_never_cached(agent):
    client = signed_in_client()

    for url in (HOME, reverse("dashboards:landing")):
        response = client.get(url, follow=True)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url

