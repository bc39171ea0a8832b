"""Shared fixtures: the two scopes and their personas (see tests/accounts/personas.py)."""

import pytest
from django.test import Client

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
