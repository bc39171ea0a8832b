"""The pathway services (issue 4, sections 1 and 3): the state machine, its log, dates in order, defaults,
the end of a stay, participants, the accompaniment timeline and the follow-up after release.

Every refused input must give a French message and leave the database as it was: the tests reload the rows.
"""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.enums import Role
from participants import services
from participants.enums import (
    ContractKind,
    CpuOpinion,
    EventKind,
    ExitReason,
    FollowUpMilestone,
    JobContract,
    Outcome,
    PathwayStatus,
    ReturnReason,
    SentenceAdjustment,
    SessionDecision,
    SuspensionReason,
    Transition,
)
from participants.models import AccompanimentEvent, FollowUp, Participant, Pathway, PathwayLog, Suspension
from tests.participants.factories import (
    STEP_DAYS,
    ParticipantFactory,
    PathwayFactory,
    RecruitmentSessionFactory,
    counsellor,
    enter_workshop,
    pathway_at,
)
from tests.programmes.factories import EstablishmentFactory, ProgrammeFactory, QuartierFactory

pytestmark = pytest.mark.django_db

LATER = datetime.date(2025, 6, 2)  # after every date of STEP_DAYS
STEPS = ["DECIDE", "CLASSIFY", "ASSIGN", "START", "SUSPEND", "RESUME", "EXIT", "WITHDRAW"]
# Written from issue 4 section 3 and issue 15 section 3: classification, then assignment, then the contract; no step
# skipped (same table as test_rules.EXPECTED_STEPS).
VALID = {
    (PathwayStatus.CANDIDATE, "DECIDE"), (PathwayStatus.CANDIDATE, "WITHDRAW"),
    (PathwayStatus.SELECTED, "CLASSIFY"), (PathwayStatus.SELECTED, "WITHDRAW"),
    (PathwayStatus.CLASSIFIED, "ASSIGN"), (PathwayStatus.CLASSIFIED, "WITHDRAW"),
    (PathwayStatus.ASSIGNED, "START"), (PathwayStatus.ASSIGNED, "WITHDRAW"),
    (PathwayStatus.IN_WORKSHOP, "SUSPEND"), (PathwayStatus.IN_WORKSHOP, "EXIT"),
    (PathwayStatus.SUSPENDED, "RESUME"), (PathwayStatus.SUSPENDED, "EXIT"),
}
ALL_PAIRS = [(status, step) for status in PathwayStatus for step in STEPS]
STATUS_AFTER = {
    "DECIDE": PathwayStatus.SELECTED, "CLASSIFY": PathwayStatus.CLASSIFIED, "ASSIGN": PathwayStatus.ASSIGNED,
    "START": PathwayStatus.IN_WORKSHOP, "SUSPEND": PathwayStatus.SUSPENDED, "RESUME": PathwayStatus.IN_WORKSHOP,
    "EXIT": PathwayStatus.EXITED, "WITHDRAW": PathwayStatus.WITHDRAWN,
}


def run_step(step, pathway, by, on=LATER, version=None):
    """Each step with facts that are valid in themselves (dates after every earlier step, in the past)."""
    common = {"pathway": pathway, "by": by, "expected_version": version}
    if step == "DECIDE":
        return services.pathway_decide(decision=SessionDecision.SELECTED, **common)
    if step == "CLASSIFY":
        return services.pathway_classify(opinion=CpuOpinion.FAVOURABLE, on=on, **common)
    if step == "ASSIGN":
        return services.pathway_assign(on=on, **common)
    if step == "START":
        return services.pathway_start(start=on, hours_per_week=Decimal("24"), hourly_pay=Decimal("6.00"),
                                      signed_on=on, **common)
    if step == "SUSPEND":
        return services.pathway_suspend(start=on, reason=SuspensionReason.SUPPLY, **common)
    if step == "RESUME":
        return services.pathway_resume(on=on, **common)
    if step == "EXIT":
        return services.pathway_exit(on=on, reason=ExitReason.RESIGNATION, outcome=Outcome.OTHER, **common)
    if step == "WITHDRAW":
        return services.pathway_withdraw(on=on, reason="Ne souhaite plus travailler", **common)
    raise ValueError(step)


def snapshot(pathway):
    """Everything a refused step must leave as it was, read back from the database."""
    row = Pathway.objects.get(pk=pathway.pk)
    participant = Participant.objects.get(pk=row.participant_id)
    return {
        "pathway": {field.attname: getattr(row, field.attname) for field in Pathway._meta.concrete_fields},
        "participant": {field.attname: getattr(participant, field.attname)
                        for field in Participant._meta.concrete_fields},
        "log": list(PathwayLog.objects.filter(pathway=row).values_list("pk", flat=True)),
        "suspensions": list(Suspension.objects.filter(pathway=row).values_list("start", "end", "reason")),
        "events": AccompanimentEvent.objects.filter(pathway=row).count(),
        "follow_ups": list(FollowUp.objects.filter(pathway=row).values_list("milestone", "reached", "situation")),
        "pathways": Pathway.objects.count(),
    }


def messages_of(error):
    return " ".join(error.messages)


def today():
    return timezone.localdate()


@pytest.fixture
def cpip():
    return counsellor()


# --- The state machine: every status × every step --------------------------------------------------------


def test_the_valid_pairs_cover_every_open_status_and_no_closed_one():
    assert {status for status, _step in VALID} == {
        PathwayStatus.CANDIDATE, PathwayStatus.SELECTED, PathwayStatus.CLASSIFIED, PathwayStatus.ASSIGNED,
        PathwayStatus.IN_WORKSHOP, PathwayStatus.SUSPENDED}
    assert len(ALL_PAIRS) == 80 and len(VALID) == 12


@pytest.mark.parametrize(("status", "step"), sorted(VALID))
def test_valid_step_moves_the_status_bumps_the_version_and_logs_who_and_when(status, step, cpip):
    pathway = pathway_at(status, by=cpip)
    log_before = pathway.log.count()

    result = run_step(step, pathway, cpip, version=pathway.version)

    row = Pathway.objects.get(pk=pathway.pk)
    assert row.status == result.status == STATUS_AFTER[step]
    assert row.version == pathway.version + 1
    assert row.log.count() == log_before + 1
    entry = row.log.order_by("-at", "-pk").first()
    assert entry.transition == step
    assert (entry.from_status, entry.to_status) == (status, STATUS_AFTER[step])
    assert entry.on == (STEP_DAYS["session"] if step == "DECIDE" else LATER)
    assert entry.by == cpip
    assert "Claire Martin" in entry.by_label
    assert str(Role.CPIP.label) in entry.by_label


@pytest.mark.parametrize(("status", "step"), [pair for pair in ALL_PAIRS if pair not in VALID])
def test_invalid_step_is_refused_in_french_and_changes_nothing(status, step, cpip):
    pathway = pathway_at(status, by=cpip)
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        run_step(step, pathway, cpip, version=pathway.version)

    text = messages_of(error.value)
    assert str(PathwayStatus(status).label) in text
    assert str(Transition(step).label) in text
    assert "n'est possible que depuis" in text
    assert snapshot(pathway) == before


def test_a_candidacy_is_logged_from_nothing_to_candidate_on_the_session_date(cpip):
    session = RecruitmentSessionFactory(date=STEP_DAYS["session"])
    participant = ParticipantFactory(establishment=session.programme.establishment)

    pathway = services.pathway_create(participant=participant, programme=session.programme, session=session, by=cpip)

    entry = PathwayLog.objects.get(pathway=pathway)
    assert pathway.status == PathwayStatus.CANDIDATE
    assert (entry.transition, entry.from_status, entry.to_status) == (Transition.CREATE, "", PathwayStatus.CANDIDATE)
    assert entry.on == session.date
    assert "Claire Martin" in entry.by_label


@pytest.mark.parametrize(("decision", "status"), [(SessionDecision.SELECTED, PathwayStatus.SELECTED),
                                                  (SessionDecision.NOT_SELECTED, PathwayStatus.NOT_SELECTED),
                                                  (SessionDecision.WITHDRAWN, PathwayStatus.WITHDRAWN)])
def test_each_session_decision_gives_its_status(decision, status, cpip):
    pathway = pathway_at(PathwayStatus.CANDIDATE)

    services.pathway_decide(pathway=pathway, decision=decision, reason="Projet à construire", by=cpip)

    pathway.refresh_from_db()
    assert (pathway.status, pathway.decision) == (status, decision)


def test_not_selected_without_a_reason_is_refused(cpip):
    pathway = pathway_at(PathwayStatus.CANDIDATE)
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        services.pathway_decide(pathway=pathway, decision=SessionDecision.NOT_SELECTED, reason="  ", by=cpip)

    assert "motif" in " ".join(error.value.message_dict["decision_reason"])
    assert snapshot(pathway) == before


def test_decision_without_a_session_is_refused(cpip):
    pathway = PathwayFactory(session=None)
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=cpip)

    assert "session" in error.value.message_dict
    assert snapshot(pathway) == before


def test_decision_at_a_session_of_another_programme_is_refused(cpip):
    pathway = pathway_at(PathwayStatus.CANDIDATE)
    other_session = RecruitmentSessionFactory(date=STEP_DAYS["session"])
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, session=other_session, by=cpip)

    assert "autre programme" in " ".join(error.value.message_dict["session"])
    assert snapshot(pathway) == before


def test_decision_of_a_session_still_to_come_is_refused(cpip):
    pathway = PathwayFactory(session__date=today() + datetime.timedelta(days=3))
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=cpip)

    assert "futur" in messages_of(error.value)
    assert snapshot(pathway) == before


@pytest.mark.parametrize("status", [PathwayStatus.CANDIDATE, PathwayStatus.NOT_SELECTED, PathwayStatus.WITHDRAWN,
                                    PathwayStatus.SELECTED, PathwayStatus.CLASSIFIED, PathwayStatus.NOT_CLASSIFIED])
def test_no_entry_in_the_workshop_without_an_assignment(status, cpip):
    pathway = pathway_at(status)
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        run_step("START", pathway, cpip)

    assert str(PathwayStatus.ASSIGNED.label) in messages_of(error.value)
    assert snapshot(pathway) == before


def test_entry_records_an_acte_d_engagement_before_1_may_2022_and_a_cep_from_that_day(cpip):
    before_cep = pathway_at(PathwayStatus.SELECTED, session__date=datetime.date(2022, 4, 1))
    from_cep = pathway_at(PathwayStatus.SELECTED, session__date=datetime.date(2022, 4, 1))

    enter_workshop(before_cep, datetime.date(2022, 4, 30), by=cpip)
    enter_workshop(from_cep, datetime.date(2022, 5, 1), by=cpip)

    assert Pathway.objects.get(pk=before_cep.pk).contract_kind == ContractKind.ENGAGEMENT_ACT
    assert Pathway.objects.get(pk=from_cep.pk).contract_kind == ContractKind.CEP


def test_entry_with_pay_under_45_percent_of_the_smic_of_that_day_is_refused(cpip):
    pathway = pathway_at(PathwayStatus.ASSIGNED)
    before = snapshot(pathway)

    # SMIC 11.88 € from 1 November 2024 (table loaded by the migrations): 45 % = 5.346 €.
    with pytest.raises(ValidationError) as error:
        services.pathway_start(pathway=pathway, start=LATER, hours_per_week=Decimal("24"),
                               hourly_pay=Decimal("5.34"), by=cpip)

    assert "45 % du SMIC" in " ".join(error.value.message_dict["hourly_pay"])
    assert snapshot(pathway) == before


@pytest.mark.parametrize("hours", [Decimal("9.5"), Decimal("35.5")])
def test_entry_with_hours_outside_10_to_35_is_refused(hours, cpip):
    pathway = pathway_at(PathwayStatus.ASSIGNED)
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        services.pathway_start(pathway=pathway, start=LATER, hours_per_week=hours, hourly_pay=Decimal("6"), by=cpip)

    assert "entre 10 et 35 heures" in " ".join(error.value.message_dict["hours_per_week"])
    assert snapshot(pathway) == before


def test_contract_correction_before_any_entry_is_refused(cpip):
    pathway = pathway_at(PathwayStatus.ASSIGNED)
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        services.pathway_update_contract(pathway=pathway, signed_on=None, hours_per_week=Decimal("20"),
                                         hourly_pay=Decimal("6"), by=cpip)

    assert "entrée en atelier" in messages_of(error.value)
    assert snapshot(pathway) == before


def test_contract_correction_is_saved_and_logged_as_an_edit(cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)

    services.pathway_update_contract(pathway=pathway, signed_on=STEP_DAYS["start"], hours_per_week=Decimal("30"),
                                     hourly_pay=Decimal("6.50"), by=cpip, expected_version=pathway.version)

    row = Pathway.objects.get(pk=pathway.pk)
    assert (row.hours_per_week, row.hourly_pay, row.status) == (Decimal("30"), Decimal("6.50"),
                                                                PathwayStatus.IN_WORKSHOP)
    assert row.log.filter(transition=Transition.EDIT).count() == 1


# --- Dates in order ---------------------------------------------------------------------------------------

DAY_BEFORE = datetime.timedelta(days=1)


@pytest.mark.parametrize(("status", "step", "on", "field"), [
    (PathwayStatus.SELECTED, "CLASSIFY", STEP_DAYS["session"] - DAY_BEFORE, "classified_on"),
    (PathwayStatus.CLASSIFIED, "ASSIGN", STEP_DAYS["classified"] - DAY_BEFORE, "assigned_on"),
    (PathwayStatus.ASSIGNED, "START", STEP_DAYS["assigned"] - DAY_BEFORE, "contract_start"),
    (PathwayStatus.IN_WORKSHOP, "SUSPEND", STEP_DAYS["start"] - DAY_BEFORE, "start"),
    (PathwayStatus.SUSPENDED, "RESUME", STEP_DAYS["suspended"] - DAY_BEFORE, "on"),
    (PathwayStatus.IN_WORKSHOP, "EXIT", STEP_DAYS["start"] - DAY_BEFORE, "exit_on"),
    (PathwayStatus.SUSPENDED, "EXIT", STEP_DAYS["suspended"] - DAY_BEFORE, "exit_on"),
    (PathwayStatus.ASSIGNED, "WITHDRAW", STEP_DAYS["assigned"] - DAY_BEFORE, "withdrawn_on"),
])
def test_step_dated_before_the_previous_one_is_refused(status, step, on, field, cpip):
    pathway = pathway_at(status)
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        run_step(step, pathway, cpip, on=on)

    assert "précéder" in " ".join(error.value.message_dict[field])
    assert snapshot(pathway) == before


@pytest.mark.parametrize(("status", "step", "on"), [
    (PathwayStatus.SELECTED, "CLASSIFY", STEP_DAYS["session"]),
    (PathwayStatus.CLASSIFIED, "ASSIGN", STEP_DAYS["classified"]),
    (PathwayStatus.ASSIGNED, "START", STEP_DAYS["assigned"]),
    (PathwayStatus.SUSPENDED, "RESUME", STEP_DAYS["suspended"]),
    (PathwayStatus.IN_WORKSHOP, "EXIT", STEP_DAYS["start"]),
])
def test_step_on_the_same_day_as_the_previous_one_is_accepted(status, step, on, cpip):
    pathway = pathway_at(status)

    run_step(step, pathway, cpip, on=on)

    assert Pathway.objects.get(pk=pathway.pk).status == STATUS_AFTER[step]


@pytest.mark.parametrize(("status", "step"), sorted(pair for pair in VALID if pair[1] != "DECIDE"))
def test_step_dated_in_the_future_is_refused(status, step, cpip):
    pathway = pathway_at(status)
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        run_step(step, pathway, cpip, on=today() + DAY_BEFORE)

    assert "futur" in messages_of(error.value)
    assert snapshot(pathway) == before


def test_suspension_before_the_last_resumption_is_refused(cpip):
    pathway = pathway_at(PathwayStatus.SUSPENDED)
    run_step("RESUME", pathway, cpip, on=datetime.date(2025, 4, 20))
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        run_step("SUSPEND", pathway, cpip, on=datetime.date(2025, 4, 18))

    assert "précéder" in " ".join(error.value.message_dict["start"])
    assert snapshot(pathway) == before


def test_exit_before_the_last_resumption_is_refused(cpip):
    pathway = pathway_at(PathwayStatus.SUSPENDED)  # suspended on 14 April 2025
    run_step("RESUME", pathway, cpip, on=datetime.date(2025, 4, 20))
    before = snapshot(pathway)

    with pytest.raises(ValidationError):
        run_step("EXIT", pathway, cpip, on=datetime.date(2025, 4, 17))

    assert snapshot(pathway) == before


def test_exit_while_suspended_closes_the_suspension_on_the_exit_date(cpip):
    pathway = pathway_at(PathwayStatus.SUSPENDED)

    run_step("EXIT", pathway, cpip, on=LATER)

    assert list(Suspension.objects.filter(pathway=pathway).values_list("start", "end")) == [
        (STEP_DAYS["suspended"], LATER)]


def test_suspension_and_resumption_are_kept_as_dated_periods(cpip):
    pathway = pathway_at(PathwayStatus.SUSPENDED)

    run_step("RESUME", pathway, cpip, on=datetime.date(2025, 4, 20))

    suspension = Suspension.objects.get(pathway=pathway)
    assert (suspension.start, suspension.end, suspension.reason) == (
        STEP_DAYS["suspended"], datetime.date(2025, 4, 20), SuspensionReason.ECONOMIC)


@pytest.mark.parametrize(("status", "step", "field"), [
    (PathwayStatus.SELECTED, "CLASSIFY", "classified_on"),
    (PathwayStatus.CLASSIFIED, "ASSIGN", "assigned_on"),
    (PathwayStatus.ASSIGNED, "START", "contract_start"),
    (PathwayStatus.IN_WORKSHOP, "SUSPEND", "start"),
    (PathwayStatus.SUSPENDED, "RESUME", "on"),
    (PathwayStatus.IN_WORKSHOP, "EXIT", "exit_on"),
    (PathwayStatus.ASSIGNED, "WITHDRAW", "withdrawn_on"),
])
def test_dated_step_without_its_date_is_refused_in_french(status, step, field, cpip):
    pathway = pathway_at(status)
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        run_step(step, pathway, cpip, on=None)

    # Keyed by the date field, or a form-wide message when the database constraint is what catches it.
    assert set(error.value.message_dict) & {field, "__all__"}
    assert "date" in messages_of(error.value)
    assert snapshot(pathway) == before


# --- Candidacies --------------------------------------------------------------------------------------------


def test_second_open_candidacy_in_the_same_programme_is_refused_in_french(cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)
    count = Pathway.objects.count()

    with pytest.raises(ValidationError) as error:
        services.pathway_create(participant=pathway.participant, programme=pathway.programme, by=cpip)

    assert "déjà un parcours en cours dans ce programme" in messages_of(error.value)
    assert Pathway.objects.count() == count


@pytest.mark.parametrize("status", [PathwayStatus.EXITED, PathwayStatus.NOT_SELECTED, PathwayStatus.WITHDRAWN])
def test_new_candidacy_in_the_same_programme_is_allowed_once_the_pathway_is_closed(status, cpip):
    pathway = pathway_at(status)  # exited by a resignation: the person is still in the establishment

    again = services.pathway_create(participant=pathway.participant, programme=pathway.programme, by=cpip)

    assert again.status == PathwayStatus.CANDIDATE
    assert Pathway.objects.filter(participant=pathway.participant, programme=pathway.programme).count() == 2


def test_candidacies_in_two_programmes_of_the_same_establishment_may_be_open_together(cpip):
    pathway = pathway_at(PathwayStatus.CANDIDATE)
    other = ProgrammeFactory(establishment=pathway.programme.establishment)

    services.pathway_create(participant=pathway.participant, programme=other, by=cpip)

    assert Pathway.objects.filter(participant=pathway.participant).count() == 2


def test_candidacy_in_a_programme_of_another_establishment_is_refused(cpip):
    participant = ParticipantFactory()
    elsewhere = ProgrammeFactory()
    assert elsewhere.establishment_id != participant.establishment_id

    with pytest.raises(ValidationError) as error:
        services.pathway_create(participant=participant, programme=elsewhere, by=cpip)

    assert "autre établissement" in " ".join(error.value.message_dict["programme"])
    assert not Pathway.objects.filter(participant=participant).exists()


def test_candidacy_with_a_session_of_another_programme_is_refused(cpip):
    participant = ParticipantFactory()
    programme = ProgrammeFactory(establishment=participant.establishment)
    other_session = RecruitmentSessionFactory(date=STEP_DAYS["session"])

    with pytest.raises(ValidationError) as error:
        services.pathway_create(participant=participant, programme=programme, session=other_session, by=cpip)

    assert "session" in error.value.message_dict
    assert not Pathway.objects.filter(participant=participant).exists()


def test_person_who_left_the_establishment_cannot_get_a_new_candidacy(cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)
    run_step_exit(pathway, cpip, ExitReason.RELEASE_END_OF_SENTENCE, outcome=Outcome.OTHER)
    other = ProgrammeFactory(establishment=pathway.programme.establishment)
    count = Pathway.objects.count()

    for programme in (pathway.programme, other):
        with pytest.raises(ValidationError) as error:
            services.pathway_create(participant=Participant.objects.get(pk=pathway.participant_id),
                                    programme=programme, by=cpip)
        assert "a quitté l'établissement le 02/06/2025" in messages_of(error.value)
    assert Pathway.objects.count() == count


# --- Exit: reasons, default outcomes, end of the stay --------------------------------------------------


def run_step_exit(pathway, by, reason, on=LATER, **kwargs):
    return services.pathway_exit(pathway=pathway, on=on, reason=reason, by=by, **kwargs)


@pytest.mark.parametrize(("reason", "extra", "default"), [
    (ExitReason.TRANSFER, {}, Outcome.NEUTRALISED),
    (ExitReason.HEALTH, {}, Outcome.NEUTRALISED),
    (ExitReason.RETURN_ORDINARY_DETENTION, {"return_reason": ReturnReason.SECURITY}, Outcome.OTHER),
])
def test_exit_without_an_outcome_takes_the_default_of_its_reason(reason, extra, default, cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)

    run_step_exit(pathway, cpip, reason, **extra)

    row = Pathway.objects.get(pk=pathway.pk)
    assert (row.status, row.exit_reason, row.outcome) == (PathwayStatus.EXITED, reason, default)


@pytest.mark.parametrize(("reason", "extra", "chosen"), [
    (ExitReason.TRANSFER, {}, Outcome.OTHER),
    (ExitReason.HEALTH, {}, Outcome.OTHER),
    (ExitReason.RETURN_ORDINARY_DETENTION, {"return_reason": ReturnReason.OWN_REQUEST}, Outcome.NEUTRALISED),
])
def test_exit_keeps_the_outcome_the_user_chose_over_the_default(reason, extra, chosen, cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)

    run_step_exit(pathway, cpip, reason, outcome=chosen, **extra)

    assert Pathway.objects.get(pk=pathway.pk).outcome == chosen


@pytest.mark.parametrize("reason", [ExitReason.RELEASE_END_OF_SENTENCE, ExitReason.RESIGNATION,
                                    ExitReason.TERMINATION, ExitReason.OTHER])
def test_exit_for_a_reason_without_default_asks_for_the_outcome(reason, cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        run_step_exit(pathway, cpip, reason)

    assert "situation" in " ".join(error.value.message_dict["outcome"])
    assert snapshot(pathway) == before


def test_release_under_adjustment_without_the_adjustment_changes_nothing(cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        run_step_exit(pathway, cpip, ExitReason.RELEASE_ADJUSTMENT, outcome=Outcome.POSITIVE)

    assert "adjustment" in error.value.message_dict
    assert snapshot(pathway) == before  # the stay did not end either


def test_release_into_a_durable_job_records_its_contract(cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)

    run_step_exit(pathway, cpip, ExitReason.RELEASE_ADJUSTMENT, adjustment=SentenceAdjustment.PE,
                  outcome=Outcome.DURABLE, job_contract=JobContract.CDD, job_months=9, note="  Menuiserie  ")

    row = Pathway.objects.get(pk=pathway.pk)
    assert (row.outcome, row.adjustment, row.job_contract, row.job_months, row.exit_note) == (
        Outcome.DURABLE, SentenceAdjustment.PE, JobContract.CDD, 9, "Menuiserie")


def test_exit_with_an_unknown_reason_code_is_refused_and_changes_nothing(cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)
    before = snapshot(pathway)

    with pytest.raises(ValidationError):
        run_step_exit(pathway, cpip, "EVASION", outcome=Outcome.OTHER)

    assert snapshot(pathway) == before


@pytest.mark.parametrize(("reason", "extra", "ends_stay"), [
    (ExitReason.RELEASE_END_OF_SENTENCE, {"outcome": Outcome.OTHER}, True),
    (ExitReason.RELEASE_ADJUSTMENT, {"outcome": Outcome.OTHER, "adjustment": SentenceAdjustment.DDSE}, True),
    (ExitReason.TRANSFER, {}, True),
    (ExitReason.RETURN_ORDINARY_DETENTION, {"return_reason": ReturnReason.INSUFFICIENCY}, False),
    (ExitReason.RESIGNATION, {"outcome": Outcome.OTHER}, False),
    (ExitReason.TERMINATION, {"outcome": Outcome.OTHER}, False),
    (ExitReason.HEALTH, {}, False),
    (ExitReason.OTHER, {"outcome": Outcome.OTHER}, False),
])
def test_only_a_release_or_a_transfer_ends_the_stay_in_the_establishment(reason, extra, ends_stay, cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)

    run_step_exit(pathway, cpip, reason, **extra)

    participant = Participant.objects.get(pk=pathway.participant_id)
    assert participant.stay_ended_on == (LATER if ends_stay else None)


def new_participant(establishment, ecrou, **kwargs):
    return ParticipantFactory.build(establishment=establishment, ecrou=ecrou, **kwargs)


@pytest.mark.parametrize("reason", [ExitReason.RELEASE_END_OF_SENTENCE, ExitReason.TRANSFER])
def test_after_a_release_or_transfer_the_ecrou_may_be_given_to_a_new_person(reason, cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, participant__ecrou="4521-B")
    run_step_exit(pathway, cpip, reason, outcome=Outcome.OTHER)

    newcomer = services.participant_save(
        participant=new_participant(pathway.participant.establishment, " 04521b"), by=cpip)

    assert Participant.objects.filter(establishment=pathway.participant.establishment, ecrou_key="4521B").count() == 2
    assert newcomer.stay_ended_on is None


def test_while_the_stay_goes_on_the_same_ecrou_written_differently_is_refused_in_french(cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, participant__ecrou="4521-B")
    run_step_exit(pathway, cpip, ExitReason.RETURN_ORDINARY_DETENTION, return_reason=ReturnReason.OWN_REQUEST)
    count = Participant.objects.count()

    with pytest.raises(ValidationError) as error:
        services.participant_save(participant=new_participant(pathway.participant.establishment, "4521 b"), by=cpip)

    assert "porte déjà ce numéro d'écrou" in messages_of(error.value)
    assert Participant.objects.count() == count


def test_same_ecrou_in_another_establishment_is_accepted(cpip):
    ParticipantFactory(ecrou="4521B")

    services.participant_save(participant=new_participant(EstablishmentFactory(), "4521B"), by=cpip)

    assert Participant.objects.filter(ecrou_key="4521B").count() == 2


# --- Participants -------------------------------------------------------------------------------------------


def test_new_participant_is_saved_with_the_ecrou_trimmed_and_its_normalised_key(cpip):
    participant = services.participant_save(participant=new_participant(EstablishmentFactory(), "  00123-a "),
                                            by=cpip)

    row = Participant.objects.get(pk=participant.pk)
    assert (row.ecrou, row.ecrou_key, row.version) == ("00123-a", "123A", 1)


def test_ecrou_of_punctuation_only_is_refused_in_french(cpip):
    count = Participant.objects.count()

    with pytest.raises(ValidationError) as error:
        services.participant_save(participant=new_participant(EstablishmentFactory(), " -/. "), by=cpip)

    assert "au moins une lettre ou un chiffre" in " ".join(error.value.message_dict["ecrou"])
    assert Participant.objects.count() == count


def years_ago(years):
    return today() - relativedelta(years=years)


@pytest.mark.parametrize("birth_date", [
    pytest.param(lambda: years_ago(15), id="15 years"),
    pytest.param(lambda: years_ago(16) + datetime.timedelta(days=1), id="16 years tomorrow"),
    pytest.param(lambda: years_ago(101), id="101 years"),
    pytest.param(lambda: today() + datetime.timedelta(days=1), id="tomorrow"),
])
def test_birth_date_out_of_16_to_100_years_is_refused_and_nothing_saved(birth_date, cpip):
    count = Participant.objects.count()

    with pytest.raises(ValidationError) as error:
        services.participant_save(participant=new_participant(EstablishmentFactory(), "777", birth_date=birth_date()),
                                  by=cpip)

    assert "date de naissance" in " ".join(error.value.message_dict["birth_date"])
    assert Participant.objects.count() == count


@pytest.mark.parametrize("birth_date", [pytest.param(lambda: years_ago(16), id="16 today"),
                                        pytest.param(lambda: years_ago(100), id="100 today")])
def test_birth_date_at_the_bounds_is_accepted(birth_date, cpip):
    services.participant_save(participant=new_participant(EstablishmentFactory(), "778", birth_date=birth_date()),
                              by=cpip)

    assert Participant.objects.filter(ecrou_key="778").exists()


def test_quartier_of_another_establishment_is_refused(cpip):
    establishment = EstablishmentFactory()
    foreign_quartier = QuartierFactory()
    count = Participant.objects.count()

    with pytest.raises(ValidationError) as error:
        services.participant_save(participant=new_participant(establishment, "779", quartier=foreign_quartier),
                                  by=cpip)

    assert "quartier" in error.value.message_dict
    assert Participant.objects.count() == count


def test_quartier_of_the_persons_establishment_is_accepted(cpip):
    quartier = QuartierFactory()

    participant = services.participant_save(
        participant=new_participant(quartier.establishment, "780", quartier=quartier), by=cpip)

    assert Participant.objects.get(pk=participant.pk).quartier == quartier


def test_correction_of_a_participant_bumps_the_version_and_keeps_the_normalised_key(cpip):
    participant = ParticipantFactory(ecrou="555")
    edited = Participant.objects.get(pk=participant.pk)
    edited.last_name, edited.ecrou = "Durand", "0555 "

    services.participant_save(participant=edited, by=cpip, expected_version=participant.version)

    row = Participant.objects.get(pk=participant.pk)
    assert (row.last_name, row.ecrou, row.ecrou_key, row.version) == ("Durand", "0555", "555", participant.version + 1)


def test_moving_a_participant_with_a_pathway_to_another_establishment_is_refused(cpip):
    pathway = pathway_at(PathwayStatus.CANDIDATE)
    edited = Participant.objects.get(pk=pathway.participant_id)
    edited.establishment = EstablishmentFactory()
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        services.participant_save(participant=edited, by=cpip)

    assert "transfert" in " ".join(error.value.message_dict["establishment"])
    assert snapshot(pathway) == before


# --- Accompaniment timeline ----------------------------------------------------------------------------------


def record(pathway, kind, on, by, **kwargs):
    return services.event_record(pathway=pathway, kind=kind, on=on, by=by, **kwargs)


def test_hours_of_a_month_are_dated_on_its_first_day_and_name_who_recorded_them(cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)

    event = record(pathway, EventKind.HOURS_WORKED, datetime.date(2025, 4, 17), cpip, hours=Decimal("72"))

    row = AccompanimentEvent.objects.get(pk=event.pk)
    assert (row.on, row.hours) == (datetime.date(2025, 4, 1), Decimal("72"))
    assert row.recorded_by == cpip and "Claire Martin" in row.recorded_by_label


def test_hours_of_the_month_of_entry_are_accepted(cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)  # entry on 24 March 2025

    record(pathway, EventKind.HOURS_WORKED, datetime.date(2025, 3, 31), cpip, hours=Decimal("20"))

    assert AccompanimentEvent.objects.filter(pathway=pathway, on=datetime.date(2025, 3, 1)).exists()


def test_hours_recorded_twice_for_the_same_month_are_refused_in_french(cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)
    record(pathway, EventKind.HOURS_WORKED, datetime.date(2025, 4, 3), cpip, hours=Decimal("70"))

    with pytest.raises(ValidationError) as error:
        record(pathway, EventKind.HOURS_WORKED, datetime.date(2025, 4, 28), cpip, hours=Decimal("12"))

    assert "déjà saisies" in messages_of(error.value)
    assert list(AccompanimentEvent.objects.filter(pathway=pathway).values_list("hours", flat=True)) == [Decimal("70")]


@pytest.mark.parametrize("on", [datetime.date(2025, 2, 28), datetime.date(2025, 6, 1)])
def test_hours_outside_the_workshop_period_are_refused(on, cpip):
    pathway = pathway_at(PathwayStatus.EXITED)  # from 24 March to 2 May 2025
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        record(pathway, EventKind.HOURS_WORKED, on, cpip, hours=Decimal("10"))

    assert "hors de la période" in " ".join(error.value.message_dict["on"])
    assert snapshot(pathway) == before


def test_hours_of_a_month_still_to_come_are_refused(cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)
    next_month = (today().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    before = snapshot(pathway)

    with pytest.raises(ValidationError):
        record(pathway, EventKind.HOURS_WORKED, next_month, cpip, hours=Decimal("10"))

    assert snapshot(pathway) == before


def test_hours_before_any_entry_in_the_workshop_are_refused(cpip):
    pathway = pathway_at(PathwayStatus.ASSIGNED)
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        record(pathway, EventKind.HOURS_WORKED, datetime.date(2025, 4, 1), cpip, hours=Decimal("10"))

    assert "entrée en atelier" in " ".join(error.value.message_dict["kind"])
    assert snapshot(pathway) == before


def test_hours_worked_without_the_number_of_hours_are_refused(cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        record(pathway, EventKind.HOURS_WORKED, datetime.date(2025, 4, 1), cpip)

    assert "hours" in error.value.message_dict
    assert snapshot(pathway) == before


def test_negative_hours_are_refused(cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)
    before = snapshot(pathway)

    with pytest.raises(ValidationError):
        record(pathway, EventKind.HOURS_WORKED, datetime.date(2025, 4, 1), cpip, hours=Decimal("-3"))

    assert snapshot(pathway) == before


@pytest.mark.parametrize("kind", [EventKind.CIP_INTERVIEW, EventKind.TRAINING, EventKind.PMSMP])
def test_hours_are_refused_on_any_other_kind_of_event(kind, cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        record(pathway, kind, datetime.date(2025, 4, 10), cpip, hours=Decimal("3"))

    assert "Heures travaillées" in " ".join(error.value.message_dict["hours"])
    assert snapshot(pathway) == before


def test_adjustment_decision_is_required_for_a_decision_event_and_recorded(cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)
    with pytest.raises(ValidationError) as error:
        record(pathway, EventKind.ADJUSTMENT_DECISION, datetime.date(2025, 4, 10), cpip)
    assert "décision" in " ".join(error.value.message_dict["adjustment_decision"])
    assert not AccompanimentEvent.objects.filter(pathway=pathway).exists()

    record(pathway, EventKind.ADJUSTMENT_DECISION, datetime.date(2025, 4, 10), cpip, adjustment_decision="GRANTED")

    assert AccompanimentEvent.objects.get(pathway=pathway).adjustment_decision == "GRANTED"


@pytest.mark.parametrize("kind", [EventKind.ADJUSTMENT_REQUEST, EventKind.CIP_INTERVIEW])
def test_adjustment_decision_is_refused_on_any_other_kind_of_event(kind, cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)

    with pytest.raises(ValidationError) as error:
        record(pathway, kind, datetime.date(2025, 4, 10), cpip, adjustment_decision="REFUSED")

    assert "adjustment_decision" in error.value.message_dict
    assert not AccompanimentEvent.objects.filter(pathway=pathway).exists()


@pytest.mark.parametrize("kind", [EventKind.FRANCE_TRAVAIL, EventKind.MISSION_LOCALE])
def test_appointment_with_france_travail_or_mission_locale_may_be_booked_ahead(kind, cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)

    record(pathway, kind, today() + datetime.timedelta(days=20), cpip, detail="Conseiller justice")

    assert AccompanimentEvent.objects.filter(pathway=pathway, kind=kind).exists()


@pytest.mark.parametrize("kind", [EventKind.TRAINING, EventKind.CIP_INTERVIEW, EventKind.PRE_RELEASE])
def test_training_interview_or_pre_release_action_in_the_future_is_refused(kind, cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)

    with pytest.raises(ValidationError) as error:
        record(pathway, kind, today() + datetime.timedelta(days=20), cpip)

    assert "futur" in " ".join(error.value.message_dict["on"])
    assert not AccompanimentEvent.objects.filter(pathway=pathway).exists()


def test_event_ending_before_it_starts_is_refused_in_french(cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)

    with pytest.raises(ValidationError) as error:
        record(pathway, EventKind.PMSMP, datetime.date(2025, 4, 10), cpip, end_on=datetime.date(2025, 4, 9))

    assert "La fin ne peut pas précéder le début" in messages_of(error.value)
    assert not AccompanimentEvent.objects.filter(pathway=pathway).exists()


def test_hours_without_a_month_are_refused_in_french(cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)

    with pytest.raises(ValidationError):
        record(pathway, EventKind.HOURS_WORKED, None, cpip, hours=Decimal("10"))


# --- Follow-up after release ----------------------------------------------------------------------------------


@pytest.fixture
def released(cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)
    return run_step_exit(pathway, cpip, ExitReason.RELEASE_END_OF_SENTENCE, on=LATER, outcome=Outcome.OTHER)


def follow(pathway, by, milestone=FollowUpMilestone.M3, reached=True, contacted_on=datetime.date(2025, 9, 2),
           situation=Outcome.TRANSITION, **kwargs):
    return services.follow_up_record(pathway=pathway, milestone=milestone, reached=reached,
                                     contacted_on=contacted_on, situation=situation, by=by, **kwargs)


def test_follow_up_after_a_release_is_recorded_with_who_recorded_it(released, cpip):
    follow(released, cpip, continued_in_siae=True)

    row = FollowUp.objects.get(pathway=released)
    assert (row.milestone, row.reached, row.situation, row.continued_in_siae) == (3, True, Outcome.TRANSITION, True)
    assert "Claire Martin" in row.recorded_by_label


def test_follow_up_of_someone_not_reached_is_recorded_without_situation(released, cpip):
    follow(released, cpip, milestone=FollowUpMilestone.M6, reached=False, situation="")

    assert FollowUp.objects.get(pathway=released).reached is False


@pytest.mark.parametrize("status", [PathwayStatus.IN_WORKSHOP, PathwayStatus.SUSPENDED, PathwayStatus.EXITED])
def test_follow_up_is_refused_unless_the_pathway_ended_by_a_release(status, cpip):
    pathway = pathway_at(status)  # EXITED here: by a resignation, the person is still inside
    before = snapshot(pathway)

    with pytest.raises(ValidationError) as error:
        follow(pathway, cpip)

    assert "libération" in messages_of(error.value)
    assert snapshot(pathway) == before


def test_follow_up_is_refused_after_a_return_to_ordinary_detention(cpip):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP)
    run_step_exit(pathway, cpip, ExitReason.RETURN_ORDINARY_DETENTION, return_reason=ReturnReason.DISCIPLINARY)

    with pytest.raises(ValidationError):
        follow(Pathway.objects.get(pk=pathway.pk), cpip)

    assert not FollowUp.objects.filter(pathway=pathway).exists()


def test_contact_before_the_release_is_refused(released, cpip):
    with pytest.raises(ValidationError) as error:
        follow(released, cpip, contacted_on=LATER - DAY_BEFORE)

    assert "précéder la libération" in " ".join(error.value.message_dict["contacted_on"])
    assert not FollowUp.objects.filter(pathway=released).exists()


def test_contact_in_the_future_is_refused(released, cpip):
    with pytest.raises(ValidationError) as error:
        follow(released, cpip, contacted_on=today() + DAY_BEFORE)

    assert "futur" in " ".join(error.value.message_dict["contacted_on"])
    assert not FollowUp.objects.filter(pathway=released).exists()


def test_person_reached_without_a_situation_is_refused(released, cpip):
    with pytest.raises(ValidationError) as error:
        follow(released, cpip, reached=True, situation="")

    assert "situation" in " ".join(error.value.message_dict["situation"])
    assert not FollowUp.objects.filter(pathway=released).exists()


@pytest.mark.parametrize("extra", [{"situation": Outcome.DURABLE}, {"situation": "", "continued_in_siae": True}])
def test_person_not_reached_with_a_situation_is_refused(extra, released, cpip):
    with pytest.raises(ValidationError) as error:
        follow(released, cpip, reached=False, **extra)

    assert "jointe" in " ".join(error.value.message_dict["situation"])
    assert not FollowUp.objects.filter(pathway=released).exists()


def test_recording_the_same_milestone_again_updates_it_without_a_duplicate(released, cpip):
    follow(released, cpip, reached=False, situation="")
    other = counsellor(first_name="Samir", last_name="Benali")

    follow(released, other, reached=True, situation=Outcome.DURABLE, contacted_on=datetime.date(2025, 9, 10))

    rows = FollowUp.objects.filter(pathway=released)
    assert rows.count() == 1
    row = rows.get()
    assert (row.reached, row.situation, row.contacted_on) == (True, Outcome.DURABLE, datetime.date(2025, 9, 10))
    assert "Samir Benali" in row.recorded_by_label


def test_each_milestone_is_its_own_follow_up(released, cpip):
    for milestone in FollowUpMilestone:
        follow(released, cpip, milestone=milestone)

    assert sorted(FollowUp.objects.filter(pathway=released).values_list("milestone", flat=True)) == [3, 6, 12]


def test_follow_ups_are_due_3_6_and_12_months_after_a_release_only(released, cpip):
    assert [services.follow_up_due_on(released, m) for m in FollowUpMilestone] == [
        datetime.date(2025, 9, 2), datetime.date(2025, 12, 2), datetime.date(2026, 6, 2)]
    assert services.follow_up_due_on(pathway_at(PathwayStatus.EXITED), 3) is None


def test_follow_up_at_an_unknown_milestone_is_refused(released, cpip):
    with pytest.raises(ValidationError):
        follow(released, cpip, milestone=4)

    assert not FollowUp.objects.filter(pathway=released).exists()


def test_follow_up_with_an_unknown_situation_code_is_refused(released, cpip):
    with pytest.raises(ValidationError):
        follow(released, cpip, situation="CHOMAGE")

    assert not FollowUp.objects.filter(pathway=released).exists()
