"""The candidate board's all-or-nothing actions without HTTP (participants.session_services): the pages are in
test_session_pages.py."""

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS

from participants import session_services
from participants.enums import PathwayStatus, SessionDecision
from participants.models import Pathway
from tests.participants.factories import ParticipantFactory, PathwayFactory, RecruitmentSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(scope_a):
    return RecruitmentSessionFactory(programme=scope_a.programme, date=datetime.date(2025, 3, 4))


def candidate(session, last_name) -> Pathway:
    participant = ParticipantFactory(establishment=session.programme.establishment, last_name=last_name)
    return PathwayFactory(programme=session.programme, participant=participant, session=session)


def test_adding_people_makes_one_candidacy_each_and_says_how_many(session, scope_a):
    people = [ParticipantFactory(establishment=scope_a.establishment, last_name=f"Nouveau{n}") for n in range(2)]

    added = session_services.session_add_candidates(session=session, participants=people, by=None)

    assert added == 2
    assert set(Pathway.objects.filter(session=session).values_list("participant", "status")) == {
        (person.pk, PathwayStatus.CANDIDATE) for person in people}


def test_a_person_who_may_not_be_added_names_them_and_adds_nobody(session, scope_a):
    staying = ParticipantFactory(establishment=scope_a.establishment, last_name="Reste")
    leaving = ParticipantFactory(establishment=scope_a.establishment, last_name="Parti",
                                 stay_ended_on=datetime.date(2025, 3, 1))

    with pytest.raises(session_services.BulkRefused) as refused:
        session_services.session_add_candidates(session=session, participants=[staying, leaving], by=None)

    assert [person for person, _texts in refused.value.people] == [leaving]
    assert refused.value.shared is None
    assert not Pathway.objects.exists()


def test_a_refusal_shared_by_everybody_is_said_once_under_the_actions_argument(session):
    pathways = [candidate(session, name) for name in ["Un", "Deux"]]

    with pytest.raises(session_services.BulkRefused) as refused:
        session_services.session_decide(pathways=pathways, decision=SessionDecision.NOT_SELECTED, reason="",
                                        versions={}, by=None)

    assert refused.value.people == []
    assert refused.value.shared.message_dict == {"reason": ["Indiquez le motif de la non-sélection."]}
    assert set(Pathway.objects.values_list("status", flat=True)) == {PathwayStatus.CANDIDATE}


def test_a_session_whose_commission_is_to_come_refuses_every_decision_once_as_a_whole(scope_a):
    session = RecruitmentSessionFactory(programme=scope_a.programme, date=datetime.date(2099, 1, 4))
    pathways = [candidate(session, name) for name in ["Un", "Deux"]]

    with pytest.raises(session_services.BulkRefused) as refused:
        session_services.session_decide(pathways=pathways, decision=SessionDecision.SELECTED, reason="",
                                        versions={}, by=None)

    assert list(refused.value.shared.message_dict) == [NON_FIELD_ERRORS]
    assert len(refused.value.shared.message_dict[NON_FIELD_ERRORS]) == 1


def test_a_stale_version_names_the_person_as_a_conflict_and_decides_nobody(session):
    first, second = candidate(session, "Premier"), candidate(session, "Second")

    with pytest.raises(session_services.BulkRefused) as refused:
        session_services.session_decide(pathways=[first, second], decision=SessionDecision.SELECTED, reason="",
                                        versions={first.pk: first.version, second.pk: second.version - 1}, by=None)

    [(person, texts)] = refused.value.people
    assert person == second.participant and "modifiée par quelqu'un d'autre" in texts[0]
    assert set(Pathway.objects.values_list("status", flat=True)) == {PathwayStatus.CANDIDATE}


def test_deciding_for_several_candidates_says_how_many(session):
    pathways = [candidate(session, name) for name in ["Un", "Deux", "Trois"]]

    decided = session_services.session_decide(pathways=pathways, decision=SessionDecision.SELECTED, reason="",
                                              versions={p.pk: p.version for p in pathways}, by=None)

    assert decided == 3
    assert set(Pathway.objects.values_list("status", flat=True)) == {PathwayStatus.SELECTED}
