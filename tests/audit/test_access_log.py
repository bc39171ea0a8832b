"""Access log (issue 7 section 3, goal S-17): exactly one row per read of a participant or pathway page, per export
and per document download, with the user, the action and the object; no row for a refused access or a list without
names. The other pages that show a person: test_access_log_pages.py; all of them, by a crawl: test_personal_pages.py."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.enums import AccessAction
from audit.models import AccessLog
from documents.enums import DocumentKind, DocumentStatus
from tests.accounts.factories import UserFactory
from tests.documents.matrix_documents import complete_pathway, make_document
from tests.participants.factories import PathwayFactory

pytestmark = pytest.mark.django_db


def only_row():
    rows = list(AccessLog.objects.all())
    assert len(rows) == 1, rows
    return rows[0]


def test_participant_page_writes_one_row_with_user_action_and_object(scope_a, personas, client_as):
    pathway = PathwayFactory(programme=scope_a.programme, participant__last_name="Journalnom")
    participant = pathway.participant
    response = client_as("CPIP_A").get(reverse("participants:participant_detail", args=[participant.pk]))
    assert response.status_code == 200
    row = only_row()
    assert row.user == personas["CPIP_A"]
    assert row.user_label == f"{personas['CPIP_A'].username} (CPIP)"
    assert row.action == AccessAction.PARTICIPANT_VIEW
    assert (row.object_type, row.object_id) == ("participant", str(participant.pk))
    assert row.route == "participants:participant_detail"
    assert "Journalnom" not in " ".join([row.user_label, row.object_id, row.route, row.detail])


def test_each_visit_is_one_more_row(scope_a, client_as):
    participant = PathwayFactory(programme=scope_a.programme).participant
    client = client_as("SIAE_STAFF_A")
    for _ in range(3):
        assert client.get(reverse("participants:participant_detail", args=[participant.pk])).status_code == 200
    assert AccessLog.objects.filter(action=AccessAction.PARTICIPANT_VIEW, object_id=str(participant.pk)).count() == 3


def test_pathway_page_writes_one_row(scope_a, personas, client_as):
    pathway = PathwayFactory(programme=scope_a.programme)
    response = client_as("SIAE_DIRECTOR_A").get(reverse("participants:pathway_detail", args=[pathway.pk]))
    assert response.status_code == 200
    row = only_row()
    assert (row.user, row.action, row.object_type, row.object_id) == (
        personas["SIAE_DIRECTOR_A"], AccessAction.PATHWAY_VIEW, "pathway", str(pathway.pk))


def test_participant_edit_form_counts_as_a_consultation(scope_a, client_as):
    participant = PathwayFactory(programme=scope_a.programme).participant
    assert client_as("CPIP_A").get(reverse("participants:participant_update", args=[participant.pk])).status_code == 200
    assert (only_row().action, only_row().object_id) == (AccessAction.PARTICIPANT_VIEW, str(participant.pk))


@pytest.mark.parametrize("persona, status", [("CPIP_B", 404), ("SIAE_STAFF_B", 404), ("DISP_STAFF_A", 404),
                                             ("anonymous", 302)])
def test_refused_access_writes_no_row(scope_a, client_as, persona, status):
    pathway = PathwayFactory(programme=scope_a.programme)
    client = client_as(persona)
    assert client.get(reverse("participants:participant_detail", args=[pathway.participant.pk])).status_code == status
    assert client.get(reverse("participants:pathway_detail", args=[pathway.pk])).status_code == status
    assert AccessLog.objects.count() == 0


def test_refused_export_writes_no_row(scope_a, client_as):
    """Territorial staff read no names: the caseload export is a 403, and nothing is logged."""
    response = client_as("DREETS_STAFF_A").get(reverse("participants:participant_list"), {"format": "csv"})
    assert response.status_code == 403
    assert AccessLog.objects.count() == 0


LIST_EXPORTS = [
    ("participants:participant_list", "participant"), ("participants:pathway_list", "pathway"),
    ("programmes:establishment_list", "establishment"), ("programmes:siae_list", "siae"),
    ("programmes:programme_list", "programme"), ("programmes:convention_list", "state_convention"),
    ("programmes:funding_list", "funding_line"), ("partners:organisation_list", "organisation"),
    ("partners:meeting_list", "meeting"), ("partners:event_list", "event"),
]


@pytest.mark.parametrize("route, object_type", LIST_EXPORTS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_list_export_writes_one_export_row(scope_a, personas, client_as, route, object_type, fmt):
    PathwayFactory(programme=scope_a.programme)
    response = client_as("ADMIN").get(reverse(route), {"format": fmt, "nom": "Dupont"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    row = only_row()
    assert (row.user, row.action, row.object_type, row.route, row.detail) == (
        personas["ADMIN"], AccessAction.EXPORT, object_type, route, fmt)
    assert "Dupont" not in f"{row.object_id}{row.detail}{row.route}"  # the query string is never kept


NAMED_LISTS = {"participants:participant_list": "participant", "participants:pathway_list": "pathway"}


@pytest.mark.parametrize("route", [name for name, _type in LIST_EXPORTS if name not in NAMED_LISTS])
def test_showing_a_list_without_names_is_no_export_and_writes_nothing(scope_a, client_as, route):
    assert client_as("ADMIN").get(reverse(route)).status_code == 200
    assert client_as("ADMIN").get(reverse(route), {"format": "pdf"}).status_code == 200  # not a file format
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize("route", NAMED_LISTS)
def test_showing_a_list_of_named_people_is_a_consultation_not_an_export(scope_a, personas, client_as, route):
    """The caseload's page carries the columns of its export: each page shown is one row."""
    PathwayFactory(programme=scope_a.programme)
    assert client_as("ADMIN").get(reverse(route)).status_code == 200
    assert client_as("ADMIN").get(reverse(route), {"format": "pdf"}).status_code == 200  # not a file format
    assert list(AccessLog.objects.values_list("user", "action", "object_type", "object_id", "detail")) == [
        (personas["ADMIN"].pk, AccessAction.LIST_VIEW, NAMED_LISTS[route], "", "")] * 2


def test_dashboard_exports_are_logged_and_the_page_is_not(scope_a, personas, client_as):
    client = client_as("DISP_STAFF_A")
    page = reverse("dashboards:scope", args=["programme", scope_a.programme.code])
    assert client.get(page).status_code == 200
    assert AccessLog.objects.count() == 0
    response = client.get(page, {"format": "xlsx", "tableau": "indicateurs"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    row = only_row()
    assert (row.user, row.action, row.object_type, row.object_id, row.detail) == (
        personas["DISP_STAFF_A"], AccessAction.EXPORT, "dashboard", f"programme/{scope_a.programme.code}", "xlsx")


def test_national_dashboard_export_is_logged(personas, client_as):
    response = client_as("NATIONAL").get(reverse("dashboards:national"), {"format": "csv"})
    assert response.status_code == 200
    row = only_row()
    assert (row.user, row.action, row.object_type, row.object_id, row.route) == (
        personas["NATIONAL"], AccessAction.EXPORT, "dashboard", "national", "dashboards:national")


def test_document_download_writes_one_row_and_a_refused_one_none(scope_a, personas, client_as):
    pathway = complete_pathway(scope_a)
    document = make_document(kind=DocumentKind.ACCOMPANIMENT_CHARTER, subject=pathway, status=DocumentStatus.READY)
    url = reverse("documents:document_download", args=[document.pk])
    assert client_as("CPIP_B").get(url).status_code == 404
    assert client_as("DDETS_STAFF_A").get(url).status_code == 404  # no names for territorial staff
    assert AccessLog.objects.count() == 0
    response = client_as("SIAE_STAFF_A").get(url)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    row = only_row()
    assert (row.user, row.action, row.object_type, row.object_id, row.route) == (
        personas["SIAE_STAFF_A"], AccessAction.DOCUMENT_DOWNLOAD, "document", str(document.pk),
        "documents:document_download")


def test_a_refused_post_shows_the_person_again_and_writes_one_row(scope_a, client_as):
    """The form shown again with its errors shows the person: a read (a saved form redirects: a change, recorded by
    the history, tests/audit/test_access_log_pages.py)."""
    participant = PathwayFactory(programme=scope_a.programme).participant
    response = client_as("CPIP_A").post(reverse("participants:participant_update", args=[participant.pk]), {})
    assert response.status_code == 200
    assert (only_row().action, only_row().object_id) == (AccessAction.PARTICIPANT_VIEW, str(participant.pk))


def test_the_row_outlives_the_account(scope_a, client_as):
    user = UserFactory(role="CPIP", organisation=scope_a.organisations["spip"], username="partie.bientot")
    participant = PathwayFactory(programme=scope_a.programme).participant
    client = Client()
    client.force_login(user)
    assert client.get(reverse("participants:participant_detail", args=[participant.pk])).status_code == 200
    user.delete()  # ON DELETE SET NULL: the one UPDATE the trigger lets through
    row = only_row()
    assert row.user is None
    assert row.user_label == "partie.bientot (CPIP)"
    assert row.object_id == str(participant.pk)


def test_if_the_row_cannot_be_written_the_page_is_not_sent(scope_a, client_as, monkeypatch):
    participant = PathwayFactory(programme=scope_a.programme, participant__last_name="Secretnom").participant

    def broken(*args, **kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(AccessLog.objects, "create", broken)
    client = client_as("CPIP_A")
    client.raise_request_exception = False
    response = client.get(reverse("participants:participant_detail", args=[participant.pk]))
    assert response.status_code == 500
    assert b"Secretnom" not in response.content.upper() and b"SECRETNOM" not in response.content


def test_right_of_access_export_is_logged_once_when_the_file_is_sent(scope_a, personas, client_as):
    participant = PathwayFactory(programme=scope_a.programme).participant
    url = reverse("participants:participant_access_export", args=[participant.pk])
    client = client_as("CPIP_A")
    assert client.get(url).status_code == 200  # the form, under the person's name
    assert client.post(url, {"requested_on": "2999-01-01"}).status_code == 200  # refused date: the form again
    assert list(AccessLog.objects.values_list("action", flat=True)) == [AccessAction.PARTICIPANT_VIEW] * 2
    response = client.post(url, {"requested_on": "2026-11-02"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert AccessLog.objects.count() == 3  # the file: one row, and no second one as a consultation
    row = AccessLog.objects.get(action=AccessAction.RIGHT_OF_ACCESS_EXPORT)
    assert (row.user, row.action, row.object_type, row.object_id, row.route) == (
        personas["CPIP_A"], AccessAction.RIGHT_OF_ACCESS_EXPORT, "participant", str(participant.pk),
        "participants:participant_access_export")
