"""Shared fixtures: the two scopes and their personas (see tests/accounts/personas.py)."""

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.personas import build_personas, build_scope


@pytest.fixture
def scope_a(db):
    return build_scope("A")


@pytest.fixture
def scope_b(db):
    return build_scope("B")


@pytest.fixture
def personas(scope_a, scope_b):
    """Persona name ("CPIP_A", "DISP_STAFF_B", "NATIONAL", "anonymous"...) -> user, or None for anonymous."""
    return build_personas({"A": scope_a, "B": scope_b})


@pytest.fixture
def client_as(personas):
    """client_as("CPIP_A"): a new test client logged in as that persona (anonymous: not logged in)."""

    def make(name: str) -> Client:
        client = Client()
        if personas[name] is not None:
            client.force_login(personas[name])
        return client

    return make


@pytest.fixture(autouse=True)
def force_login_includes_second_factor(monkeypatch):
    """`client.force_login(user)` stands for a full sign-in: password and second factor (accounts.two_factor).
    The second factor's own tests sign in through the forms instead."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="tests", defaults={"confirmed": True})
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)
