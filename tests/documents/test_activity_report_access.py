"""Who reads a stored activity report: the rows of tests/documents/matrix_activity_report.py (AUDIENCE_READERS),
every persona, through the document's page, its download and the list "Mes documents" (issue 16, §4).

Outside the scope, or outside the report's audience: 404 on the page and the download, and absent from the list.
"""

import pytest
from django.test import Client
from django.urls import reverse

from documents import audiences
from documents.enums import Audience, DocumentKind, DocumentStatus
from tests.accounts.personas import PERSONAS
from tests.documents.matrix_activity_report import AUDIENCE_READERS
from tests.documents.matrix_documents import make_document

TITLE = "Rapport d'activité ALPHA-1 du 01/01/2025 au 31/12/2025"


@pytest.fixture(params=[Audience.INTERNAL, Audience.DIFFUSABLE])
def report(scope_a, request):
    return make_document(kind=DocumentKind.ACTIVITY_REPORT, subject=scope_a.programme, status=DocumentStatus.READY,
                         title=TITLE, audience=request.param)


def answers(user, report) -> tuple[int, int, bool]:
    """(status of the page, status of the download, whether "Mes documents" lists it) for ``user``."""
    client = Client()
    if user is not None:
        client.force_login(user)
    page = client.get(reverse("documents:document_detail", args=[report.pk]))
    download = client.get(reverse("documents:document_download", args=[report.pk]))
    listing = client.get(reverse("documents:document_list"))
    listed = listing.status_code == 200 and report.get_absolute_url() in listing.content.decode()
    return page.status_code, download.status_code, listed


def expected(persona, audience: str) -> tuple[int, int, bool]:
    if persona.role is None:
        return 302, 302, False  # to the login page
    if persona.scope == "B" or persona.role not in AUDIENCE_READERS[audience]:
        return 404, 404, False
    return 200, 200, True


def test_every_persona_reads_the_report_of_each_audience_as_the_table_says(report, personas, subtests):
    for persona in PERSONAS:
        with subtests.test(persona=persona.name):
            assert answers(personas[persona.name], report) == expected(persona, report.audience)


@pytest.mark.parametrize("outsider", ["DISP_STAFF", "SIAE_DIRECTOR"])
def test_a_role_outside_the_audience_neither_lists_nor_downloads_it(report, personas, monkeypatch, outsider):
    """The audience filter is applied on top of the scope: a role taken out of the report's audience loses the
    report inside its own territory, while the others keep it."""
    readers = audiences.READER_ROLES[report.audience] - {outsider}
    monkeypatch.setitem(audiences.READER_ROLES, report.audience, readers)

    assert answers(personas[f"{outsider}_A"], report) == (404, 404, False)
    assert answers(personas["DREETS_STAFF_A"], report) == (200, 200, True)


def test_an_inactive_or_anonymous_user_belongs_to_no_audience(personas):
    user = personas["NATIONAL"]
    assert audiences.audiences_for(user) == [Audience.INTERNAL, Audience.DIFFUSABLE]
    user.is_active = False
    assert audiences.audiences_for(user) == []
    assert audiences.audiences_for(None) == []
