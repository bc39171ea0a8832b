"""Committees of a programme or an establishment: attendees, decisions and their follow-up, the list
(filters, pages, exports, query count) and the scope."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from partners.models import Decision, Meeting
from tests.accounts.pages import page_text
from tests.partners.steering_factories import AttendeeFactory, DecisionFactory, MeetingFactory
from tests.programmes.test_list_queries import PAGE_FRAME

pytestmark = pytest.mark.django_db

MEETINGS = reverse("partners:meeting_list")
PAST = datetime.date(2018, 6, 30)  # due dates before today
FUTURE = datetime.date(2099, 1, 1)


def meeting_data(attendees=(), **overrides) -> dict:
    data = {"kind": "STEERING", "date": "2018-03-22", "agenda": "Bilan de l'année", "minutes": "",
            "participants-TOTAL_FORMS": str(len(attendees) + 1), "participants-INITIAL_FORMS": "0",
            "participants-MIN_NUM_FORMS": "0", "participants-MAX_NUM_FORMS": "1000"}
    for number, (organisation, role, person) in enumerate(attendees):
        data |= {f"participants-{number}-organisation": organisation.pk if organisation else "",
                 f"participants-{number}-role": role, f"participants-{number}-person": person}
    return {**data, **overrides}


def decision_data(owner, **overrides) -> dict:
    data = {"text": "Recruter un encadrant technique", "owner": owner.pk, "due_date": "2018-06-30",
            "status": "OPEN", "done_on": ""}
    return {**data, **overrides}


# --- creating and editing ---------------------------------------------------------------------------


def test_committee_of_a_programme_is_recorded_with_its_attendees(client_as, scope_a):
    spip, siae = scope_a.organisations["spip"], scope_a.organisations["siae"]
    url = reverse("partners:meeting_create", args=[scope_a.programme.pk])

    response = client_as("SPIP_MANAGER_A").post(url, meeting_data(
        [(spip, "Directeur", "M. Lefort"), (siae, "Directrice", "Mme Durand")]))

    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    assert meeting.programme == scope_a.programme and meeting.establishment is None
    assert sorted(meeting.attendees.values_list("person", flat=True)) == ["M. Lefort", "Mme Durand"]


def test_committee_of_an_establishment_is_recorded_without_a_programme(client_as, scope_a):
    url = reverse("partners:meeting_create_establishment", args=[scope_a.establishment.pk])

    client_as("DISP_STAFF_A").post(url, meeting_data(kind="TECHNICAL"))

    meeting = Meeting.objects.get()
    assert (meeting.establishment, meeting.programme, meeting.kind) == (scope_a.establishment, None, "TECHNICAL")


def test_attendee_without_organisation_is_refused_and_nothing_is_saved(client_as, scope_a):
    url = reverse("partners:meeting_create", args=[scope_a.programme.pk])

    response = client_as("DISP_STAFF_A").post(url, meeting_data([(None, "Maire", "M. Dupont")]))

    assert response.status_code == 200
    assert "Indiquez l'organisation de cette personne." in page_text(response)
    assert not Meeting.objects.exists()


def test_attendee_organisation_of_another_scope_is_refused(client_as, scope_a, scope_b):
    url = reverse("partners:meeting_create", args=[scope_a.programme.pk])

    response = client_as("DISP_STAFF_A").post(url, meeting_data([(scope_b.organisations["spip"], "", "X")]))

    assert "Sélectionnez un choix valide" in page_text(response)
    assert not Meeting.objects.exists()


def test_committee_without_a_date_is_refused(client_as, scope_a):
    url = reverse("partners:meeting_create", args=[scope_a.programme.pk])

    response = client_as("DISP_STAFF_A").post(url, meeting_data(date=""))

    assert "Ce champ est obligatoire." in page_text(response)
    assert not Meeting.objects.exists()


def test_update_edits_the_attendance_list_as_a_formset(client_as, scope_a):
    meeting = MeetingFactory(programme=scope_a.programme)
    AttendeeFactory(meeting=meeting, organisation=scope_a.organisations["spip"], person="Parti")
    AttendeeFactory(meeting=meeting, organisation=scope_a.organisations["siae"], person="Resté")
    url = reverse("partners:meeting_update", args=[meeting.pk])
    client = client_as("DDETS_STAFF_A")

    form_page = page_text(client.get(url))
    assert 'value="Parti"' in form_page and 'value="Resté"' in form_page
    data = meeting_data([(scope_a.organisations["spip"], "", "Parti"), (scope_a.organisations["siae"], "", "Resté"),
                         (scope_a.organisations["ddets"], "Inspecteur", "Nouveau")],
                        minutes="Compte rendu validé", **{"participants-0-DELETE": "on"})
    response = client.post(url, data)

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Compte rendu validé"
    assert sorted(meeting.attendees.values_list("person", flat=True)) == ["Nouveau", "Resté"]


# --- decisions -------------------------------------------------------------------------------------------


def test_decision_is_recorded_with_owner_and_due_date(client_as, scope_a):
    meeting = MeetingFactory(programme=scope_a.programme)

    response = client_as("SIAE_DIRECTOR_A").post(reverse("partners:decision_create", args=[meeting.pk]),
                                                 decision_data(scope_a.organisations["siae"]))

    decision = Decision.objects.get()
    assert response.url == f"{meeting.get_absolute_url()}#decisions"
    assert (decision.meeting, decision.owner, decision.status) == (meeting, scope_a.organisations["siae"], "OPEN")


def test_decision_form_says_beside_the_field_when_the_done_date_is_needed(client_as, scope_a):
    meeting = MeetingFactory(programme=scope_a.programme)

    text = page_text(client_as("DISP_STAFF_A").get(reverse("partners:decision_create", args=[meeting.pk])))

    assert "Obligatoire quand le suivi est « Faite », et seulement dans ce cas" in text


@pytest.mark.parametrize(
    ("status", "done_on", "message"),
    [
        ("DONE", "", "Indiquez la date à laquelle la décision a été faite."),
        ("OPEN", "2018-05-02", "Une date de réalisation ne se saisit que pour une décision « Faite »"),
        ("DROPPED", "2018-05-02", "Une date de réalisation ne se saisit que pour une décision « Faite »"),
        ("DONE", "2018-01-01", "Une décision ne peut être faite avant le comité qui l'a prise."),
    ],
)
def test_done_date_goes_with_the_done_status_only(client_as, scope_a, status, done_on, message):
    meeting = MeetingFactory(programme=scope_a.programme, date=datetime.date(2018, 3, 22))
    decision = DecisionFactory(meeting=meeting, owner=scope_a.organisations["siae"])

    response = client_as("DISP_STAFF_A").post(
        reverse("partners:decision_update", args=[decision.pk]),
        decision_data(scope_a.organisations["siae"], status=status, done_on=done_on),
    )

    assert response.status_code == 200
    assert message in page_text(response)
    decision.refresh_from_db()
    assert (decision.status, decision.done_on) == ("OPEN", None)


def test_decision_is_marked_done_with_its_date(client_as, scope_a):
    decision = DecisionFactory(meeting=MeetingFactory(programme=scope_a.programme), owner=scope_a.organisations["siae"])

    client_as("DISP_STAFF_A").post(reverse("partners:decision_update", args=[decision.pk]),
                                   decision_data(decision.owner, status="DONE", done_on="2018-05-02"))

    decision.refresh_from_db()
    assert (decision.status, decision.done_on) == ("DONE", datetime.date(2018, 5, 2))


def test_decision_owner_of_another_scope_is_refused(client_as, scope_a, scope_b):
    meeting = MeetingFactory(programme=scope_a.programme)

    response = client_as("DISP_STAFF_A").post(reverse("partners:decision_create", args=[meeting.pk]),
                                              decision_data(scope_b.organisations["siae"]))

    assert "Sélectionnez un choix valide" in page_text(response)
    assert not Decision.objects.exists()


# --- detail page and scope -----------------------------------------------------------------------------


def test_meeting_page_shows_attendees_by_organisation_and_decisions_with_their_follow_up(client_as, scope_a):
    meeting = MeetingFactory(programme=scope_a.programme, agenda="Point sur les sorties", minutes="Adopté")
    AttendeeFactory(meeting=meeting, organisation=scope_a.organisations["spip"], role="Directeur", person="M. Lefort")
    DecisionFactory(meeting=meeting, owner=scope_a.organisations["siae"], text="Ouvrir un second atelier",
                    due_date=PAST)
    DecisionFactory(meeting=meeting, owner=scope_a.organisations["ddets"], text="Signer l'avenant",
                    status="DONE", done_on=datetime.date(2018, 4, 2))

    text = page_text(client_as("CPIP_A").get(meeting.get_absolute_url()))

    assert "Point sur les sorties" in text and "Adopté" in text
    assert "SPIP Alpha" in text and "M. Lefort — Directeur" in text
    assert "Ouvrir un second atelier" in text and "En retard" in text
    assert "Faite le 02/04/2018" in text
    assert "Ajouter une décision" not in text  # a CPIP reads only


def test_persona_of_scope_b_gets_404_on_a_committee_of_scope_a(client_as, scope_a, scope_b):
    meeting = MeetingFactory(programme=scope_a.programme)

    assert client_as("SPIP_MANAGER_B").get(meeting.get_absolute_url()).status_code == 404


def test_establishment_committee_is_seen_by_the_establishment_scope_only(client_as, scope_a, scope_b):
    meeting = MeetingFactory(establishment=scope_a.establishment)

    assert client_as("ESTABLISHMENT_STAFF_A").get(meeting.get_absolute_url()).status_code == 200
    assert client_as("ESTABLISHMENT_STAFF_B").get(meeting.get_absolute_url()).status_code == 404


# --- list: scope, filters, pages, exports, queries -------------------------------------------------------


def test_list_shows_the_committees_of_the_scope_only(client_as, scope_a, scope_b):
    MeetingFactory(programme=scope_a.programme, agenda="ordre alpha")
    MeetingFactory(programme=scope_b.programme, agenda="ordre bravo")

    text = page_text(client_as("DREETS_STAFF_A").get(MEETINGS))

    assert "ALPHA-1" in text and "BRAVO-1" not in text


def test_list_filters_by_kind_programme_and_overdue_decisions(client_as, scope_a, personas):
    late = MeetingFactory(programme=scope_a.programme, kind="TECHNICAL", date=datetime.date(2019, 1, 10))
    DecisionFactory(meeting=late, owner=scope_a.organisations["siae"], due_date=PAST)
    on_time = MeetingFactory(programme=scope_a.programme, kind="STEERING", date=datetime.date(2019, 2, 11))
    DecisionFactory(meeting=on_time, owner=scope_a.organisations["siae"], due_date=FUTURE)
    done = MeetingFactory(programme=scope_a.programme, kind="TECHNICAL", date=datetime.date(2019, 3, 12))
    DecisionFactory(meeting=done, owner=scope_a.organisations["siae"], due_date=PAST, status="DONE",
                    done_on=datetime.date(2019, 3, 20))
    client = client_as("DISP_STAFF_A")

    def listed(**filters):
        return set(client.get(MEETINGS, filters).context["object_list"])

    assert listed(overdue="on") == {late}
    assert listed(kind="TECHNICAL") == {late, done}
    assert listed(programme=scope_a.programme.pk, kind="STEERING") == {on_time}
    assert "1 en retard" in page_text(client.get(MEETINGS, {"overdue": "on"}))


def test_list_shows_20_committees_then_the_rest_on_page_2(client_as, scope_a):
    for day in range(1, 24):
        MeetingFactory(programme=scope_a.programme, date=datetime.date(2020, 1, day))
    client = client_as("NATIONAL")

    first, second = client.get(MEETINGS), client.get(MEETINGS, {"page": 2})

    assert len(first.context["object_list"]) == 20 and "23/01/2020" in page_text(first)
    assert len(second.context["object_list"]) == 3 and "Page 2 sur 2" in page_text(second)


@pytest.mark.parametrize("rows", [3, 25])
def test_list_query_count_does_not_grow_with_rows(client_as, scope_a, rows, django_assert_num_queries):
    for day in range(rows):
        meeting = MeetingFactory(programme=scope_a.programme, date=datetime.date(2020, 1, 1) + datetime.timedelta(day))
        DecisionFactory(meeting=meeting, owner=scope_a.organisations["siae"], due_date=PAST)
    client = client_as("DISP_STAFF_A")

    # + programmes offered by the filter form
    # + COUNT of the committees in scope (paginator)
    # + one page of committees, programme and establishment joined, decision counts annotated
    with django_assert_num_queries(PAGE_FRAME + 3):
        response = client.get(MEETINGS)

    assert response.context["paginator"].count == rows


def test_csv_export_lists_every_filtered_committee_with_formulas_neutralised(client_as, scope_a):
    for day in range(1, 23):
        MeetingFactory(programme=scope_a.programme, date=datetime.date(2020, 1, day), agenda=f"Point {day}")
    MeetingFactory(programme=scope_a.programme, kind="TECHNICAL", agenda="=1+1")

    response = client_as("DISP_STAFF_A").get(MEETINGS, {"format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Date", "Instance", "Programme"]
    assert len(rows) == 1 + 23  # every committee, not one page
    technical = next(row for row in rows if row[1] == "Comité technique")
    assert technical[4] == "'=1+1"
    assert technical[0] == "22/03/2018"


def test_xlsx_export_follows_the_filters(client_as, scope_a):
    late = MeetingFactory(programme=scope_a.programme, agenda="=1+1")
    DecisionFactory(meeting=late, owner=scope_a.organisations["siae"], due_date=PAST)
    MeetingFactory(programme=scope_a.programme, agenda="À jour")

    response = client_as("DISP_STAFF_A").get(MEETINGS, {"format": "xlsx", "overdue": "on"})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1:5] == ("Comité de pilotage", "ALPHA-1", None, "'=1+1")
    assert rows[1][5:] == (1, 1)
