"""Canary (security.md S-2): a unique string in every SPIP-only field of a participant whom the SIAE follows never
reaches the SIAE director or staff: no page, htmx fragment, CSV/XLSX export, PDF document (generated through
documents.services, read with pdftotext) or log line. The same crawl as the CPIP finds it, so the test can fail."""

import datetime
import logging
import uuid

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from documents import services as documents
from documents.enums import DocumentKind
from documents.models import GeneratedDocument
from participants import services
from participants.enums import EventKind, PathwayStatus
from participants.models import Participant
from tests.participants.factories import counsellor, pathway_at

from .crawl import crawl

pytestmark = pytest.mark.django_db

CANARY = f"CANARI-{uuid.uuid4().hex}"
# The SPIP-only fields (access.scope.sees_spip_fields guards them in the views and forms).
SPIP_ONLY_FIELDS = ["work_constraints_note"]


def test_every_spip_only_field_is_in_the_canary_list():
    """A field whose help text says it is for the SPIP only must get the canary too."""
    marked = {f.name for f in Participant._meta.concrete_fields if "SPIP seulement" in str(f.help_text)}

    assert marked == set(SPIP_ONLY_FIELDS)


@pytest.fixture
def followed(scope_a, settings, tmp_path):
    """A person of CP Alpha in the workshop of ALPHA-1 (SIAE Alpha), the canary in every SPIP-only field, an item
    of the timeline, and their two documents generated (charter and contract) and ready."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "files")}}}
    referent = counsellor(establishment=scope_a.establishment)
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme, participant__last_name="Canard",
                         participant__counsellor=referent,
                         **{f"participant__{name}": CANARY for name in SPIP_ONLY_FIELDS})
    services.event_record(pathway=pathway, kind=EventKind.CIP_INTERVIEW, on=datetime.date(2025, 4, 7),
                          detail="Entretien", by=referent)
    for kind in (DocumentKind.ACCOMPANIMENT_CHARTER, DocumentKind.WORK_CONTRACT):
        document = documents.document_request(kind=kind, subject=pathway, by=referent)
        assert documents.document_generate(document.pk) == "ready"
    assert storages["default"].location == str(tmp_path / "files")
    return pathway


def starts(pathway) -> list[str]:
    participant = pathway.participant
    lists = [reverse("participants:participant_list"), reverse("participants:pathway_list"),
             reverse("documents:document_list")]
    exports = [f"{page}?format={fmt}" for page in lists[:2] for fmt in ("csv", "xlsx")]
    return [reverse("accounts:home"), participant.get_absolute_url(), pathway.get_absolute_url(), *lists, *exports,
            *[document.get_absolute_url() for document in GeneratedDocument.objects.filter(pathway=pathway)]]


@pytest.mark.parametrize("persona", ["SIAE_DIRECTOR_A", "SIAE_STAFF_A"])
def test_siae_users_never_see_the_canary(client_as, followed, persona, tmp_path, caplog):
    client = client_as(persona)
    client.post(reverse("participants:participant_list"), {"q": "canard"})  # a search, kept in the session

    with caplog.at_level(logging.DEBUG):
        answers = crawl(client, starts(followed), tmp_path)

    leaks = [answer.url for answer in answers if CANARY in answer.text]
    assert leaks == []
    assert CANARY not in caplog.text
    # the crawl did reach the person, their exports and their documents
    reached = {answer.kind for answer in answers if answer.status == 200 and "CANARD" in answer.text.upper()}
    assert {"html", "csv", "xlsx", "pdf"} <= reached
    assert sum(answer.kind == "pdf" for answer in answers) >= 2
    assert any(answer.url.endswith("(htmx)") for answer in answers)


def test_the_counsellor_does_see_the_canary_so_the_test_can_fail(client_as, followed, tmp_path):
    answers = crawl(client_as("CPIP_A"), starts(followed), tmp_path)

    shown = [answer.url for answer in answers if CANARY in answer.text]
    assert followed.participant.get_absolute_url() in shown
