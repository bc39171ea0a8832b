"""Shared fixtures: the suite's clock, a fast password hasher, the two scopes and their personas
(see tests/accounts/personas.py), the Celery worker (tests/celery_worker.py)."""

import os

import pytest
from django.conf import settings
from django.test import Client

from tests import clock
from tests.accounts.personas import build_personas, build_scope, with_second_factor
from tests.celery_worker import celery_worker_process, redis_broker  # noqa: F401  (one worker per test process)
from tests.smtp import smtp_inbox  # noqa: F401  (a real SMTP server: the fixture for tests that send mail)

# Hashing is slow on purpose (Argon2); the suite hashes with MD5, except the tests of hashing itself, which ask
# for `production_hashers`. Logging in goes through the same code path whatever the hasher.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PRODUCTION_HASHERS = list(settings.PASSWORD_HASHERS)


def pytest_configure(config):
    # Every test process lives at the same moment (tests/clock.py): no test depends on the day it runs.
    clock.start()
    settings.PASSWORD_HASHERS = FAST_HASHERS


def pytest_unconfigure(config):
    clock.stop()


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own, which reads the groups
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (`-n 2 --dist loadgroup`, as `make test` runs it):
    - the tests that drive Chromium or the Celery worker run in one process, one after the other: one demo load and
      live server for the browser tests (tests/browser/conftest.py), one Celery worker for both
      (tests/celery_worker.py);
    - the tests of a module that share a module- or class-scoped fixture (the demo of tests/demo.py, a synthetic
      dataset) run in one process, so that fixture is set up once rather than once in each process;
    - every other test goes to whichever process is free."""
    for item in items:
        if item.get_closest_marker("browser") or "celery_worker_process" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("live"))
        elif _shares_a_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


def _shares_a_module_fixture(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(definitions[-1].scope in ("module", "class") and definitions[-1].baseid.startswith("tests/")
               for definitions in info.name2fixturedefs.values())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (`django_db(transaction=True)`) ends by emptying the database (Django's flush), the
    reference data of the migrations (regions, departments, DISP) included. pytest-django runs those tests last for
    that reason, but pytest-xdist's groups may send them before ordinary tests of the same process: the reference
    data is put back after each of them."""
    result = yield
    if nextitem is not None and flushes_the_database(item):
        put_reference_data_back(item.config)
    return result


def flushes_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in item.fixturenames


def put_reference_data_back(config) -> None:
    """Loads the copy pytest-django made after the migrations (the test databases of tests that ask for
    `serialized_rollback`) into an empty database. Emptied again first: a transactional test without serialized
    rollback ends with a flush that re-creates the content types and permissions (post_migrate) under other ids.
    The sequences stay where they are, above the ids of the copy."""
    from django.core.management import call_command
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with config.stash[blocking_manager_key].unblock():
            call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True, reset_sequences=False)
            connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="session")
def django_db_keepdb(request):
    """Under `make test` the PostgreSQL cluster is thrown away with its databases (scripts/test-services.sh): the
    test databases are not dropped at the end of each process, which waited up to 17 s for the connections of the
    live server and the worker to close. Elsewhere, pytest-django's `--reuse-db` as usual."""
    return bool(request.config.getvalue("reuse_db")) or os.environ.get("IAE_TEST_SERVICES") == "1"


def pytest_report_header(config):
    return f"clock: {clock.moment().isoformat()} (IAE_TEST_NOW, tests/clock.py)"


@pytest.fixture
def production_hashers(settings):
    """The project's own hashers (Argon2 first), for the tests of password hashing."""
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    return PRODUCTION_HASHERS


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
def site_config_as_kept():
    """Pages read the site configuration as a server does nearly all the time: kept from an earlier page
    (core.context_processors keeps it a minute per process), and the test database has none. A test that saves one
    makes the next page read it (the model's receiver); one test's configuration, rolled back with its transaction,
    never shows in the next. tests/core/test_site_config.py checks the reading itself."""
    from core import context_processors

    context_processors.keep_site_config(None)


@pytest.fixture(autouse=True)
def force_login_includes_second_factor(request, monkeypatch):
    """`client.force_login(user)` stands for a full sign-in: password and second factor (accounts.two_factor).
    The second factor's own tests sign in through the forms instead; the browser tests use the demo accounts'
    own devices (tests/browser/conftest.py, `sign_in_as`)."""
    if request.node.get_closest_marker("browser"):
        return
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        with_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
