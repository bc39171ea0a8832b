"""Lockout per account (issue 7 section 1): 5 failures lock the account for 15 minutes, the right password
included; another account on the same network is not locked; each failure is recorded and logged."""

import datetime
import html
import logging

import pytest
from django.test import Client
from django.urls import reverse

from accounts.enums import Role
from accounts.models import LoginFailure, User

pytestmark = pytest.mark.django_db
PASSWORD = "rivière-pont-levis"


@pytest.fixture
def agent():
    return User.objects.create_user(username="cpip.lock", password=PASSWORD, role=Role.NATIONAL)


def attempt(username, password, ip="10.0.0.7"):
    client = Client(REMOTE_ADDR=ip)
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return client, response


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_lock_the_account_even_for_the_right_password(agent):
    for _ in range(5):
        client, response = attempt("cpip.lock", "mauvais-mot-de-passe")
        assert response.status_code == 200 and not signed_in(client)

    client, response = attempt("cpip.lock", PASSWORD)

    assert not signed_in(client)
    assert "Trop d'essais infructueux : ce compte est bloqué jusqu'à" in html.unescape(response.content.decode())
    assert LoginFailure.objects.filter(username="cpip.lock").count() == 5  # the refused login is not a failure


def test_four_failures_do_not_lock_and_a_success_starts_the_count_again(agent):
    for _ in range(4):
        attempt("cpip.lock", "mauvais-mot-de-passe")
    client, _response = attempt("cpip.lock", PASSWORD)
    assert signed_in(client)

    for _ in range(4):
        attempt("cpip.lock", "mauvais-mot-de-passe")
    client, _response = attempt("cpip.lock", PASSWORD)
    assert signed_in(client)


def test_failures_count_per_account_not_per_address(agent):
    other = User.objects.create_user(username="cpip.voisin", password=PASSWORD, role=Role.NATIONAL)
    for index in range(5):  # five addresses of one prison network
        attempt("CPIP.lock", "mauvais-mot-de-passe", ip=f"10.0.0.{index + 1}")

    locked, _response = attempt("cpip.lock", PASSWORD, ip="10.0.0.99")
    neighbour, _response = attempt(other.username, PASSWORD, ip="10.0.0.1")

    assert not signed_in(locked)
    assert signed_in(neighbour)


def test_the_account_opens_again_after_fifteen_minutes(agent):
    for _ in range(5):
        attempt("cpip.lock", "mauvais-mot-de-passe")
    sixteen_minutes_ago = LoginFailure.objects.latest("at").at - datetime.timedelta(minutes=16)
    LoginFailure.objects.filter(username="cpip.lock").update(at=sixteen_minutes_ago)

    client, _response = attempt("cpip.lock", PASSWORD)

    assert signed_in(client)


def test_each_failure_is_recorded_and_logged_without_the_password(agent, caplog):
    with caplog.at_level(logging.WARNING, logger="accounts.security"):
        attempt("cpip.lock", "mauvais-mot-de-passe", ip="10.1.2.3")

    failure = LoginFailure.objects.get()
    assert (failure.username, failure.ip) == ("cpip.lock", "10.1.2.3")
    assert "account=cpip.lock ip=10.1.2.3" in caplog.text
    assert "mauvais-mot-de-passe" not in caplog.text
