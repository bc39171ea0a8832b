"""The demo data for a whole test module: load_demo takes seconds, so modules that only read it load it once."""

from contextlib import contextmanager
from io import StringIO

from django.core.management import call_command
from django.db import transaction


def _load_demo():
    call_command("load_demo", stdout=StringIO())


@contextmanager
def demo_for_module(django_db_blocker, load=_load_demo):
    """Inside a module-scoped fixture: ``load()`` runs once in a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        load()
        yield
        transaction.set_rollback(True)
