"""The pure rules of the pathway (issue 4, section 3; docs/domain.md §6, §7.1 and §7.2).

Expected values are written from the issue and the domain note, not read back from rules.py.
"""

import datetime
from decimal import ROUND_CEILING, Decimal

import pytest

from participants import rules
from participants.enums import (
    ContractKind,
    ExitReason,
    JobContract,
    Outcome,
    PathwayStatus,
    ReturnReason,
    SentenceAdjustment,
    Transition,
)
from programmes.models import SmicRate

TODAY = datetime.date(2026, 6, 15)
ENTRY = datetime.date(2026, 1, 5)

# The state machine as issue 4 describes it: candidate -> decision at a session -> classified -> assigned ->
# in workshop (<-> suspended) -> exit; withdrawal is possible until the contract starts. Entry needs a selection
# but classification and assignment may be unknown (spreadsheets only carry the session and the entry).
EXPECTED_STEPS = {
    PathwayStatus.CANDIDATE: {Transition.DECIDE, Transition.WITHDRAW},
    PathwayStatus.SELECTED: {Transition.CLASSIFY, Transition.WITHDRAW},
    PathwayStatus.CLASSIFIED: {Transition.ASSIGN, Transition.WITHDRAW},
    PathwayStatus.ASSIGNED: {Transition.START, Transition.WITHDRAW},
    PathwayStatus.IN_WORKSHOP: {Transition.SUSPEND, Transition.EXIT},
    PathwayStatus.SUSPENDED: {Transition.RESUME, Transition.EXIT},
    PathwayStatus.NOT_SELECTED: set(),
    PathwayStatus.NOT_CLASSIFIED: set(),
    PathwayStatus.WITHDRAWN: set(),
    PathwayStatus.EXITED: set(),
}


# --- Numéro d'écrou -------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["  00123-a ", "123A", "123a", "0123 A", "123.A", "00123/a"])
def test_ecrou_typed_with_spaces_zeros_dashes_or_lower_case_is_the_same_ecrou(typed):
    assert rules.ecrou_key(typed) == rules.ecrou_key("123A") == "123A"


@pytest.mark.parametrize("other", ["1230A", "123B", "A123", "12-3A-7"])
def test_different_ecrous_keep_different_keys(other):
    assert rules.ecrou_key(other) != rules.ecrou_key("123A")


@pytest.mark.parametrize("typed", ["", "   ", "-", " - / . ", None])
def test_ecrou_of_punctuation_only_has_an_empty_key(typed):
    assert rules.ecrou_key(typed) == ""


# --- Contract ---------------------------------------------------------------------------------------------


def test_contract_started_on_30_april_2022_is_an_acte_d_engagement():
    assert rules.contract_kind_on(datetime.date(2022, 4, 30)) == ContractKind.ENGAGEMENT_ACT


def test_contract_started_on_1_may_2022_is_a_contrat_d_emploi_penitentiaire():
    assert rules.contract_kind_on(datetime.date(2022, 5, 1)) == ContractKind.CEP


def test_contract_started_long_before_2022_is_an_acte_d_engagement_and_later_ones_cep():
    assert rules.contract_kind_on(datetime.date(2017, 6, 1)) == ContractKind.ENGAGEMENT_ACT
    assert rules.contract_kind_on(datetime.date(2025, 1, 6)) == ContractKind.CEP


def smic_in_force(day):
    """Read from the rows the migrations loaded (programmes/data/smic_rates.csv), independently of rates.py."""
    return SmicRate.objects.filter(valid_from__lte=day).order_by("-valid_from").first().hourly_amount


def lowest_pay_in_cents(smic):
    """The smallest pay in cents that reaches 45 % of the SMIC."""
    return (smic * Decimal("0.45")).quantize(Decimal("0.01"), rounding=ROUND_CEILING)


def contract_errors(*, start=ENTRY, hours=Decimal("24"), pay=Decimal("8.00"), smic=Decimal("11.88"), signed_on=None,
                    earliest=None, today=TODAY):
    return rules.check_contract(start=start, signed_on=signed_on, hours_per_week=hours, hourly_pay=pay, smic=smic,
                                earliest=earliest, today=today)


@pytest.mark.parametrize("hours", [Decimal("10"), Decimal("10.5"), Decimal("24"), Decimal("35")])
def test_contract_of_10_to_35_hours_a_week_is_accepted(hours):
    assert contract_errors(hours=hours) == {}


@pytest.mark.parametrize("hours", [Decimal("9.5"), Decimal("35.5"), Decimal("0"), Decimal("48")])
def test_contract_under_10_or_over_35_hours_a_week_is_refused_in_french(hours):
    errors = contract_errors(hours=hours)

    assert list(errors) == ["hours_per_week"]
    assert "entre 10 et 35 heures" in errors["hours_per_week"]


@pytest.mark.django_db
@pytest.mark.parametrize("start", [datetime.date(2017, 6, 1), datetime.date(2022, 5, 1), datetime.date(2024, 11, 1),
                                   datetime.date(2025, 3, 24)])
def test_pay_at_45_percent_of_the_smic_in_force_is_accepted_one_cent_less_is_refused(start):
    smic = smic_in_force(start)
    floor = lowest_pay_in_cents(smic)
    assert floor >= smic * Decimal("0.45") > floor - Decimal("0.01")

    assert contract_errors(start=start, pay=floor, smic=smic) == {}
    errors = contract_errors(start=start, pay=floor - Decimal("0.01"), smic=smic)
    assert list(errors) == ["hourly_pay"]
    assert "45 % du SMIC" in errors["hourly_pay"]
    assert str(floor).replace(".", ",") in errors["hourly_pay"]


@pytest.mark.django_db
def test_pay_enough_before_a_smic_rise_is_too_low_from_the_day_of_the_rise():
    before, rise = datetime.date(2024, 10, 31), datetime.date(2024, 11, 1)
    assert smic_in_force(before) < smic_in_force(rise)
    pay = lowest_pay_in_cents(smic_in_force(before))

    assert contract_errors(start=before, pay=pay, smic=smic_in_force(before)) == {}
    assert "hourly_pay" in contract_errors(start=rise, pay=pay, smic=smic_in_force(rise))


def test_pay_without_a_known_smic_is_refused_with_a_message_asking_for_the_rate():
    errors = contract_errors(smic=None)

    assert "SMIC" in errors["hourly_pay"]


def test_contract_starting_or_signed_in_the_future_is_refused():
    assert "contract_start" in contract_errors(start=TODAY + datetime.timedelta(days=1))
    assert "contract_signed_on" in contract_errors(signed_on=TODAY + datetime.timedelta(days=1))
    assert contract_errors(start=TODAY, signed_on=TODAY) == {}


def test_contract_starting_before_the_previous_step_is_refused_and_on_the_same_day_accepted():
    errors = contract_errors(start=ENTRY, earliest=ENTRY + datetime.timedelta(days=1))

    assert "précéder" in errors["contract_start"]
    assert contract_errors(start=ENTRY, earliest=ENTRY) == {}


# --- Exit ---------------------------------------------------------------------------------------------------

# Each reason with the companions it needs (issue 4, section 3).
REASON_COMPANIONS = {
    ExitReason.RELEASE_END_OF_SENTENCE: {},
    ExitReason.RELEASE_ADJUSTMENT: {"adjustment": SentenceAdjustment.LSC},
    ExitReason.RETURN_ORDINARY_DETENTION: {"return_reason": ReturnReason.DISCIPLINARY},
    ExitReason.TRANSFER: {},
    ExitReason.RESIGNATION: {},
    ExitReason.TERMINATION: {},
    ExitReason.HEALTH: {},
    ExitReason.OTHER: {},
}


def exit_errors(**kwargs):
    facts = {"on": ENTRY + datetime.timedelta(days=90), "entry": ENTRY, "reason": ExitReason.OTHER,
             "outcome": Outcome.OTHER, "today": TODAY}
    return rules.check_exit(**(facts | kwargs))


def test_every_exit_reason_has_its_companions_listed_here():
    assert set(REASON_COMPANIONS) == set(ExitReason)


@pytest.mark.parametrize("reason", list(ExitReason))
def test_each_exit_reason_with_its_companions_is_accepted(reason):
    assert exit_errors(reason=reason, **REASON_COMPANIONS[reason]) == {}


@pytest.mark.parametrize("adjustment", list(SentenceAdjustment))
def test_release_under_each_sentence_adjustment_is_accepted(adjustment):
    assert exit_errors(reason=ExitReason.RELEASE_ADJUSTMENT, adjustment=adjustment) == {}


def test_release_under_adjustment_without_the_adjustment_is_refused():
    errors = exit_errors(reason=ExitReason.RELEASE_ADJUSTMENT)

    assert list(errors) == ["adjustment"]
    assert "aménagement" in errors["adjustment"]


@pytest.mark.parametrize("reason", sorted(set(ExitReason) - {ExitReason.RELEASE_ADJUSTMENT}))
def test_adjustment_is_refused_for_any_other_reason(reason):
    errors = exit_errors(reason=reason, adjustment=SentenceAdjustment.SL, **REASON_COMPANIONS[reason])

    assert list(errors) == ["adjustment"]


def test_return_to_ordinary_detention_without_its_sub_reason_is_refused():
    errors = exit_errors(reason=ExitReason.RETURN_ORDINARY_DETENTION)

    assert list(errors) == ["return_reason"]
    assert "retour en détention ordinaire" in errors["return_reason"]


@pytest.mark.parametrize("return_reason", list(ReturnReason))
def test_return_to_ordinary_detention_with_each_sub_reason_is_accepted(return_reason):
    assert exit_errors(reason=ExitReason.RETURN_ORDINARY_DETENTION, return_reason=return_reason) == {}


@pytest.mark.parametrize("reason", sorted(set(ExitReason) - {ExitReason.RETURN_ORDINARY_DETENTION}))
def test_return_sub_reason_is_refused_for_any_other_reason(reason):
    errors = exit_errors(reason=reason, return_reason=ReturnReason.OWN_REQUEST, **REASON_COMPANIONS[reason])

    assert list(errors) == ["return_reason"]


def test_exit_without_reason_or_outcome_asks_for_both():
    errors = exit_errors(reason="", outcome="")

    assert "motif" in errors["exit_reason"]
    assert "situation" in errors["outcome"]


def test_exit_before_entry_is_refused_and_on_the_day_of_entry_accepted():
    errors = exit_errors(on=ENTRY - datetime.timedelta(days=1))

    assert "précéder l'entrée" in errors["exit_on"]
    assert exit_errors(on=ENTRY) == {}


def test_exit_in_the_future_is_refused():
    errors = exit_errors(on=TODAY + datetime.timedelta(days=1))

    assert "futur" in errors["exit_on"]


# --- Outcome of an exit into a job (docs/domain.md §7.2) -------------------------------------------------------


def job_errors(outcome, contract="", months=None):
    return rules.check_job(outcome=outcome, job_contract=contract, job_months=months)


@pytest.mark.parametrize("contract", [JobContract.CDD, JobContract.INTERIM])
def test_fixed_term_job_of_6_months_is_transition_employment(contract):
    assert job_errors(Outcome.TRANSITION, contract, 6) == {}
    errors = job_errors(Outcome.DURABLE, contract, 6)
    assert "transition" in errors["outcome"]


@pytest.mark.parametrize("contract", [JobContract.CDD, JobContract.INTERIM])
def test_fixed_term_job_of_7_months_is_durable_employment(contract):
    assert job_errors(Outcome.DURABLE, contract, 7) == {}
    errors = job_errors(Outcome.TRANSITION, contract, 7)
    assert "durable" in errors["outcome"]


def test_fixed_term_job_without_its_length_asks_for_it():
    errors = job_errors(Outcome.TRANSITION, JobContract.CDD)

    assert "durée" in errors["job_months"]


@pytest.mark.parametrize("contract", [JobContract.CDI, JobContract.PUBLIC_SERVICE, JobContract.BUSINESS_CREATION])
def test_cdi_public_service_and_business_creation_are_durable_employment(contract):
    assert job_errors(Outcome.DURABLE, contract) == {}
    assert "outcome" in job_errors(Outcome.TRANSITION, contract)


def test_length_is_refused_for_a_cdi():
    assert "job_months" in job_errors(Outcome.DURABLE, JobContract.CDI, 12)


def test_contrat_aide_is_transition_employment():
    assert job_errors(Outcome.TRANSITION, JobContract.SUBSIDISED) == {}
    errors = job_errors(Outcome.DURABLE, JobContract.SUBSIDISED)
    assert "transition" in errors["outcome"]


@pytest.mark.parametrize("outcome", [Outcome.DURABLE, Outcome.TRANSITION])
def test_hiring_on_a_cddi_by_an_siae_is_a_positive_exit_not_employment(outcome):
    months = 12 if outcome == Outcome.DURABLE else 4
    errors = job_errors(outcome, JobContract.CDDI, months)

    assert "outcome" in errors or "job_contract" in errors


@pytest.mark.parametrize("outcome", [Outcome.DURABLE, Outcome.TRANSITION])
def test_employment_outcome_without_a_contract_type_asks_for_it(outcome):
    errors = job_errors(outcome)

    assert "type de contrat" in errors["job_contract"]


@pytest.mark.parametrize("outcome", [Outcome.POSITIVE, Outcome.OTHER, Outcome.NEUTRALISED])
def test_job_contract_and_length_are_refused_for_an_outcome_that_is_not_a_job(outcome):
    assert job_errors(outcome) == {}
    assert "job_contract" in job_errors(outcome, JobContract.CDI)
    assert job_errors(outcome, "", 6) != {}


def test_exit_check_includes_the_job_check():
    errors = exit_errors(outcome=Outcome.DURABLE, job_contract=JobContract.CDD, job_months=3)

    assert "transition" in errors["outcome"]


# --- Default outcomes -----------------------------------------------------------------------------------


def test_return_to_ordinary_detention_defaults_to_other_exit():
    assert rules.default_outcome(ExitReason.RETURN_ORDINARY_DETENTION) == Outcome.OTHER


@pytest.mark.parametrize("reason", [ExitReason.TRANSFER, ExitReason.HEALTH])
def test_transfer_and_health_default_to_a_neutralised_exit(reason):
    assert rules.default_outcome(reason) == Outcome.NEUTRALISED


@pytest.mark.parametrize("reason", [ExitReason.RELEASE_END_OF_SENTENCE, ExitReason.RELEASE_ADJUSTMENT,
                                    ExitReason.RESIGNATION, ExitReason.TERMINATION, ExitReason.OTHER])
def test_other_reasons_have_no_default_outcome(reason):
    assert rules.default_outcome(reason) == ""


# --- Birth date ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("birth_date", [datetime.date(2010, 6, 15), datetime.date(1990, 1, 1),
                                        datetime.date(1926, 6, 15), None])
def test_birth_date_giving_16_to_100_years_is_accepted(birth_date):
    assert rules.check_birth_date(birth_date, TODAY) == {}


@pytest.mark.parametrize("birth_date", [datetime.date(2010, 6, 16), datetime.date(1925, 6, 15),
                                        datetime.date(2026, 6, 16), datetime.date(1826, 6, 15)])
def test_birth_date_giving_under_16_or_over_100_years_or_in_the_future_is_refused(birth_date):
    errors = rules.check_birth_date(birth_date, TODAY)

    assert list(errors) == ["birth_date"]
    assert "vérifiez" in errors["birth_date"]


def test_age_goes_up_on_the_birthday_not_the_day_before():
    assert rules.age_on(datetime.date(1990, 4, 12), datetime.date(2026, 4, 11)) == 35
    assert rules.age_on(datetime.date(1990, 4, 12), datetime.date(2026, 4, 12)) == 36


# --- Which steps each status offers ------------------------------------------------------------------------


def test_every_status_is_listed_in_the_expected_table():
    assert set(EXPECTED_STEPS) == set(PathwayStatus)


@pytest.mark.parametrize("status", list(PathwayStatus))
def test_steps_offered_from_each_status(status):
    assert set(rules.transitions_from(status)) == EXPECTED_STEPS[status]


@pytest.mark.parametrize("status", list(PathwayStatus))
def test_check_allowed_agrees_with_the_steps_offered_and_speaks_french(status):
    for step in ("DECIDE", "CLASSIFY", "ASSIGN", "START", "SUSPEND", "RESUME", "EXIT", "WITHDRAW"):
        errors = rules.check_allowed(step, status)
        if step in EXPECTED_STEPS[status]:
            assert errors == {}
        else:
            assert str(PathwayStatus(status).label) in errors[None]
            assert "n'est possible que depuis" in errors[None]
