"""django-dsfr's site configuration (the mourning mark, the notice of dsfr/base.html) is read once a minute per
process (core.context_processors, issue 19), and at once in the process where the administration changes it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from dsfr.models import DsfrConfig

from core import context_processors

pytestmark = pytest.mark.django_db


def shown() -> tuple[DsfrConfig | None, int]:
    """The configuration a page gets, and the queries it took."""
    with CaptureQueriesContext(connection) as queries:
        config = context_processors.site_config(None)["SITE_CONFIG"]
    return config, len(queries)


def test_a_process_reads_the_configuration_then_keeps_it_a_minute(monkeypatch):
    context_processors._kept.clear()  # a process that has shown no page yet
    config = DsfrConfig.objects.create(language="fr", site_title="IAE en détention", notice_title="Un avis")
    now = context_processors.monotonic()
    monkeypatch.setattr(context_processors, "monotonic", lambda: now)

    assert shown() == (config, 1)
    assert shown() == (config, 0)
    monkeypatch.setattr(context_processors, "monotonic", lambda: now + context_processors.KEPT_SECONDS + 1)
    assert shown() == (config, 1)


def test_a_configuration_saved_or_deleted_in_this_process_shows_on_its_next_page():
    config = DsfrConfig.objects.create(language="fr", site_title="IAE en détention")
    assert shown() == (config, 1)

    config.notice_title = "Deuil national"
    config.save()
    changed, queries = shown()

    assert queries == 1 and changed.notice_title == "Deuil national"
    config.delete()
    assert shown() == (None, 1)
