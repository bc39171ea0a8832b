"""The caseload (participants:participant_list): scope, filters, sort, pages, empty states, query count."""

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from participants import selectors, services
from participants.enums import ExitReason, FollowUpMilestone, PathwayStatus, SessionDecision
from participants.models import Pathway
from tests.accounts.pages import page_text
from tests.participants.factories import (
    STEP_DAYS,
    ParticipantFactory,
    candidacy,
    counsellor,
    enter_workshop,
    released_pathway,
)
from tests.programmes.factories import ProgrammeFactory
from tests.programmes.test_list_queries import PAGE_FRAME

pytestmark = pytest.mark.django_db

CASELOAD = reverse("participants:participant_list")


def today() -> datetime.date:
    return timezone.localdate()


def search(client, term: str, **filters):
    """The search as a user sends it: POSTed (the term stays out of the URL), then the list it redirects to."""
    return client.post(CASELOAD, {"q": term, **filters}, follow=True)


def names(response) -> list[str]:
    """Surnames of the rows of the caseload, in their order."""
    return [participant.last_name for participant in response.context["object_list"]]


# --- Who sees whom ------------------------------------------------------------------------------------


def test_counsellor_sees_the_people_of_their_establishments_and_not_those_of_another_spip(client_as, scope_a,
                                                                                          scope_b):
    candidacy(scope_a.programme, participant__last_name="Alphonse")
    ParticipantFactory(establishment=scope_a.establishment, last_name="Sansparcours")
    candidacy(scope_b.programme, participant__last_name="Bravard")

    text = page_text(client_as("CPIP_A").get(CASELOAD))

    assert "ALPHONSE" in text
    assert "SANSPARCOURS" in text  # no pathway yet: still in the counsellor's caseload
    assert "BRAVARD" not in text


def test_siae_staff_see_only_people_with_a_pathway_in_their_programmes(client_as, scope_a):
    candidacy(scope_a.programme, participant__last_name="Alphonse")
    ParticipantFactory(establishment=scope_a.establishment, last_name="Sansparcours")

    text = page_text(client_as("SIAE_STAFF_A").get(CASELOAD))

    assert "ALPHONSE" in text
    assert "SANSPARCOURS" not in text


@pytest.mark.parametrize("persona", ["DISP_STAFF_A", "DREETS_STAFF_A", "DDETS_STAFF_A", "NATIONAL"])
def test_roles_that_read_no_names_are_refused_the_caseload_and_its_export(client_as, scope_a, persona):
    candidacy(scope_a.programme, participant__last_name="Alphonse")
    client = client_as(persona)

    page = client.get(CASELOAD)
    export = client.get(CASELOAD, {"format": "csv"})

    assert page.status_code == export.status_code == 403
    assert "ALPHONSE" not in page_text(page) and "Alphonse" not in page_text(export)


# --- Filters ------------------------------------------------------------------------------------------


def test_programme_filter_keeps_people_with_a_pathway_in_that_programme(client_as, scope_a):
    other = ProgrammeFactory(code="ALPHA-2", establishment=scope_a.establishment, siae=scope_a.siae)
    candidacy(scope_a.programme, participant__last_name="Premier")
    candidacy(other, participant__last_name="Second")

    response = client_as("CPIP_A").get(CASELOAD, {"programme": other.pk})

    assert names(response) == ["Second"]


def test_status_filter_reads_the_latest_pathway_of_each_person(client_as, scope_a):
    other = ProgrammeFactory(code="ALPHA-2", establishment=scope_a.establishment, siae=scope_a.siae)
    # Amrani: an old pathway not selected, then a new candidacy (latest) elsewhere.
    old = candidacy(scope_a.programme, participant__last_name="Amrani")
    services.pathway_decide(pathway=old, decision=SessionDecision.NOT_SELECTED, reason="Places pourvues", by=None)
    candidacy(other, participant=old.participant)
    # Bathily: a single pathway, not selected.
    services.pathway_decide(pathway=candidacy(scope_a.programme, participant__last_name="Bathily"),
                            decision=SessionDecision.NOT_SELECTED, reason="Places pourvues", by=None)

    candidates = client_as("CPIP_A").get(CASELOAD, {"status": PathwayStatus.CANDIDATE})
    not_selected = client_as("CPIP_A").get(CASELOAD, {"status": PathwayStatus.NOT_SELECTED})

    assert names(candidates) == ["Amrani"]
    assert names(not_selected) == ["Bathily"]


def test_status_filter_with_a_programme_reads_the_pathway_in_that_programme(client_as, scope_a):
    other = ProgrammeFactory(code="ALPHA-2", establishment=scope_a.establishment, siae=scope_a.siae)
    old = candidacy(scope_a.programme, participant__last_name="Amrani")
    services.pathway_decide(pathway=old, decision=SessionDecision.NOT_SELECTED, reason="Places pourvues", by=None)
    candidacy(other, participant=old.participant)

    response = client_as("CPIP_A").get(CASELOAD, {"programme": scope_a.programme.pk,
                                                  "status": PathwayStatus.NOT_SELECTED})

    assert names(response) == ["Amrani"]


def test_release_filter_keeps_expected_releases_between_today_and_n_days(client_as, scope_a):
    for name, days in [("Dix", 10), ("Quarantecinq", 45), ("Passee", -3), ("Aujourdhui", 0)]:
        candidacy(scope_a.programme, participant__last_name=name,
                  participant__expected_release_date=today() + datetime.timedelta(days=days))
    candidacy(scope_a.programme, participant__last_name="Inconnue")
    client = client_as("CPIP_A")

    within_30 = names(client.get(CASELOAD, {"release_within": 30}))
    within_60 = names(client.get(CASELOAD, {"release_within": 60}))

    assert within_30 == ["Aujourdhui", "Dix"]
    assert within_60 == ["Aujourdhui", "Dix", "Quarantecinq"]


def test_release_filter_offers_only_30_60_90_and_180_days(client_as, scope_a):
    candidacy(scope_a.programme, participant__last_name="Dix",
              participant__expected_release_date=today() + datetime.timedelta(days=10))

    response = client_as("CPIP_A").get(CASELOAD, {"release_within": 7})

    assert names(response) == ["Dix"]  # an unknown choice is dropped, the list is not filtered
    assert "Sélectionnez un choix valide" in page_text(response)


def test_follow_up_filter_keeps_releases_whose_follow_up_is_due_and_not_recorded(client_as, scope_a):
    programme = scope_a.programme
    released = today() - relativedelta(months=4)
    user = counsellor(establishment=scope_a.establishment)
    released_pathway(programme, exit_on=released, participant__last_name="Attendu")
    done = released_pathway(programme, exit_on=released, participant__last_name="Fait")
    services.follow_up_record(pathway=done, milestone=FollowUpMilestone.M3, reached=False,
                              contacted_on=released + relativedelta(months=3), by=user)
    released_pathway(programme, exit_on=today() - relativedelta(months=1), participant__last_name="Recent")
    released_pathway(programme, exit_on=released, reason=ExitReason.TRANSFER, participant__last_name="Transfere")
    six = released_pathway(programme, exit_on=today() - relativedelta(months=7), participant__last_name="Sixmois")
    services.follow_up_record(pathway=six, milestone=FollowUpMilestone.M3, reached=False,
                              contacted_on=six.exit_on + relativedelta(months=3), by=user)

    response = client_as("CPIP_A").get(CASELOAD, {"follow_up_due": "on"})

    assert names(response) == ["Attendu", "Sixmois"]
    assert "Suivi à faire" in page_text(response)


@pytest.mark.parametrize("query", ["martin", "MARTIN", "Louise"])
def test_search_finds_a_name_whatever_its_case(client_as, scope_a, query):
    candidacy(scope_a.programme, participant__last_name="Martin", participant__first_names="Louise")
    candidacy(scope_a.programme, participant__last_name="Durand", participant__first_names="Paul")

    assert names(search(client_as("CPIP_A"), query)) == ["Martin"]


def test_search_finds_an_ecrou_typed_with_spaces_dashes_or_leading_zeros(client_as, scope_a):
    candidacy(scope_a.programme, participant__last_name="Martin", participant__ecrou="123A")
    candidacy(scope_a.programme, participant__last_name="Durand", participant__ecrou="4567")

    assert names(search(client_as("CPIP_A"), "00-123 a")) == ["Martin"]


def test_search_redirects_to_a_url_without_the_name_and_keeps_the_other_filters(client_as, scope_a):
    candidacy(scope_a.programme, participant__last_name="Martin")
    client = client_as("CPIP_A")

    response = client.post(CASELOAD, {"q": "Martin", "status": PathwayStatus.CANDIDATE, "tri": "-nom"})

    assert response.status_code == 303
    assert response["Location"] == f"{CASELOAD}?status=CANDIDATE&tri=-nom"
    page = client.get(response["Location"])
    assert names(page) == ["Martin"]
    assert "Recherche en cours : « Martin »" in page_text(page)
    assert "Martin" not in "".join(re.findall(r'href="([^"]*)"', page_text(page)))  # no link carries the term


def test_search_term_holds_across_pages_and_in_the_export(client_as, scope_a):
    for number in range(1, 24):
        candidacy(scope_a.programme, participant__last_name=f"Personne{number:02d}")
    candidacy(scope_a.programme, participant__last_name="Autre")
    client = client_as("CPIP_A")

    search(client, "personne")
    second = client.get(CASELOAD, {"page": 2})
    export = client.get(CASELOAD, {"format": "csv"}).content.decode()

    assert names(second) == ["Personne21", "Personne22", "Personne23"]
    assert export.count("\n") == 23 + 1 and "AUTRE" not in export.upper().replace("PERSONNE", "")


def test_clear_link_forgets_the_term(client_as, scope_a):
    candidacy(scope_a.programme, participant__last_name="Martin")
    candidacy(scope_a.programme, participant__last_name="Durand")
    client = client_as("CPIP_A")
    page = search(client, "martin")

    cleared = client.get(page.context["clear_search_url"], follow=True)

    assert names(page) == ["Martin"]
    assert names(cleared) == ["Durand", "Martin"]
    assert "Recherche en cours" not in page_text(cleared)


def test_an_old_link_with_the_name_in_the_url_is_moved_to_the_session(client_as, scope_a):
    candidacy(scope_a.programme, participant__last_name="Martin")
    candidacy(scope_a.programme, participant__last_name="Durand")
    client = client_as("CPIP_A")

    response = client.get(CASELOAD, {"q": "martin", "page": 3})

    assert response.status_code == 303 and response["Location"] == CASELOAD
    assert names(client.get(CASELOAD)) == ["Martin"]


def test_the_search_of_one_user_is_not_the_search_of_another(client_as, scope_a):
    candidacy(scope_a.programme, participant__last_name="Martin")
    candidacy(scope_a.programme, participant__last_name="Durand")
    search(client_as("CPIP_A"), "martin")

    assert names(client_as("SPIP_MANAGER_A").get(CASELOAD)) == ["Durand", "Martin"]


# --- Sort and pages -----------------------------------------------------------------------------------


@pytest.fixture
def three_people(scope_a):
    """Bernard (release in 20 days, in the workshop), Albert (no date, candidate), Claude (in 5 days, exited)."""
    candidacy(scope_a.programme, participant__last_name="Albert")
    bernard = candidacy(scope_a.programme, participant__last_name="Bernard",
                        participant__expected_release_date=today() + datetime.timedelta(days=20))
    bernard = services.pathway_decide(pathway=bernard, decision=SessionDecision.SELECTED, by=None)
    enter_workshop(bernard, STEP_DAYS["start"], hours_per_week=None, hourly_pay=None, signed_on=None)
    released_pathway(scope_a.programme, exit_on=STEP_DAYS["exit"], reason=ExitReason.RESIGNATION,
                     participant__last_name="Claude",
                     participant__expected_release_date=today() + datetime.timedelta(days=5))


@pytest.mark.parametrize(
    ("tri", "expected"),
    [
        ("", ["Albert", "Bernard", "Claude"]),
        ("nom", ["Albert", "Bernard", "Claude"]),
        ("-nom", ["Claude", "Bernard", "Albert"]),
        ("liberation", ["Claude", "Bernard", "Albert"]),  # no date last
        ("-liberation", ["Bernard", "Claude", "Albert"]),  # no date last, whatever the direction
        ("statut", ["Albert", "Bernard", "Claude"]),  # candidate, in the workshop, exited
        ("-statut", ["Claude", "Bernard", "Albert"]),
        ("birth_date", ["Albert", "Bernard", "Claude"]),  # not a sort the page offers: by name
    ],
)
def test_caseload_sorts_by_the_columns_offered(client_as, three_people, tri, expected):
    assert names(client_as("CPIP_A").get(CASELOAD, {"tri": tri})) == expected


def test_sort_links_toggle_the_direction_and_keep_the_filters(client_as, three_people):
    response = client_as("CPIP_A").get(CASELOAD, {"tri": "liberation", "status": PathwayStatus.EXITED})

    columns = response.context["columns"]
    assert columns["liberation"]["sort"] == "ascending"
    assert "tri=-liberation" in columns["liberation"]["url"] and "status=EXITED" in columns["liberation"]["url"]
    assert "tri=nom" in columns["nom"]["url"] and columns["nom"]["sort"] == ""
    assert 'aria-sort="ascending"' in page_text(response)


def test_caseload_shows_20_people_then_the_rest_on_page_2(client_as, scope_a):
    for number in range(1, 24):
        candidacy(scope_a.programme, participant__last_name=f"Personne{number:02d}")
    client = client_as("CPIP_A")

    first = client.get(CASELOAD)
    second = client.get(CASELOAD, {"page": 2})

    assert names(first)[0] == "Personne01" and names(first)[-1] == "Personne20" and len(names(first)) == 20
    assert names(second) == ["Personne21", "Personne22", "Personne23"]
    assert "Page 2 sur 2" in page_text(second)


# --- Page content -------------------------------------------------------------------------------------


def test_empty_caseload_says_so(client_as, scope_a):
    text = page_text(client_as("CPIP_A").get(CASELOAD))

    assert "Aucun participant pour l'instant" in text


def test_filters_that_match_nobody_say_so(client_as, scope_a):
    candidacy(scope_a.programme, participant__last_name="Martin")

    text = page_text(search(client_as("CPIP_A"), "Personne"))

    assert "Aucune personne ne correspond à ces filtres" in text


def test_live_filter_answers_the_results_only(client_as, scope_a):
    candidacy(scope_a.programme, participant__last_name="Martin")

    response = client_as("CPIP_A").post(CASELOAD, {"q": "mar", "tri": "-nom"}, HTTP_HX_REQUEST="true", follow=True)

    text = page_text(response)
    assert "MARTIN" in text
    assert "<h1" not in text
    assert 'name="tri" value="-nom" form="filtres-participants"' in text  # the filter form keeps the sort


def test_row_shows_the_current_pathway_and_the_release_countdown(client_as, scope_a):
    candidacy(scope_a.programme, participant__last_name="Martin", participant__ecrou="4567",
              participant__expected_release_date=today() + datetime.timedelta(days=12))

    text = page_text(client_as("CPIP_A").get(CASELOAD))

    assert "MARTIN Camille" in text and "4567" in text
    assert "Candidat·e" in text and "ALPHA-1" in text
    assert "dans 12 jours" in text


@pytest.mark.parametrize(
    ("persona", "may_create", "may_import"),
    [
        ("CPIP_A", True, True),
        ("SPIP_MANAGER_A", True, True),
        ("ADMIN", True, True),
        ("SIAE_DIRECTOR_A", False, True),
        ("SIAE_STAFF_A", False, False),
        ("ESTABLISHMENT_STAFF_A", False, False),
    ],
)
def test_new_participant_and_import_buttons_follow_the_role(client_as, scope_a, persona, may_create, may_import):
    text = page_text(client_as(persona).get(CASELOAD))

    assert (reverse("participants:participant_create") in text) is may_create
    assert (reverse("participants:import_upload") in text) is may_import


# --- Follow-up due dates ------------------------------------------------------------------------------


def test_due_threshold_agrees_with_the_services_due_date_on_every_day_of_two_years():
    """released_on_or_before_for_due (a date to compare in SQL) says "due" exactly when
    services.follow_up_due_on (release + N months, clipped to the month's end) has passed."""
    releases = [datetime.date(2024, 1, 1) + datetime.timedelta(days=n) for n in range(0, 731, 3)]
    releases += [datetime.date(2024, month, 1) - datetime.timedelta(days=1) for month in range(2, 13)]
    for milestone in FollowUpMilestone.values:
        for release in releases:
            pathway = Pathway(exit_on=release, exit_reason=ExitReason.RELEASE_END_OF_SENTENCE)
            due_on = services.follow_up_due_on(pathway, milestone)
            for day in (due_on - datetime.timedelta(days=1), due_on, due_on + datetime.timedelta(days=1)):
                threshold = selectors.released_on_or_before_for_due(day, milestone)
                assert (release <= threshold) is (due_on <= day), (release, milestone, day)


# --- Queries ------------------------------------------------------------------------------------------



@pytest.mark.parametrize("rows", [5, 25])
def test_caseload_query_count_does_not_grow_with_rows(client_as, scope_a, rows, django_assert_num_queries):
    user = counsellor(establishment=scope_a.establishment)
    for number in range(rows):
        pathway = candidacy(scope_a.programme, participant__last_name=f"Personne{number:02d}",
                            participant__counsellor=user, participant__quartier=scope_a.quartier)
        if number % 2:
            services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    client = client_as("CPIP_A")

    # + the programmes offered by the filter form
    # + COUNT of the people in scope (paginator)
    # + one page of people with establishment, quartier and counsellor joined, and their latest pathway's
    #   id, status and programme, and whether a follow-up is due, as subqueries
    # + the access-log row of the page (audit: a list of named people)
    with django_assert_num_queries(PAGE_FRAME + 4):
        response = client.get(CASELOAD)

    assert response.status_code == 200
    assert len(response.context["object_list"]) == min(rows, 20)


@pytest.mark.parametrize("tri", ["", "statut", "-statut"])
def test_a_later_page_lists_the_rows_that_follow_with_their_status(client_as, scope_a, tri):
    """Pages after the first are read in two steps (selectors.CaseloadQuerySet): the rows that follow the first
    page's, in the same order, each with its own current pathway."""
    user = counsellor(establishment=scope_a.establishment)
    people = []
    for number in range(23):
        pathway = candidacy(scope_a.programme, participant__last_name=f"Personne{number:02d}",
                            participant__counsellor=user)
        if number % 3 == 0:
            pathway = services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
        people.append((f"Personne{number:02d}", pathway.status))
    client = client_as("CPIP_A")

    shown = [(participant.last_name, participant.current_status) for page in (1, 2)
             for participant in client.get(CASELOAD, {"tri": tri, "page": page}).context["object_list"]]

    rank = {"": lambda row: row[0], "statut": lambda row: (selectors.STATUS_ORDER.index(row[1]), row[0]),
            "-statut": lambda row: (-selectors.STATUS_ORDER.index(row[1]), row[0])}[tri]
    assert shown == sorted(people, key=rank)


@pytest.mark.parametrize("rows", [5, 25])
def test_caseload_export_query_count_does_not_grow_with_rows(client_as, scope_a, rows, django_assert_num_queries):
    for number in range(rows):
        candidacy(scope_a.programme, participant__last_name=f"Personne{number:02d}")
    client = client_as("CPIP_A")

    # A file, not a page: no choice list of the filter form loaded.
    # the session, the user, their organisation, the second-factor device
    # + every person of the filtered list, with what the page shows joined or as subqueries
    # + the access-log row of the export (audit)
    # (the session is not written: at most once a minute, accounts.sessions.renew_when_due)
    with django_assert_num_queries(4 + 1 + 1):
        response = client.get(CASELOAD, {"format": "csv"})

    assert response.content.decode().count("\n") == rows + 1
