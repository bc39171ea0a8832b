"""The database itself refuses bad participant and pathway rows, even from code that skips the services;
and the tables have no place for what must never be stored (docs/domain.md §10.1)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from participants.enums import EventKind, ExitReason, FollowUpMilestone, Outcome, PathwayStatus, SuspensionReason
from participants.models import (
    AccompanimentEvent,
    FollowUp,
    Participant,
    Pathway,
    RecruitmentSession,
    Suspension,
)
from tests.participants.factories import ParticipantFactory, PathwayFactory, RecruitmentSessionFactory
from tests.programmes.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 3, 3)


def refused(create):
    """The write raises IntegrityError and leaves nothing behind."""
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


# --- Participants ---------------------------------------------------------------------------------------------


def test_database_refuses_two_present_people_with_the_same_ecrou_in_one_establishment():
    first = ParticipantFactory(ecrou="123A")

    refused(lambda: Participant.objects.create(
        establishment=first.establishment, ecrou="00123-a", ecrou_key="123A", last_name="Autre",
        first_names="Personne", birth_date=DAY.replace(year=1980), sex="F"))

    assert Participant.objects.filter(ecrou_key="123A").count() == 1


def test_database_accepts_the_same_ecrou_once_the_first_stay_ended_or_in_another_establishment():
    first = ParticipantFactory(ecrou="123A", stay_ended_on=DAY)

    ParticipantFactory(establishment=first.establishment, ecrou="123A")
    ParticipantFactory(ecrou="123A")

    assert Participant.objects.filter(ecrou_key="123A").count() == 3


def test_database_refuses_to_reopen_a_stay_while_its_ecrou_is_given_to_someone_else():
    left = ParticipantFactory(ecrou="123A", stay_ended_on=DAY)
    ParticipantFactory(establishment=left.establishment, ecrou="123A")

    refused(lambda: Participant.objects.filter(pk=left.pk).update(stay_ended_on=None))

    assert Participant.objects.get(pk=left.pk).stay_ended_on == DAY


def test_database_refuses_an_empty_ecrou_key():
    refused(lambda: ParticipantFactory(ecrou="--", ecrou_key=""))


# --- Recruitment sessions --------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["information_meeting_on", "interviews_on"])
def test_database_refuses_a_session_whose_meeting_or_interviews_follow_the_commission(field):
    programme = ProgrammeFactory()

    refused(lambda: RecruitmentSession.objects.create(programme=programme, date=DAY,
                                                      **{field: DAY + datetime.timedelta(days=1)}))

    RecruitmentSession.objects.create(programme=programme, date=DAY, **{field: DAY})
    assert RecruitmentSession.objects.filter(programme=programme).count() == 1


def test_database_refuses_two_sessions_of_a_programme_on_the_same_day():
    session = RecruitmentSessionFactory(date=DAY)

    refused(lambda: RecruitmentSession.objects.create(programme=session.programme, date=DAY))


# --- Pathways -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("hours", [Decimal("9.5"), Decimal("35.5"), Decimal("0")])
def test_database_refuses_weekly_hours_outside_10_to_35(hours):
    pathway = PathwayFactory(session__date=DAY)

    refused(lambda: Pathway.objects.filter(pk=pathway.pk).update(hours_per_week=hours))

    assert Pathway.objects.get(pk=pathway.pk).hours_per_week is None


@pytest.mark.parametrize("hours", [Decimal("10"), Decimal("35")])
def test_database_accepts_10_and_35_weekly_hours(hours):
    pathway = PathwayFactory(session__date=DAY)

    Pathway.objects.filter(pk=pathway.pk).update(hours_per_week=hours)

    assert Pathway.objects.get(pk=pathway.pk).hours_per_week == hours


def test_database_refuses_an_exit_before_the_entry():
    pathway = PathwayFactory(session__date=DAY, contract_start=DAY, status=PathwayStatus.IN_WORKSHOP)

    refused(lambda: Pathway.objects.filter(pk=pathway.pk).update(
        status=PathwayStatus.EXITED, exit_on=DAY - datetime.timedelta(days=1), exit_reason=ExitReason.OTHER))

    Pathway.objects.filter(pk=pathway.pk).update(status=PathwayStatus.EXITED, exit_on=DAY,
                                                 exit_reason=ExitReason.OTHER, outcome=Outcome.OTHER)
    assert Pathway.objects.get(pk=pathway.pk).exit_on == DAY


def test_database_refuses_an_exited_pathway_without_its_dates():
    refused(lambda: PathwayFactory(session__date=DAY, status=PathwayStatus.EXITED, contract_start=DAY))
    refused(lambda: PathwayFactory(session__date=DAY, status=PathwayStatus.EXITED, exit_on=DAY))


def test_database_refuses_an_assignment_before_the_classification():
    refused(lambda: PathwayFactory(session__date=DAY, status=PathwayStatus.ASSIGNED, classified_on=DAY,
                                   assigned_on=DAY - datetime.timedelta(days=1)))

    PathwayFactory(session__date=DAY, status=PathwayStatus.ASSIGNED, classified_on=DAY, assigned_on=DAY)


@pytest.mark.parametrize("open_status", [PathwayStatus.CANDIDATE, PathwayStatus.SELECTED, PathwayStatus.IN_WORKSHOP,
                                         PathwayStatus.SUSPENDED])
def test_database_refuses_two_open_pathways_of_one_person_in_one_programme(open_status):
    first = PathwayFactory(session__date=DAY)
    count = Pathway.objects.count()

    refused(lambda: Pathway.objects.create(participant=first.participant, programme=first.programme,
                                           status=open_status, contract_start=DAY))

    assert Pathway.objects.count() == count


def test_database_accepts_a_new_pathway_once_the_previous_one_is_closed():
    first = PathwayFactory(session__date=DAY)
    Pathway.objects.filter(pk=first.pk).update(status=PathwayStatus.NOT_SELECTED)

    Pathway.objects.create(participant=first.participant, programme=first.programme)
    Pathway.objects.create(participant=first.participant, programme=ProgrammeFactory(
        establishment=first.programme.establishment))

    assert Pathway.objects.filter(participant=first.participant).count() == 3


def test_database_refuses_to_reopen_a_closed_pathway_beside_an_open_one():
    first = PathwayFactory(session__date=DAY, status=PathwayStatus.WITHDRAWN)
    Pathway.objects.create(participant=first.participant, programme=first.programme)

    refused(lambda: Pathway.objects.filter(pk=first.pk).update(status=PathwayStatus.CANDIDATE))


def test_database_refuses_a_resumption_before_the_suspension():
    pathway = PathwayFactory(session__date=DAY)

    refused(lambda: Suspension.objects.create(pathway=pathway, start=DAY, end=DAY - datetime.timedelta(days=1),
                                              reason=SuspensionReason.OTHER))


# --- Timeline and follow-up --------------------------------------------------------------------------------------


def event(pathway, kind, **kwargs):
    return AccompanimentEvent.objects.create(pathway=pathway, kind=kind, recorded_by_label="Test", **kwargs)


def test_database_refuses_hours_on_an_event_that_is_not_hours_worked():
    pathway = PathwayFactory(session__date=DAY)

    refused(lambda: event(pathway, EventKind.TRAINING, on=DAY, hours=Decimal("3")))

    assert not AccompanimentEvent.objects.exists()


def test_database_refuses_hours_worked_without_hours_or_negative():
    pathway = PathwayFactory(session__date=DAY)

    refused(lambda: event(pathway, EventKind.HOURS_WORKED, on=DAY.replace(day=1)))
    refused(lambda: event(pathway, EventKind.HOURS_WORKED, on=DAY.replace(day=1), hours=Decimal("-1")))

    assert not AccompanimentEvent.objects.exists()


def test_database_refuses_the_hours_of_a_month_twice():
    pathway = PathwayFactory(session__date=DAY)
    event(pathway, EventKind.HOURS_WORKED, on=datetime.date(2025, 4, 1), hours=Decimal("60"))

    refused(lambda: event(pathway, EventKind.HOURS_WORKED, on=datetime.date(2025, 4, 1), hours=Decimal("8")))

    event(pathway, EventKind.HOURS_WORKED, on=datetime.date(2025, 5, 1), hours=Decimal("8"))
    event(PathwayFactory(session__date=DAY), EventKind.HOURS_WORKED, on=datetime.date(2025, 4, 1), hours=Decimal("8"))
    assert AccompanimentEvent.objects.count() == 3


def test_database_accepts_two_other_events_on_the_same_day():
    pathway = PathwayFactory(session__date=DAY)

    event(pathway, EventKind.CIP_INTERVIEW, on=DAY)
    event(pathway, EventKind.CIP_INTERVIEW, on=DAY)

    assert AccompanimentEvent.objects.filter(pathway=pathway).count() == 2


def test_database_refuses_an_event_ending_before_it_starts():
    pathway = PathwayFactory(session__date=DAY)

    refused(lambda: event(pathway, EventKind.PMSMP, on=DAY, end_on=DAY - datetime.timedelta(days=1)))


def follow_up(pathway, milestone=FollowUpMilestone.M3, reached=True, situation=Outcome.DURABLE):
    return FollowUp.objects.create(pathway=pathway, milestone=milestone, reached=reached, contacted_on=DAY,
                                   situation=situation, recorded_by_label="Test")


def test_database_refuses_a_second_follow_up_for_the_same_milestone():
    pathway = PathwayFactory(session__date=DAY)
    follow_up(pathway)

    refused(lambda: follow_up(pathway, reached=False, situation=""))

    follow_up(pathway, milestone=FollowUpMilestone.M6)
    assert FollowUp.objects.filter(pathway=pathway).count() == 2


def test_database_refuses_a_situation_without_contact_and_a_contact_without_situation():
    pathway = PathwayFactory(session__date=DAY)

    refused(lambda: follow_up(pathway, reached=False, situation=Outcome.OTHER))
    refused(lambda: follow_up(pathway, reached=True, situation=""))

    assert not FollowUp.objects.exists()


# --- What is never stored (docs/domain.md §10.1) -------------------------------------------------------------------

# Judicial data that stays in GENESIS/APPI. "peine" is allowed only inside "aménagement(s) de peine", the
# adjustment the SPIP records for planning; "sentence" only inside "sentence adjustment".
FORBIDDEN = re.compile(
    r"infraction|offen[cs]e|d[ée]lit|crime|criminal|condamn|conviction|casier|record_judic|expertis|expert_"
    r"|psychiatr|psycholog|peine|sentence|victim|dps|radicalis",
    re.IGNORECASE,
)
ALLOWED_PHRASES = re.compile(r"aménagements? de peine|sentence[_ ]adjustment", re.IGNORECASE)


def forbidden_words(text: str) -> list[str]:
    return FORBIDDEN.findall(ALLOWED_PHRASES.sub("", text))


def described_fields(model):
    """Each field of ``model`` as its name, its column and its label: what a form or an export would show."""
    return {field.name: f"{field.name} {getattr(field, 'attname', '')} {getattr(field, 'verbose_name', '')}"
            for field in model._meta.get_fields()}


def test_forbidden_word_check_would_catch_a_judicial_field_and_spares_the_adjustment():
    assert forbidden_words("nature_infraction nature de l'infraction") == ["infraction", "infraction"]
    assert forbidden_words("quantum_peine durée de la peine")
    assert forbidden_words("casier judiciaire (bulletin n° 2)")
    assert forbidden_words("rapport d'expertise psychiatrique")
    assert forbidden_words("Offence committed")
    assert forbidden_words("aménagement de peine") == []
    assert forbidden_words("date d'éligibilité à un aménagement de peine") == []


@pytest.mark.parametrize("model", [Participant, Pathway, AccompanimentEvent, FollowUp, Suspension])
def test_no_field_holds_the_offence_sentence_criminal_record_or_expert_reports(model):
    fields = described_fields(model)

    assert {name: words for name, text in fields.items() if (words := forbidden_words(text))} == {}


def test_the_check_reads_the_real_labels_including_the_adjustment_ones_it_spares():
    participant, pathway = described_fields(Participant), described_fields(Pathway)

    # The labels are read (not only the names), and the allowed phrase is really met and spared.
    assert "aménagement de peine" in participant["adjustment_eligibility_date"]
    assert "aménagement de peine" in pathway["adjustment"]
    assert "numéro d'écrou" in participant["ecrou"]
    assert {"last_name", "birth_date", "expected_release_date", "work_constraints_note"} <= set(participant)
    assert {"exit_reason", "outcome", "return_reason", "job_contract"} <= set(pathway)
