"""The two territories and their personas built once for a test module instead of once per test.

A module that reads them in many tests imports these fixtures; they then stand in for tests/conftest.py's
``scope_a``, ``scope_b`` and ``personas`` in that module (``client_as`` follows). They are built in a transaction
rolled back at the module's end, and each test runs in a savepoint inside it: what a test creates or changes is
undone before the next, as with the per-test fixtures.

    from tests.accounts import territories as shared
    territories, scope_a, scope_b, personas = shared.territories, shared.scope_a, shared.scope_b, shared.personas
"""

from dataclasses import dataclass

import pytest
from django.db import transaction

from tests.accounts.personas import Scope, build_personas, build_scope, signed_in_sessions


@dataclass
class Territories:
    scopes: dict[str, Scope]
    personas: dict  # persona name -> user (None: anonymous)
    sessions: dict  # persona name -> the key of a session signed in as that persona (None: anonymous)


@pytest.fixture(scope="module")
def territories(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        scopes = {"A": build_scope("A"), "B": build_scope("B")}
        personas = build_personas(scopes)
        yield Territories(scopes, personas, signed_in_sessions(personas))
        transaction.set_rollback(True)


@pytest.fixture
def scope_a(territories, db):
    return territories.scopes["A"]


@pytest.fixture
def scope_b(territories, db):
    return territories.scopes["B"]


@pytest.fixture
def personas(territories, db):
    return territories.personas
