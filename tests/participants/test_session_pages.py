"""Recruitment session pages: the list and its counts, the form, the candidate board, adding candidates and
the bulk decisions (participants/session_views.py)."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from participants import services
from participants.enums import PathwayStatus, SessionDecision
from participants.models import Pathway, PathwayLog, RecruitmentSession
from tests.accounts.pages import option_labels, page_text
from tests.participants.factories import (
    ParticipantFactory,
    PathwayFactory,
    RecruitmentSessionFactory,
    exited_pathway,
    pathway_in_workshop,
    selected_pathway,
)
from tests.programmes.factories import ProgrammeFactory
from tests.programmes.test_list_queries import PAGE_FRAME

pytestmark = pytest.mark.django_db

LIST = reverse("participants:session_list")
CREATE = reverse("participants:session_create")
PAST = datetime.date(2025, 3, 4)


def detail(session):
    return reverse("participants:session_detail", args=[session.pk])


def decide_url(session):
    return reverse("participants:session_decide", args=[session.pk])


def add_url(session):
    return reverse("participants:session_add_candidates", args=[session.pk])


def session_of(scope, **kwargs) -> RecruitmentSession:
    return RecruitmentSessionFactory(programme=scope.programme, **{"date": PAST, **kwargs})


def candidate(session, last_name, **participant_kwargs) -> Pathway:
    participant = ParticipantFactory(establishment=session.programme.establishment, last_name=last_name,
                                     **participant_kwargs)
    return PathwayFactory(programme=session.programme, participant=participant, session=session)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def follow_text(client, response) -> str:
    return page_text(client.get(response.url))


# --- List -----------------------------------------------------------------------------------------------


def full_board(session) -> dict:
    """One person in every column, and later steps in "Retenu·es": 7 candidates, 4 selected, 2 entered."""
    pending = candidate(session, "Attente")
    selected = selected_pathway(session=session, programme=session.programme,
                                participant=ParticipantFactory(establishment=session.programme.establishment,
                                                               last_name="Retenu"))
    in_workshop = pathway_in_workshop(session=session, programme=session.programme,
                                      participant=ParticipantFactory(establishment=session.programme.establishment,
                                                                     last_name="Atelier"))
    exited = exited_pathway(session=session, programme=session.programme,
                            participant=ParticipantFactory(establishment=session.programme.establishment,
                                                           last_name="Sorti"))
    refused = services.pathway_decide(pathway=candidate(session, "Refuse"), decision=SessionDecision.NOT_SELECTED,
                                      reason="Projet de sortie incompatible avec les horaires", by=None)
    withdrawn = services.pathway_decide(pathway=candidate(session, "Desiste"), decision=SessionDecision.WITHDRAWN,
                                        by=None)
    late = services.pathway_withdraw(pathway=selected_pathway(
        session=session, programme=session.programme,
        participant=ParticipantFactory(establishment=session.programme.establishment, last_name="Tardif")),
        on=session.date, by=None)
    return {"pending": pending, "selected": selected, "in_workshop": in_workshop, "exited": exited,
            "refused": refused, "withdrawn": withdrawn, "late": late}


def test_list_counts_each_sessions_candidates_by_column(client_as, scope_a):
    session = session_of(scope_a)
    full_board(session)
    session_of(scope_a, date=datetime.date(2025, 6, 2))

    response = client_as("CPIP_A").get(LIST)

    rows = {s.date: s for s in response.context["object_list"]}
    counted = rows[session.date]
    assert (counted.candidate_count, counted.selected_count, counted.not_selected_count, counted.withdrawn_count,
            counted.entered_count) == (7, 3, 1, 2, 2)
    assert rows[datetime.date(2025, 6, 2)].candidate_count == 0
    assert list(rows) == [datetime.date(2025, 6, 2), session.date]  # latest first
    text = page_text(response)
    assert "04/03/2025" in text and "ALPHA-1" in text
    assert re.search(r'<td class="app-num">7</td>\s*<td class="app-num">3</td>\s*<td class="app-num">1</td>\s*'
                     r'<td class="app-num">2</td>\s*<td class="app-num">2</td>', text)


def test_list_shows_only_the_sessions_of_the_users_scope(client_as, scope_a, scope_b):
    session_of(scope_a)
    session_of(scope_b, date=datetime.date(2025, 5, 5))

    text = page_text(client_as("SIAE_STAFF_B").get(LIST))

    assert "BRAVO-1" in text and "05/05/2025" in text
    assert "ALPHA-1" not in text and "04/03/2025" not in text


def test_list_filters_by_programme_and_year(client_as, scope_a):
    other = ProgrammeFactory(code="ALPHA-2", siae=scope_a.siae, establishment=scope_a.establishment)
    session_of(scope_a, date=datetime.date(2024, 9, 9))
    session_of(scope_a, date=datetime.date(2025, 9, 9))
    RecruitmentSessionFactory(programme=other, date=datetime.date(2025, 10, 10))
    client = client_as("CPIP_A")

    by_year = client.get(LIST, {"year": "2025"}).context["object_list"]
    by_programme = client.get(LIST, {"programme": other.pk}).context["object_list"]

    assert [s.date for s in by_year] == [datetime.date(2025, 10, 10), datetime.date(2025, 9, 9)]
    assert [s.programme.code for s in by_programme] == ["ALPHA-2"]
    assert option_labels(client.get(LIST), "year") == ["Toutes", "2025", "2024"]


def test_the_filter_form_gets_only_the_results_back_through_htmx(client_as, scope_a):
    session_of(scope_a)

    response = client_as("CPIP_A").get(LIST, {"year": "2025"}, headers={"HX-Request": "true"})

    text = page_text(response)
    assert "04/03/2025" in text
    assert "<h1" not in text and "<html" not in text
    assert [t.name for t in response.templates][0] == "participants/includes/_session_results.html"


def test_list_says_when_there_is_no_session_yet_and_offers_to_create_one(client_as, scope_a):
    text = page_text(client_as("SIAE_STAFF_A").get(LIST))

    assert "Aucune session de recrutement pour l'instant." in text
    assert f'href="{CREATE}"' in text


def test_establishment_staff_read_the_list_without_the_create_button(client_as, scope_a):
    session_of(scope_a)

    text = page_text(client_as("ESTABLISHMENT_STAFF_A").get(LIST))

    assert "04/03/2025" in text
    assert "Nouvelle session" not in text and f'href="{CREATE}"' not in text


def test_list_says_when_filters_match_nothing(client_as, scope_a):
    session_of(scope_a)
    other = ProgrammeFactory(code="ALPHA-2", siae=scope_a.siae, establishment=scope_a.establishment)

    text = page_text(client_as("CPIP_A").get(LIST, {"programme": other.pk}))

    assert "04/03/2025" not in text
    assert "Aucune session ne correspond à ces filtres dans votre périmètre." in text


@pytest.mark.parametrize("name", ["DISP_STAFF_A", "DREETS_STAFF_A", "NATIONAL"])
def test_roles_that_do_not_read_names_see_no_session(client_as, scope_a, name):
    session_of(scope_a)

    text = page_text(client_as(name).get(LIST))

    assert "04/03/2025" not in text
    assert "Aucune session de recrutement pour l'instant." in text




@pytest.mark.parametrize("rows", [2, 12])
def test_list_query_count_does_not_grow_with_sessions_or_candidates(client_as, scope_a, rows,
                                                                   django_assert_num_queries):
    for n in range(rows):
        session = session_of(scope_a, date=PAST + datetime.timedelta(days=n))
        for m in range(3):
            candidate(session, f"Nom{n}x{m}")
    client = client_as("CPIP_A")

    # + programmes offered by the filter form
    # + years offered by the filter form
    # + COUNT of the sessions (paginator)
    # + one page of sessions with programme, SIAE and establishment joined, and their candidates counted
    with django_assert_num_queries(PAGE_FRAME + 4):
        response = client.get(LIST)

    assert response.context["paginator"].count == rows


# --- Create and update ----------------------------------------------------------------------------------


def test_cpip_creates_a_session_for_a_programme_of_their_scope(client_as, scope_a):
    response = client_as("CPIP_A").post(CREATE, {
        "programme": scope_a.programme.pk, "information_meeting_on": "2025-02-10", "interviews_on": "2025-02-20",
        "date": "2025-03-04", "note": "Huit places ouvertes",
    })

    session = RecruitmentSession.objects.get()
    assert response.status_code == 302 and response.url == detail(session)
    assert (session.programme, session.date, session.information_meeting_on, session.note) == (
        scope_a.programme, datetime.date(2025, 3, 4), datetime.date(2025, 2, 10), "Huit places ouvertes")


def test_the_create_form_offers_only_the_programmes_of_the_users_scope(client_as, scope_a, scope_b):
    labels = option_labels(client_as("SIAE_DIRECTOR_A").get(CREATE), "programme")

    assert any(label.startswith("ALPHA-1") for label in labels)
    assert not any("BRAVO" in label for label in labels)


def test_a_programme_of_another_scope_is_refused(client_as, scope_a, scope_b):
    response = client_as("CPIP_A").post(CREATE, {"programme": scope_b.programme.pk, "date": "2025-03-04"})

    assert response.status_code == 200
    assert not RecruitmentSession.objects.exists()
    assert "Sélectionnez un choix valide" in page_text(response)


def field_error(text: str, field: str) -> str:
    """The French error shown beside a field (its fr-messages-group / error paragraph)."""
    match = re.search(rf'id="id_{field}".*?(?:<p|<li)[^>]*class="fr-(?:error-text|message fr-message--error)"[^>]*>'
                      r"\s*(.*?)\s*</", text, re.S)
    return match.group(1) if match else ""


def test_a_second_session_on_the_same_date_is_refused_beside_the_date(client_as, scope_a):
    session_of(scope_a)

    response = client_as("CPIP_A").post(CREATE, {"programme": scope_a.programme.pk, "date": "2025-03-04"})

    assert response.status_code == 200
    assert RecruitmentSession.objects.count() == 1
    assert response.context["form"].errors == {"date": ["Ce programme a déjà une session de recrutement à cette date."]}
    assert field_error(page_text(response), "date") == "Ce programme a déjà une session de recrutement à cette date."


def test_an_information_meeting_after_the_commission_is_refused_beside_its_field(client_as, scope_a):
    response = client_as("CPIP_A").post(CREATE, {
        "programme": scope_a.programme.pk, "date": "2025-03-04", "information_meeting_on": "2025-03-05",
    })

    assert not RecruitmentSession.objects.exists()
    assert response.context["form"].errors == {
        "information_meeting_on": ["L'information collective précède la commission de sélection."]}


def test_update_moves_the_date_and_keeps_the_candidates(client_as, scope_a):
    session = session_of(scope_a)
    pathway = candidate(session, "Garde")

    response = client_as("SIAE_STAFF_A").post(reverse("participants:session_update", args=[session.pk]), {
        "programme": scope_a.programme.pk, "date": "2025-03-06", "interviews_on": "2025-03-01",
    })

    session.refresh_from_db()
    assert response.status_code == 302
    assert (session.date, session.interviews_on) == (datetime.date(2025, 3, 6), datetime.date(2025, 3, 1))
    assert list(session.pathways.all()) == [pathway]


def test_the_programme_of_a_session_with_candidates_does_not_change(client_as, scope_a):
    session = session_of(scope_a)
    candidate(session, "Garde")
    other = ProgrammeFactory(code="ALPHA-2", siae=scope_a.siae, establishment=scope_a.establishment)

    response = client_as("CPIP_A").post(reverse("participants:session_update", args=[session.pk]), {
        "programme": other.pk, "date": "2025-03-04",
    })

    session.refresh_from_db()
    assert session.programme == scope_a.programme
    assert response.context["form"].errors["programme"] == [
        "Cette session a des candidat·es : son programme ne change plus."]


@pytest.mark.parametrize("name", ["ESTABLISHMENT_STAFF_A", "DISP_STAFF_A", "DDETS_STAFF_A", "NATIONAL"])
def test_roles_that_do_not_run_sessions_may_not_create_one(client_as, scope_a, name):
    client = client_as(name)

    response = client.post(CREATE, {"programme": scope_a.programme.pk, "date": "2025-03-04"})

    assert client.get(CREATE).status_code == response.status_code == 403
    assert not RecruitmentSession.objects.exists()


# --- The board ------------------------------------------------------------------------------------------


def column_of(response, key) -> list[str]:
    column = next(c for c in response.context["columns"] if c["key"] == key)
    return [p.participant.last_name for p in column["pathways"]]


def test_the_board_puts_each_person_in_their_column(client_as, scope_a):
    session = session_of(scope_a)
    board = full_board(session)

    response = client_as("CPIP_A").get(detail(session))

    assert response.status_code == 200
    assert column_of(response, "candidates") == ["Attente"]
    assert column_of(response, "selected") == ["Atelier", "Retenu", "Sorti"]
    assert column_of(response, "not_selected") == ["Refuse"]
    assert column_of(response, "withdrawn") == ["Desiste", "Tardif"]
    text = page_text(response)
    for heading in ["Candidat·es", "Retenu·es", "Non retenu·es", "Désisté·es"]:
        assert re.search(rf"<h3[^>]*>{heading} <span", text)
    assert ">En atelier</p>" in text and ">Sorti·e</p>" in text
    assert "Motif : Projet de sortie incompatible avec les horaires" in text
    assert "Retenu·e, puis désisté·e le 04/03/2025" in text
    participant = board["pending"].participant
    assert f"Écrou {participant.ecrou}" in text
    assert f'href="{reverse("participants:participant_detail", args=[participant.pk])}"' in text


def test_editors_get_checkboxes_and_both_forms(client_as, scope_a):
    session = session_of(scope_a)
    pending = candidate(session, "Attente")
    # SIAE staff see the people with a pathway in their programmes: one who was not selected last year
    services.pathway_decide(pathway=candidate(session_of(scope_a, date=datetime.date(2024, 3, 4)), "Ancien"),
                            decision=SessionDecision.NOT_SELECTED, reason="Trop tôt", by=None)

    text = page_text(client_as("SIAE_STAFF_A").get(detail(session)))

    assert f'name="pathways" value="{pending.pk}" form="decision-form"' in text
    assert f'action="{decide_url(session)}"' in text
    assert f'action="{add_url(session)}"' in text
    assert "Tout sélectionner" in text and "js/session_board.js" in text


def test_establishment_staff_read_the_board_without_any_form(client_as, scope_a):
    session = session_of(scope_a)
    pending = candidate(session, "Attente")

    text = page_text(client_as("ESTABLISHMENT_STAFF_A").get(detail(session)))

    assert "ATTENTE Camille" in text and f"Écrou {pending.participant.ecrou}" in text
    assert 'name="pathways"' not in text
    assert decide_url(session) not in text and add_url(session) not in text
    assert "Modifier la session" not in text


@pytest.mark.parametrize("name", ["DISP_STAFF_A", "DDETS_STAFF_A", "NATIONAL", "CPIP_B", "SIAE_STAFF_B"])
def test_roles_without_names_and_other_scopes_get_404_on_the_board(client_as, scope_a, scope_b, name):
    session = session_of(scope_a)
    candidate(session, "Attente")

    response = client_as(name).get(detail(session))

    assert response.status_code == 404
    assert "ATTENTE" not in page_text(response)


def test_a_session_in_the_future_says_decisions_come_after_the_commission(client_as, scope_a):
    session = session_of(scope_a, date=timezone.localdate() + datetime.timedelta(days=10))
    candidate(session, "Attente")
    ParticipantFactory(establishment=scope_a.establishment, last_name="Libre")

    text = page_text(client_as("CPIP_A").get(detail(session)))

    assert "les décisions s'enregistreront à partir de cette date" in text
    assert decide_url(session) not in text
    assert add_url(session) in text  # candidates may be added ahead of the commission


def test_a_session_without_candidates_says_so(client_as, scope_a):
    text = page_text(client_as("CPIP_A").get(detail(session_of(scope_a))))

    assert "Aucun·e candidat·e pour l'instant." in text
    assert "Aucune personne à ajouter pour l'instant" in text


@pytest.mark.parametrize("people", [1, 8])
def test_board_query_count_does_not_grow_with_candidates(client_as, scope_a, people, django_assert_num_queries):
    session = session_of(scope_a)
    for n in range(people):
        candidate(session, f"Nom{n}")
        ParticipantFactory(establishment=scope_a.establishment, last_name=f"Libre{n}")
    client = client_as("CPIP_A")

    # + the session, with programme, SIAE and establishment
    # + its pathways in scope, with participant and quartier
    # + the people who may be added, with their quartier
    # + the access-log row of the page (audit: the board names the candidates)
    with django_assert_num_queries(PAGE_FRAME + 4):
        response = client.get(detail(session))

    assert response.context["candidate_total"] == people


# --- Adding candidates ----------------------------------------------------------------------------------


def test_the_add_form_lists_only_people_present_without_an_open_pathway(client_as, scope_a, scope_b):
    session = session_of(scope_a)
    free = ParticipantFactory(establishment=scope_a.establishment, last_name="Libre")
    candidate(session, "Deja")
    ParticipantFactory(establishment=scope_a.establishment, last_name="Parti",
                       stay_ended_on=datetime.date(2025, 1, 2))
    ParticipantFactory(establishment=scope_b.establishment, last_name="Ailleurs")
    closed = services.pathway_decide(pathway=candidate(session_of(scope_a, date=datetime.date(2024, 3, 4)),
                                                       "Refuse"),
                                     decision=SessionDecision.NOT_SELECTED, reason="Trop tôt", by=None)

    eligible = client_as("CPIP_A").get(detail(session)).context["eligible"]

    assert [p.last_name for p in eligible] == ["Libre", "Refuse"]
    assert free in eligible and closed.participant in eligible


def test_adding_three_people_makes_three_candidacies_logged(client_as, scope_a):
    session = session_of(scope_a)
    people = [ParticipantFactory(establishment=scope_a.establishment, last_name=f"Nouveau{n}") for n in range(3)]
    client = client_as("CPIP_A")

    response = client.post(add_url(session), {"participants": [p.pk for p in people]})

    assert response.status_code == 302 and response.url == detail(session) + "#tableau"
    assert messages_of(response) == ["3 candidat·es ajouté·es à la session."]
    pathways = Pathway.objects.filter(session=session)
    assert {p.participant for p in pathways} == set(people)
    assert {p.status for p in pathways} == {PathwayStatus.CANDIDATE}
    assert PathwayLog.objects.filter(pathway__session=session, transition="CREATE").count() == 3


def test_a_candidacy_saved_without_a_session_is_listed_and_attached_not_doubled(client_as, scope_a, personas):
    """Issue 18, §5: such a candidacy never appeared in « Ajouter des candidat·es »."""
    session = session_of(scope_a)
    waiting = services.pathway_create(participant=ParticipantFactory(establishment=scope_a.establishment,
                                                                     last_name="Attente"),
                                      programme=scope_a.programme, session=None, by=personas["CPIP_A"])
    elsewhere = candidate(session_of(scope_a, date=PAST - datetime.timedelta(days=30)), "Ailleurs")
    client = client_as("CPIP_A")

    page = client.get(detail(session))
    response = client.post(add_url(session), {"participants": [waiting.participant.pk]})

    assert [p.last_name for p in page.context["eligible"]] == ["Attente"]  # not the one already in a session
    assert "Candidature enregistrée sans session" in page_text(page) and elsewhere.participant.last_name not in [
        p.last_name for p in page.context["eligible"]]
    assert messages_of(response) == ["1 candidat·e ajouté·e à la session."]
    assert list(Pathway.objects.filter(participant=waiting.participant).values_list("pk", "session")) == [
        (waiting.pk, session.pk)]


def test_attaching_a_candidacy_that_has_a_decision_is_refused_and_writes_nothing(scope_a, personas):
    session = session_of(scope_a)
    decided = candidate(session_of(scope_a, date=PAST - datetime.timedelta(days=30)), "Decide")

    with pytest.raises(ValidationError, match="déjà rattachée à une session"):
        services.pathway_join_session(pathway=decided, session=session, by=personas["CPIP_A"])

    decided.refresh_from_db()
    assert decided.session != session


def test_adding_nobody_sends_back_to_the_session_with_a_french_error(client_as, scope_a):
    session = session_of(scope_a)

    response = client_as("CPIP_A").post(add_url(session), {})

    assert response.status_code == 302 and response.url == detail(session) + "#tableau"
    assert messages_of(response) == ["Cochez au moins une personne à ajouter comme candidat·e."]


def test_a_person_who_left_meanwhile_makes_the_whole_addition_fail(client_as, scope_a):
    session = session_of(scope_a)
    staying = ParticipantFactory(establishment=scope_a.establishment, last_name="Reste")
    leaving = ParticipantFactory(establishment=scope_a.establishment, last_name="Parti")
    leaving.stay_ended_on = datetime.date(2025, 3, 1)
    leaving.save()

    response = client_as("CPIP_A").post(add_url(session), {"participants": [staying.pk, leaving.pk]})

    assert response.status_code == 200
    assert not Pathway.objects.exists()
    text = page_text(response)
    assert "Rien n'a été enregistré" in text
    assert "ne peut plus être ajoutée" in text
    assert f'value="{staying.pk}" id="ajout-{staying.pk}" checked' in text  # the selection is kept


def test_a_service_refusal_names_the_person_and_adds_nobody(client_as, scope_a, monkeypatch):
    """A refusal the list could not foresee (here: the service refuses one person) undoes every addition."""
    session = session_of(scope_a)
    first = ParticipantFactory(establishment=scope_a.establishment, last_name="Premier")
    second = ParticipantFactory(establishment=scope_a.establishment, last_name="Second")
    real_create = services.pathway_create

    def refuse_second(*, participant, **kwargs):
        if participant == second:
            raise ValidationError({"programme": "Cette personne a quitté l'établissement le 01/03/2025."})
        return real_create(participant=participant, **kwargs)

    monkeypatch.setattr(services, "pathway_create", refuse_second)

    response = client_as("CPIP_A").post(add_url(session), {"participants": [first.pk, second.pk]})

    assert response.status_code == 200
    assert not Pathway.objects.exists()
    assert "<strong>SECOND Camille</strong> : Cette personne a quitté l'établissement le 01/03/2025." in page_text(
        response)


def test_a_concurrent_candidacy_for_the_same_person_adds_nobody(client_as, scope_a, monkeypatch):
    """Two counsellors adding the same person at the same moment: the database refuses the second one."""
    session = session_of(scope_a)
    first = ParticipantFactory(establishment=scope_a.establishment, last_name="Premier")
    second = ParticipantFactory(establishment=scope_a.establishment, last_name="Second")
    real_create = services.pathway_create

    def collide_on_second(*, participant, **kwargs):
        if participant == second:
            raise IntegrityError("pathway_one_open_per_participant_and_programme")
        return real_create(participant=participant, **kwargs)

    monkeypatch.setattr(services, "pathway_create", collide_on_second)

    response = client_as("CPIP_A").post(add_url(session), {"participants": [first.pk, second.pk]})

    assert response.status_code == 200
    assert not Pathway.objects.exists()
    assert "<strong>SECOND Camille</strong> : quelqu'un d'autre l'a enregistrée au même moment" in page_text(response)


def test_establishment_staff_may_not_add_candidates(client_as, scope_a):
    session = session_of(scope_a)
    person = ParticipantFactory(establishment=scope_a.establishment)

    response = client_as("ESTABLISHMENT_STAFF_A").post(add_url(session), {"participants": [person.pk]})

    assert response.status_code == 403
    assert not Pathway.objects.exists()


# --- Bulk decisions -------------------------------------------------------------------------------------


def test_three_candidates_selected_at_once(client_as, scope_a):
    session = session_of(scope_a)
    pathways = [candidate(session, name) for name in ["Un", "Deux", "Trois"]]
    untouched = candidate(session, "Quatre")
    client = client_as("CPIP_A")

    response = client.post(decide_url(session), {
        "pathways": [p.pk for p in pathways], "decision": SessionDecision.SELECTED,
        **{f"version-{p.pk}": p.version for p in pathways},
    })

    assert response.status_code == 302 and response.url == detail(session) + "#tableau"
    assert messages_of(response) == ["3 décisions enregistrées (retenu·e)."]
    assert {p.status for p in Pathway.objects.filter(pk__in=[p.pk for p in pathways])} == {PathwayStatus.SELECTED}
    untouched.refresh_from_db()
    assert untouched.status == PathwayStatus.CANDIDATE
    assert PathwayLog.objects.filter(transition="DECIDE").count() == 3


def test_not_selected_with_a_reason_records_the_reason_for_each(client_as, scope_a):
    session = session_of(scope_a)
    pathways = [candidate(session, name) for name in ["Un", "Deux"]]

    client_as("SIAE_DIRECTOR_A").post(decide_url(session), {
        "pathways": [p.pk for p in pathways], "decision": SessionDecision.NOT_SELECTED,
        "reason": "Places pourvues",
    })

    assert set(Pathway.objects.values_list("status", "decision_reason")) == {
        (PathwayStatus.NOT_SELECTED, "Places pourvues")}


def test_not_selected_without_a_reason_changes_nothing_and_says_so_beside_the_reason(client_as, scope_a):
    session = session_of(scope_a)
    pathways = [candidate(session, name) for name in ["Un", "Deux"]]

    response = client_as("CPIP_A").post(decide_url(session), {
        "pathways": [p.pk for p in pathways], "decision": SessionDecision.NOT_SELECTED, "reason": "  ",
    })

    assert response.status_code == 200
    assert set(Pathway.objects.values_list("status", flat=True)) == {PathwayStatus.CANDIDATE}
    assert response.context["decision_form"].errors["reason"] == ["Indiquez le motif de la non-sélection."]
    text = page_text(response)
    assert text.count("Indiquez le motif de la non-sélection.") == 2  # in the summary and beside the field
    assert f'value="{pathways[0].pk}" form="decision-form" data-board-pick checked' in text


def test_one_invalid_person_leaves_everyone_unchanged_and_is_named(client_as, scope_a):
    session = session_of(scope_a)
    first = candidate(session, "Premier")
    stale = candidate(session, "Deja")
    second = candidate(session, "Second")
    # Someone else records a decision for "Deja" after the page was opened.
    services.pathway_decide(pathway=stale, decision=SessionDecision.WITHDRAWN, by=None)

    response = client_as("CPIP_A").post(decide_url(session), {
        "pathways": [first.pk, stale.pk, second.pk], "decision": SessionDecision.SELECTED,
    })

    assert response.status_code == 200
    statuses = dict(Pathway.objects.values_list("participant__last_name", "status"))
    assert statuses == {"Premier": PathwayStatus.CANDIDATE, "Deja": PathwayStatus.WITHDRAWN,
                        "Second": PathwayStatus.CANDIDATE}
    text = page_text(response)
    assert "Rien n'a été enregistré" in text
    assert ("<strong>DEJA Camille</strong> : Le parcours est « Désisté·e » : l'étape « Décision de la commission "
            "de sélection » n'est possible que depuis « Candidat·e ».") in text
    assert "PREMIER Camille</strong>" not in text
    assert [participant for participant, _texts in response.context["person_errors"]] == [stale.participant]


def test_a_candidate_changed_since_the_page_was_opened_is_named_as_a_conflict(client_as, scope_a):
    session = session_of(scope_a)
    first, second = candidate(session, "Premier"), candidate(session, "Second")
    versions = {f"version-{p.pk}": p.version for p in [first, second]}
    Pathway.objects.filter(pk=second.pk).update(version=second.version + 1)  # saved by someone else meanwhile

    response = client_as("CPIP_A").post(decide_url(session), {
        "pathways": [first.pk, second.pk], "decision": SessionDecision.SELECTED, **versions,
    })

    assert set(Pathway.objects.values_list("status", flat=True)) == {PathwayStatus.CANDIDATE}
    assert ("<strong>SECOND Camille</strong> : sa fiche a été modifiée par quelqu'un d'autre pendant votre saisie"
            in page_text(response))


def test_a_decision_before_the_commission_date_is_refused_by_the_service(client_as, scope_a):
    session = session_of(scope_a, date=timezone.localdate() + datetime.timedelta(days=3))
    pending = candidate(session, "Attente")

    response = client_as("CPIP_A").post(decide_url(session), {
        "pathways": [pending.pk], "decision": SessionDecision.SELECTED,
    })

    pending.refresh_from_db()
    assert pending.status == PathwayStatus.CANDIDATE
    assert response.status_code == 200
    assert "La commission de sélection ne peut pas être dans le futur" in page_text(response)


def test_deciding_for_nobody_sends_back_with_a_french_error(client_as, scope_a):
    session = session_of(scope_a)
    candidate(session, "Attente")

    response = client_as("CPIP_A").post(decide_url(session), {"decision": SessionDecision.SELECTED})

    assert response.status_code == 302
    assert messages_of(response) == ["Cochez au moins une personne sur le tableau avant d'enregistrer une décision."]


def test_a_decision_without_choice_is_refused_in_french(client_as, scope_a):
    session = session_of(scope_a)
    pending = candidate(session, "Attente")

    response = client_as("CPIP_A").post(decide_url(session), {"pathways": [pending.pk]})

    assert response.status_code == 200
    assert response.context["decision_form"].errors["decision"] == [
        "Choisissez une décision : retenu·e, non retenu·e ou désisté·e."]


def test_a_pathway_of_another_session_cannot_be_decided_from_this_one(client_as, scope_a):
    session = session_of(scope_a)
    elsewhere = candidate(session_of(scope_a, date=datetime.date(2024, 3, 4)), "Ailleurs")

    response = client_as("CPIP_A").post(decide_url(session), {
        "pathways": [elsewhere.pk], "decision": SessionDecision.SELECTED,
    })

    elsewhere.refresh_from_db()
    assert elsewhere.status == PathwayStatus.CANDIDATE
    assert "n'est plus candidate à cette session" in page_text(response)


@pytest.mark.parametrize(("name", "status"), [
    ("ESTABLISHMENT_STAFF_A", 403), ("DISP_STAFF_A", 404), ("NATIONAL", 404), ("CPIP_B", 404),
])
def test_decisions_are_refused_to_readers_and_outsiders(client_as, scope_a, scope_b, name, status):
    session = session_of(scope_a)
    pending = candidate(session, "Attente")

    response = client_as(name).post(decide_url(session), {
        "pathways": [pending.pk], "decision": SessionDecision.SELECTED,
    })

    pending.refresh_from_db()
    assert response.status_code == status
    assert pending.status == PathwayStatus.CANDIDATE
