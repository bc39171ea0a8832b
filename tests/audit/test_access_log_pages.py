"""Access log (issue 14 item 4): the pages that showed a person without a trace now write one row each — the forms
about a person or a pathway (and their answer to a refused POST, such as the conflict after a stale save, which
shows every current value), the lists of named people, the session board, the import report, the administration's
pages and searches. A saved form (a redirect) and a refused access write nothing; no row holds a name or a term."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from audit.enums import AccessAction
from audit.models import AccessLog
from participants.enums import ImportStatus, PathwayStatus
from participants.models import ImportJob
from tests.accounts.factories import UserFactory
from tests.participants.factories import PathwayFactory, pathway_at
from tests.participants.test_participant_pages import participant_data

pytestmark = pytest.mark.django_db

NOTE = f"Note du SPIP {uuid.uuid4().hex[:8]}"


def rows() -> list[tuple]:
    return list(AccessLog.objects.order_by("pk").values_list("action", "object_type", "object_id", "route", "detail"))


def version_in(response) -> str:
    return re.search(r'name="version" value="(\d+)"', response.content.decode()).group(1)


def no_personal_data_in_the_log(*values):
    text = " ".join(" ".join(map(str, row)) for row in rows()) + " ".join(
        AccessLog.objects.values_list("user_label", flat=True))
    assert not any(value.lower() in text.lower() for value in values)


def test_the_conflict_after_a_stale_save_is_logged_and_a_save_is_not(scope_a, client_as):
    """The conflict page shows what the other person saved, the SPIP's note included: one more row."""
    person = PathwayFactory(programme=scope_a.programme, participant__last_name="Traore").participant
    url = reverse("participants:participant_update", args=[person.pk])
    first, second = client_as("CPIP_A"), client_as("SPIP_MANAGER_A")
    first_version, second_version = version_in(first.get(url)), version_in(second.get(url))
    assert len(rows()) == 2  # two forms opened

    saved = first.post(url, participant_data(scope_a, last_name="Traore", work_constraints_note=NOTE,
                                             version=first_version))
    assert saved.status_code == 302 and len(rows()) == 2  # a save is a change, not a read
    conflict = second.post(url, participant_data(scope_a, last_name="Toure", version=second_version))

    assert conflict.status_code == 200 and NOTE in conflict.content.decode()
    assert rows()[2:] == [(AccessAction.PARTICIPANT_VIEW, "participant", str(person.pk),
                           "participants:participant_update", "")]
    no_personal_data_in_the_log("Traore", "Toure", NOTE)


def test_a_step_form_is_a_read_of_the_pathway(scope_a, client_as):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme)
    url = reverse("participants:pathway_step", args=[pathway.pk, "sortie"])
    client = client_as("CPIP_A")

    assert client.get(url).status_code == 200
    assert client.post(url, {"version": pathway.version}).status_code == 200  # refused: the form again
    assert rows() == [(AccessAction.PATHWAY_VIEW, "pathway", str(pathway.pk), "participants:pathway_step", "")] * 2


def test_a_step_refused_in_the_current_status_still_shows_the_pathway_and_is_logged(scope_a, client_as):
    pathway = pathway_at(PathwayStatus.CANDIDATE, programme=scope_a.programme, participant__last_name="Refusnom")
    url = reverse("participants:pathway_step", args=[pathway.pk, "sortie"])  # no exit before the workshop

    response = client_as("CPIP_A").post(url, {"exit_on": "2025-05-02", "version": pathway.version})

    assert response.status_code == 409 and "REFUSNOM" in response.content.decode().upper()
    assert rows() == [(AccessAction.PATHWAY_VIEW, "pathway", str(pathway.pk), "participants:pathway_step", "")]


@pytest.mark.parametrize("route", ["participants:event_create", "participants:pathway_step", "participants:follow_up"])
def test_a_refused_access_to_a_pathway_form_writes_nothing(scope_a, client_as, route):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme)
    args = {"participants:pathway_step": [pathway.pk, "sortie"], "participants:follow_up": [pathway.pk, 6]}
    url = reverse(route, args=args.get(route, [pathway.pk]))
    assert client_as("CPIP_B").get(url).status_code == 404
    assert client_as("DDETS_STAFF_A").get(url).status_code in (403, 404)
    assert rows() == []


def test_the_lists_of_named_people_are_logged_their_search_is_not_kept(scope_a, client_as):
    PathwayFactory(programme=scope_a.programme, participant__last_name="Cherchenom")
    client = client_as("CPIP_A")
    caseload, pathways = reverse("participants:participant_list"), reverse("participants:pathway_list")

    assert client.post(caseload, {"q": "Cherchenom"}).status_code == 303  # the search: no page yet
    assert rows() == []
    assert client.get(caseload).status_code == 200
    assert client.get(caseload, HTTP_HX_REQUEST="true").status_code == 200  # the results swapped by htmx
    assert client.get(pathways).status_code == 200
    assert rows() == [(AccessAction.LIST_VIEW, "participant", "", "participants:participant_list", "")] * 2 + [
        (AccessAction.LIST_VIEW, "pathway", "", "participants:pathway_list", "")]
    no_personal_data_in_the_log("Cherchenom")


def test_the_session_board_and_its_refused_actions_are_logged(scope_a, client_as):
    pathway = PathwayFactory(programme=scope_a.programme)
    session = pathway.session
    client = client_as("CPIP_A")
    expected = (AccessAction.SESSION_VIEW, "recruitment_session", str(session.pk))

    assert client.get(session.get_absolute_url()).status_code == 200
    refused = client.post(reverse("participants:session_add_candidates", args=[session.pk]),
                          {"participants": [str(uuid.uuid4())]})  # nobody who may be added: the board again
    nothing = client.post(reverse("participants:session_decide", args=[session.pk]), {})  # back to the board

    assert refused.status_code == 200 and nothing.status_code == 302
    assert [row[:3] for row in rows()] == [expected, expected]
    assert client_as("CPIP_B").get(session.get_absolute_url()).status_code == 404
    assert len(rows()) == 2


def test_the_import_report_is_logged_for_its_owner_only(scope_a, personas, client_as):
    job = ImportJob.objects.create(created_by=personas["CPIP_A"], file_name="suivi.csv", status=ImportStatus.INVALID,
                                   report={"rows": 1, "error_count": 0, "errors": []})
    url = reverse("participants:import_detail", args=[job.pk])

    assert client_as("CPIP_B").get(url).status_code == 404
    assert client_as("CPIP_A").get(url).status_code == 200
    assert rows() == [(AccessAction.IMPORT_VIEW, "import_job", str(job.pk), "participants:import_detail", "")]


@pytest.fixture
def administrator(db):
    client = Client()
    client.force_login(UserFactory(username="admin.journal", role="ADMIN", is_staff=True, is_superuser=True))
    return client


def test_the_administration_pages_and_searches_of_people_are_logged(scope_a, administrator):
    pathway = PathwayFactory(programme=scope_a.programme, participant__last_name="Gestionnom")
    person = pathway.participant

    pages = [(reverse("admin:participants_participant_changelist"), {"q": "Gestionnom"}),
             (reverse("admin:participants_participant_change", args=[person.pk]), {}),
             (reverse("admin:participants_participant_history", args=[person.pk]), {}),
             (reverse("admin:participants_pathway_changelist"), {}),
             (reverse("admin:participants_pathway_change", args=[pathway.pk]), {})]
    for url, query in pages:
        response = administrator.get(url, query)
        assert response.status_code == 200 and "GESTIONNOM" in response.content.decode().upper()

    assert rows() == [
        (AccessAction.LIST_VIEW, "participant", "", "admin:participants_participant_changelist", ""),
        (AccessAction.PARTICIPANT_VIEW, "participant", str(person.pk), "admin:participants_participant_change", ""),
        (AccessAction.PARTICIPANT_VIEW, "participant", str(person.pk), "admin:participants_participant_history", ""),
        (AccessAction.LIST_VIEW, "pathway", "", "admin:participants_pathway_changelist", ""),
        (AccessAction.PATHWAY_VIEW, "pathway", str(pathway.pk), "admin:participants_pathway_change", ""),
    ]
    no_personal_data_in_the_log("Gestionnom")


def test_the_administration_refused_writes_nothing(scope_a, client_as):
    person = PathwayFactory(programme=scope_a.programme).participant
    client = client_as("CPIP_A")  # no staff status: the administration's login
    assert client.get(reverse("admin:participants_participant_change", args=[person.pk])).status_code == 302
    assert client.get(reverse("admin:participants_participant_changelist")).status_code == 302
    assert rows() == []
