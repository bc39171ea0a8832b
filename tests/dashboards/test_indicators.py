"""Every indicator of dashboards/indicators.py against data built by hand, with the expected values computed by
hand in the comments (issue 6, sections 1 and 4). Rows go through the participants' services (builders.py),
except the department-sized fixture, bulk-created.
"""

import datetime
import json
from decimal import Decimal

import pytest

from dashboards import indicators, report, scopes, tables
from dashboards.periods import Period, year
from participants import services
from participants.enums import EducationLevel as Edu
from participants.enums import EventKind, ExitReason, JobContract, Outcome, SessionDecision, Sex
from participants.enums import JobseekerDuration as Job
from programmes.enums import AnnexStatus, AspMeasure, SiaeKind
from programmes.models import Programme
from tests.dashboards import builders as b
from tests.programmes.convention_factories import make_funding

pytestmark = pytest.mark.django_db

D = datetime.date
Q1_2023 = Period(D(2023, 1, 1), D(2023, 3, 31))  # 90 days
YEAR_2023 = year(2023)
# The keys the issue names (section 3): stable, and all in the catalogue.
ISSUE_KEYS = [
    "sessions", "candidates", "selected", "entrants", "in_pathway", "exits", "returns_to_ordinary_detention",
    "releases", "releases_with_adjustment", "outcome_durable", "outcome_transition", "outcome_positive",
    "outcome_other", "outcome_neutralised", "rate_dynamic_exits", "rate_employment", "rate_durable_employment",
    "women_pct", "age_50_plus_pct", "rsa_pct", "deld_pct", "pmsmp", "hours_worked", "etp_achieved",
    "etp_conventioned", "occupation_rate", "median_days_in_pathway",
]
COUNT_KEYS = [i.key for i in indicators.CATALOGUE if i.unit in ("people", "count")]
PCT_KEYS = [i.key for i in indicators.CATALOGUE if i.unit == "pct"]


def totals(*programmes, period):
    return indicators.totals(Programme.objects.filter(pk__in=[p.pk for p in programmes]), period)


def pick(values: dict, *keys) -> dict:
    return {key: values[key] for key in keys}


def test_the_catalogue_holds_every_key_the_issue_names_once_with_a_label():
    assert set(ISSUE_KEYS) <= set(indicators.KEYS)
    assert len(indicators.KEYS) == len(set(indicators.KEYS))
    for indicator in indicators.CATALOGUE:
        assert indicator.label.strip() and indicator.label != indicator.key, indicator.key
        assert indicator.unit in ("people", "count", "pct", "days", "hours", "etp"), indicator.key


# --- Flows and stocks: the period's bounds ----------------------------------------------------------------


@pytest.fixture
def at_the_bounds():
    """Q1 2023. For each date series: the day before, the first day, the last day, the day after."""
    prog = b.programme()
    outside = D(2022, 12, 1)  # every entrant's and leaver's selection session: before the period
    for day in (D(2022, 12, 31), D(2023, 1, 1), D(2023, 3, 31), D(2023, 4, 1)):
        b.candidacy(prog, day)  # one undecided candidate at a session of that day
    for start in (D(2022, 12, 31), D(2023, 1, 1), D(2023, 3, 31), D(2023, 4, 1)):
        b.entrant(prog, start, session_day=outside)
    leavers = [b.leaver(prog, D(2022, 12, 5), exit_on, session_day=outside)
               for exit_on in (D(2022, 12, 31), D(2023, 1, 1), D(2023, 3, 31), D(2023, 4, 1))]
    last = leavers[-1]  # in the workshop from 5 December 2022 to 1 April 2023
    for month, amount in ((D(2022, 12, 1), 10), (D(2023, 1, 1), 20), (D(2023, 3, 1), 40), (D(2023, 4, 1), 80)):
        b.hours(last, month, amount)
    for day in (D(2022, 12, 31), D(2023, 1, 1), D(2023, 3, 31), D(2023, 4, 1)):
        b.event(last, EventKind.CIP_INTERVIEW, day)
    return prog


def test_dates_on_the_first_and_last_day_count_and_one_day_outside_does_not(at_the_bounds):
    values = totals(at_the_bounds, period=Q1_2023)

    assert pick(values, "sessions", "candidates", "selected", "selection_rate", "entrants", "exits", "releases",
                "in_pathway", "hours_worked", "cip_interviews") == {
        "sessions": 2,  # 1 January and 31 March (the entrants' session of 1 December is outside)
        "candidates": 2,  # the candidates of those two sessions
        "selected": 0,
        "selection_rate": Decimal("0.0"),  # 0 / 2
        "entrants": 2,  # started on 1 January and on 31 March
        "exits": 2,  # left on 1 January and on 31 March (releases at the end of the sentence)
        "releases": 2,
        # On 31 March: entered on 31 December, 1 January and 31 March, and the one who left on 1 April;
        # the one who left on 31 March is out.
        "in_pathway": 4,
        "hours_worked": Decimal("60.0"),  # January 20 + March 40 (December's and April's months are outside)
        "cip_interviews": 2,  # 1 January and 31 March
    }


# --- Outcomes and rates ------------------------------------------------------------------------------------


@pytest.fixture
def outcomes():
    """Nine exits in 2023 and one on 31 December 2022, all entered on 2 January (2022: 3 October)."""
    prog = b.programme()
    start, R, Out = D(2023, 1, 2), ExitReason, Outcome
    for exit_on in (D(2023, 3, 1), D(2023, 5, 2)):
        b.leaver(prog, start, exit_on, reason=R.RELEASE_END_OF_SENTENCE, outcome=Out.DURABLE)
    b.leaver(prog, start, D(2023, 4, 3), reason=R.RELEASE_ADJUSTMENT, outcome=Out.TRANSITION)
    b.leaver(prog, start, D(2023, 6, 5), reason=R.RELEASE_ADJUSTMENT, outcome=Out.POSITIVE)
    b.leaver(prog, start, D(2023, 2, 6), reason=R.RETURN_ORDINARY_DETENTION, outcome=Out.OTHER)
    b.leaver(prog, start, D(2023, 2, 7), reason=R.RETURN_ORDINARY_DETENTION, outcome=Out.OTHER)
    b.leaver(prog, start, D(2023, 7, 3), reason=R.RELEASE_END_OF_SENTENCE, outcome=Out.OTHER)
    b.leaver(prog, start, D(2023, 8, 1), reason=R.TRANSFER, outcome=Out.NEUTRALISED)
    b.leaver(prog, start, D(2023, 9, 1), reason=R.HEALTH, outcome=Out.NEUTRALISED)
    b.leaver(prog, D(2022, 10, 3), D(2022, 12, 31), reason=R.RELEASE_END_OF_SENTENCE, outcome=Out.DURABLE)
    return prog


def test_every_exit_counts_under_exactly_one_reason(outcomes):
    values = totals(outcomes, period=YEAR_2023)

    assert pick(values, "exits_transfer", "exits_health", "exits_resignation", "exits_termination",
                "exits_other_reason") == {"exits_transfer": 1, "exits_health": 1, "exits_resignation": 0,
                                          "exits_termination": 0, "exits_other_reason": 0}
    # 2 returns + 5 releases + 1 transfer + 1 health = the 9 exits of 2023
    assert sum(values[key] for key in indicators.REASON_KEYS) == values["exits"] == 9


def test_exits_by_reason_and_outcome(outcomes):
    values = totals(outcomes, period=YEAR_2023)

    assert pick(values, "exits", "returns_to_ordinary_detention", "releases", "releases_with_adjustment",
                "releases_dynamic", "return_rate", "adjustment_rate", "outcome_durable", "outcome_transition",
                "outcome_positive", "outcome_other", "outcome_neutralised") == {
        "exits": 9,  # the exit of 31 December 2022 is outside
        "returns_to_ordinary_detention": 2,
        "releases": 5,  # 2 durable + 1 transition + 1 positive + 1 other, at the end of the sentence or adjusted
        "releases_with_adjustment": 2,  # the transition and the positive
        "releases_dynamic": 4,  # the releases with a durable, transition or positive outcome
        "return_rate": Decimal("22.2"),  # 2 / 9 = 22.22 %
        "adjustment_rate": Decimal("40.0"),  # 2 / 5
        "outcome_durable": 2,
        "outcome_transition": 1,
        "outcome_positive": 1,
        "outcome_other": 3,  # 2 returns + 1 release without a solution
        "outcome_neutralised": 2,  # the transfer and the health exit
    }


def test_release_based_rates_and_the_continuity_rate_are_on_the_releases(outcomes):
    """docs/domain.md §6.3: the 5 releases of 2023 (2 durable, 1 transition, 1 positive, 1 other) plus one
    release hired in a CDDI by another SIAE (positive) and one neutralised release; the 2 returns to ordinary
    detention are exits, not releases, and weigh on none of these rates."""
    b.leaver(outcomes, D(2023, 1, 2), D(2023, 10, 2), outcome=Outcome.POSITIVE, job_contract=JobContract.CDDI)
    b.leaver(outcomes, D(2023, 1, 2), D(2023, 10, 3), outcome=Outcome.NEUTRALISED)

    values = totals(outcomes, period=YEAR_2023)

    assert values["releases"] == 7
    assert pick(values, "release_rate_dynamic", "release_rate_employment", "release_rate_durable_employment",
                "continuity_rate") == {
        "release_rate_dynamic": Decimal("83.3"),  # 5 dynamic / (7 - 1 neutralised)
        "release_rate_employment": Decimal("50.0"),  # 3 / 6
        "release_rate_durable_employment": Decimal("33.3"),  # 2 / 6
        "continuity_rate": Decimal("14.3"),  # 1 CDDI / 7 releases
    }
    assert values["rate_dynamic_exits"] == Decimal("62.5")  # beside them, on the exits: 5 / (11 - 3 neutralised)


def test_the_three_rates_leave_neutralised_exits_out_of_the_denominator(outcomes):
    values = totals(outcomes, period=YEAR_2023)

    # Denominator: 9 exits - 2 neutralised = 7 (with them: 4 / 9 = 44.4 %, 3 / 9 = 33.3 %, 2 / 9 = 22.2 %).
    assert pick(values, "rate_dynamic_exits", "rate_employment", "rate_durable_employment") == {
        "rate_dynamic_exits": Decimal("57.1"),  # (2 + 1 + 1) / 7 = 57.14 %
        "rate_employment": Decimal("42.9"),  # (2 + 1) / 7 = 42.86 %, half up
        "rate_durable_employment": Decimal("28.6"),  # 2 / 7 = 28.57 %
    }


def test_rates_are_not_computable_when_every_exit_is_neutralised():
    prog = b.programme()
    b.leaver(prog, D(2023, 1, 2), D(2023, 3, 1), reason=ExitReason.TRANSFER, outcome=Outcome.NEUTRALISED)

    values = totals(prog, period=YEAR_2023)

    assert values["exits"] == 1 and values["outcome_neutralised"] == 1
    assert values["rate_dynamic_exits"] is None
    assert values["rate_employment"] is None
    assert values["rate_durable_employment"] is None
    assert values["return_rate"] == Decimal("0.0")  # 0 returns / 1 exit: computable


# --- The department-like fixture (Sarthe 2015, docs/domain.md §11.3) ----------------------------------------------


@pytest.fixture
def department_72():
    """951 exits in 2023 in three programmes of the Sarthe: 628 dynamic (228 durable, 280 transition,
    120 positive) and 323 other exits."""
    split = [
        {Outcome.DURABLE: 100, Outcome.TRANSITION: 150, Outcome.POSITIVE: 50, Outcome.OTHER: 100},  # 400
        {Outcome.DURABLE: 100, Outcome.TRANSITION: 100, Outcome.POSITIVE: 50, Outcome.OTHER: 150},  # 400
        {Outcome.DURABLE: 28, Outcome.TRANSITION: 30, Outcome.POSITIVE: 20, Outcome.OTHER: 73},  # 151
    ]
    programmes = []
    for outcomes_of in split:
        prog = b.programme(department_code="72")
        b.bulk_exits(prog, start=D(2023, 1, 2), exit_on=D(2023, 6, 30), outcomes=outcomes_of)
        programmes.append(prog)
    return programmes


def test_department_with_951_exits_628_dynamic_228_durable_gives_66_0_and_24_0_percent(department_72):
    scope = scopes.resolve(b.national_user(), scopes.Level.DEPARTMENT, "72")
    values = report.build(scope, YEAR_2023, with_children=False).values

    assert pick(values, "exits", "outcome_durable", "outcome_neutralised", "rate_dynamic_exits",
                "rate_employment", "rate_durable_employment") == {
        "exits": 951,
        "outcome_durable": 228,
        "outcome_neutralised": 0,
        "rate_dynamic_exits": Decimal("66.0"),  # 628 / 951 = 66.04 %
        "rate_employment": Decimal("53.4"),  # (228 + 280) / 951 = 53.42 %
        "rate_durable_employment": Decimal("24.0"),  # 228 / 951 = 23.97 %
    }


def test_neutralised_exits_added_to_the_department_leave_its_rates_unchanged(department_72):
    b.bulk_exits(department_72[2], start=D(2023, 1, 2), exit_on=D(2023, 9, 29), outcomes={Outcome.NEUTRALISED: 49},
                 reason=ExitReason.HEALTH)
    scope = scopes.resolve(b.national_user(), scopes.Level.DEPARTMENT, "72")
    values = report.build(scope, YEAR_2023, with_children=False).values

    assert values["exits"] == 1000
    # Still 628 / (1000 - 49) and 228 / 951; with the neutralised ones in: 62.8 % and 22.8 %.
    assert values["rate_dynamic_exits"] == Decimal("66.0")
    assert values["rate_durable_employment"] == Decimal("24.0")


def test_grouped_counts_add_up_to_the_total_and_each_group_has_its_own_rates(department_72):
    programmes = Programme.objects.filter(pk__in=[p.pk for p in department_72])
    total = indicators.totals(programmes, YEAR_2023)
    grouped = indicators.compute(programmes, YEAR_2023, by="establishment_id")

    assert set(grouped) == {p.establishment_id for p in department_72}
    for key in COUNT_KEYS:
        assert sum(group[key] for group in grouped.values()) == total[key], key
    first, _second, third = (grouped[p.establishment_id] for p in department_72)
    assert first["rate_dynamic_exits"] == Decimal("75.0")  # 300 / 400
    assert third["rate_durable_employment"] == Decimal("18.5")  # 28 / 151 = 18.54 %


# --- Time -------------------------------------------------------------------------------------------------


@pytest.fixture
def durations():
    prog = b.programme()
    b.leaver(prog, D(2023, 1, 2), D(2023, 2, 1))  # 30 days
    b.leaver(prog, D(2023, 1, 2), D(2023, 2, 16))  # 45 days
    b.leaver(prog, D(2023, 1, 2), D(2023, 4, 2))  # 90 days
    b.leaver(prog, D(2022, 12, 1), D(2023, 3, 11))  # 100 days: entered in 2022, left in 2023
    b.leaver(prog, D(2020, 1, 6), D(2022, 12, 30))  # left in 2022: outside
    b.entrant(prog, D(2023, 1, 2))  # still in: no duration yet
    # Classification to assignment: 7, 14, 3 (assigned on the period's first day) and 30 days; 29 outside.
    b.entrant(prog, D(2023, 1, 23), classified_on=D(2023, 1, 10), assigned_on=D(2023, 1, 17))
    b.entrant(prog, D(2023, 2, 20), classified_on=D(2023, 2, 1), assigned_on=D(2023, 2, 15))
    b.entrant(prog, D(2023, 1, 9), classified_on=D(2022, 12, 29), assigned_on=D(2023, 1, 1))
    b.entrant(prog, D(2023, 4, 3), classified_on=D(2023, 3, 1), assigned_on=D(2023, 3, 31))
    b.entrant(prog, D(2023, 1, 3), classified_on=D(2022, 12, 2), assigned_on=D(2022, 12, 31))
    return prog


def test_median_and_mean_days_in_the_pathway_count_the_pathways_closed_in_the_period(durations):
    values = totals(durations, period=YEAR_2023)

    assert values["median_days_in_pathway"] == Decimal("67.5")  # 30, 45, 90, 100: (45 + 90) / 2
    assert values["mean_days_in_pathway"] == Decimal("66.3")  # 265 / 4 = 66.25, half up


def test_median_delay_from_classification_to_assignment_counts_the_assignments_of_the_period(durations):
    values = totals(durations, period=YEAR_2023)

    assert values["median_days_classification_to_assignment"] == Decimal("10.5")  # 3, 7, 14, 30: (7 + 14) / 2


def test_grouped_durations_are_computed_within_each_group():
    here, there = b.programme(), b.programme()
    for days in (10, 20, 60):
        b.leaver(here, D(2023, 1, 2), D(2023, 1, 2) + datetime.timedelta(days=days))
    for days in (5, 7):
        b.leaver(there, D(2023, 1, 2), D(2023, 1, 2) + datetime.timedelta(days=days))
    programmes = Programme.objects.filter(pk__in=[here.pk, there.pk])

    grouped = indicators.compute(programmes, YEAR_2023, by="establishment_id")

    assert pick(grouped[here.establishment_id], "median_days_in_pathway", "mean_days_in_pathway") == {
        "median_days_in_pathway": Decimal("20.0"), "mean_days_in_pathway": Decimal("30.0")}  # 10, 20, 60
    assert pick(grouped[there.establishment_id], "median_days_in_pathway", "mean_days_in_pathway") == {
        "median_days_in_pathway": Decimal("6.0"), "mean_days_in_pathway": Decimal("6.0")}  # 5, 7
    assert indicators.totals(programmes, YEAR_2023)["median_days_in_pathway"] == Decimal("10.0")  # 5 7 10 20 60


def test_durations_are_not_computable_without_closed_pathways():
    prog = b.programme()
    b.entrant(prog, D(2023, 1, 2))

    values = totals(prog, period=YEAR_2023)

    assert values["median_days_in_pathway"] is None
    assert values["mean_days_in_pathway"] is None
    assert values["median_days_classification_to_assignment"] is None


# --- Work -------------------------------------------------------------------------------------------------


@pytest.fixture
def work():
    """Q1 2023 (90 days) in a programme of an ACI."""
    prog = b.programme(kind=SiaeKind.ACI)
    worker = b.entrant(prog, D(2022, 11, 7))
    for month, amount in ((D(2022, 12, 1), 100), (D(2023, 1, 1), 80), (D(2023, 2, 1), 90), (D(2023, 3, 1), 100)):
        b.hours(worker, month, amount)
    newcomer = b.imported(b.entrant(prog, D(2023, 2, 1)), hours_worked="150.5")  # entered in the period
    b.hours(newcomer, D(2023, 3, 1), "49.5")
    b.imported(b.entrant(prog, D(2022, 6, 1)), hours_worked=1000)  # entered before: its import is not counted
    # ETP conventioned: 3 ETP until 31 January, then 6; a draft annex and an annex of 2022 do not count.
    b.annex(prog.siae, D(2022, 1, 1), D(2023, 1, 31), 3)
    b.annex(prog.siae, D(2023, 2, 1), D(2023, 12, 31), 6)
    b.annex(prog.siae, D(2023, 1, 1), D(2023, 12, 31), 100, status=AnnexStatus.DRAFT)
    b.annex(prog.siae, D(2022, 1, 1), D(2022, 12, 31), 50)
    return prog


def test_hours_worked_add_monthly_hours_of_the_period_and_imported_hours_of_its_entrants(work):
    values = totals(work, period=Q1_2023)

    assert values["hours_worked"] == Decimal("470.0")  # 80 + 90 + 100 + 49.5 + 150.5


def test_etp_achieved_are_the_hours_over_the_reference_prorated_to_the_period(work):
    values = totals(work, period=Q1_2023)

    # 470 h / (1820 h x 90 / 365) = 1.0473
    assert values["etp_achieved"] == Decimal("1.05")


def test_etp_conventioned_average_the_validated_annexes_over_the_period(work):
    values = totals(work, period=Q1_2023)

    # (3 ETP x 31 days + 6 ETP x 59 days) / 90 days = 447 / 90 = 4.967
    assert values["etp_conventioned"] == Decimal("4.97")
    assert values["occupation_rate"] == Decimal("21.1")  # 1.05 / 4.97 = 21.13 %


def test_etp_conventioned_count_only_the_annexes_of_the_measures_in_detention():
    prog = b.programme(kind=SiaeKind.ACI)
    b.annex(prog.siae, D(2023, 1, 1), D(2023, 12, 31), 2, measure=AspMeasure.ACI_MP)
    b.annex(prog.siae, D(2023, 1, 1), D(2023, 12, 31), 10, measure=AspMeasure.ACI_DC)  # its workshops outside

    assert totals(prog, period=YEAR_2023)["etp_conventioned"] == Decimal("2.00")


def test_the_reference_hours_setting_applies_to_the_programme_s_measure(work, settings):
    settings.INDICATORS_REFERENCE_HOURS = {**settings.INDICATORS_REFERENCE_HOURS, "ACI_MP": 1600}

    assert totals(work, period=Q1_2023)["etp_achieved"] == Decimal("1.19")  # 470 / (1600 x 90 / 365) = 1.191


def test_an_ei_programme_uses_the_ei_reference_hours(settings):
    settings.INDICATORS_REFERENCE_HOURS = {**settings.INDICATORS_REFERENCE_HOURS, "EI_MP": 910}
    aci, ei = b.programme(kind=SiaeKind.ACI), b.programme(kind=SiaeKind.EI)
    for prog in (aci, ei):
        worker = b.entrant(prog, D(2022, 12, 5))
        for month in (1, 2, 3, 4):
            b.hours(worker, D(2023, month, 1), "227.5")  # 910 h in 2023

    # A full year (365 days): ACI 910 / 1820 = 0.5 ETP, EI 910 / 910 = 1 ETP.
    assert totals(aci, period=YEAR_2023)["etp_achieved"] == Decimal("0.50")
    assert totals(ei, period=YEAR_2023)["etp_achieved"] == Decimal("1.00")
    assert totals(aci, ei, period=YEAR_2023)["etp_achieved"] == Decimal("1.50")


def test_occupation_rate_is_not_computable_without_an_annex():
    prog = b.programme()
    b.hours(b.entrant(prog, D(2022, 12, 5)), D(2023, 1, 1), 100)

    values = totals(prog, period=Q1_2023)

    assert values["etp_conventioned"] == Decimal("0.00")
    assert values["occupation_rate"] is None


def test_without_any_hour_entered_the_occupation_says_heures_non_saisies_not_0_percent():
    """Issue 16, §3: 32 people in the pathway and 0,0 % occupation; the hours were simply not entered."""
    prog = b.programme(kind=SiaeKind.ACI)
    b.annex(prog.siae, D(2023, 1, 1), D(2023, 12, 31), 4, measure=AspMeasure.ACI_MP)
    b.entrant(prog, D(2022, 12, 5))

    values = totals(prog, period=Q1_2023)
    row = tables.cell(values, "occupation_rate", "pct")

    assert (values["in_pathway"], values["etp_conventioned"], values["occupation_rate"]) == (1, Decimal("4.00"), None)
    assert (row.text, row.export) == ("heures non saisies", "heures non saisies")

    b.hours(prog.pathways.get(), D(2023, 2, 1), 100)  # once entered, the rate is computed again
    assert totals(prog, period=Q1_2023)["occupation_rate"] is not None


# --- Profile at entry -------------------------------------------------------------------------------------


@pytest.fixture
def profiles():
    """Ten entrants of 2023 (the profile of each in the comments); ages are at the entry date."""
    prog = b.programme()
    people = [
        # 1: entered 31 May 2023, aged 25 (26 the next day, and on 31 December): under 26.
        (D(2023, 5, 31), {"sex": Sex.F, "birth_date": D(1997, 6, 1), "rsa": True, "education_level": Edu.NONE}),
        # 2: 26 on the entry day: 26-49 (25 on 1 January).
        (D(2023, 3, 15), {"birth_date": D(1997, 3, 15), "jobseeker": Job.DELD, "education_level": Edu.LEVEL_3}),
        # 3: 49, 50 the next day: 26-49.
        (D(2023, 3, 15), {"birth_date": D(1973, 3, 16), "jobseeker": Job.DETLD, "education_level": Edu.LEVEL_3}),
        # 4: 50 on the entry day: 50 and over.
        (D(2023, 3, 15), {"sex": Sex.F, "birth_date": D(1973, 3, 15), "education_level": Edu.LEVEL_4}),
        # 5: 63, RSA and ASS (one beneficiary), education unknown.
        (D(2023, 3, 15), {"birth_date": D(1960, 1, 1), "rsa": True, "ass": True}),
        (D(2023, 3, 15), {"birth_date": D(1990, 1, 1), "ass": True, "education_level": Edu.LEVEL_5}),  # 6
        (D(2023, 3, 15), {"sex": Sex.F, "birth_date": D(1990, 1, 1), "aah": True,  # 7
                          "education_level": Edu.LEVEL_5}),
        (D(2023, 3, 15), {"birth_date": D(1990, 1, 1), "jobseeker": Job.DELD, "education_level": Edu.LEVEL_5}),  # 8
        (D(2023, 3, 15), {"birth_date": D(1990, 1, 1), "rqth": True, "education_level": Edu.LEVEL_5}),  # 9
        (D(2023, 3, 15), {"birth_date": D(1990, 1, 1), "education_level": Edu.LEVEL_5}),  # 10
    ]
    for start, person in people:
        b.entrant(prog, start, session_day=D(2023, 3, 1), person={"sex": Sex.M, **person})
    # Not entrants of 2023: entered on 31 December 2022; a candidate who never entered.
    b.entrant(prog, D(2022, 12, 31), person={"sex": Sex.F, "rsa": True, "rqth": True, "birth_date": D(2000, 1, 1)})
    b.candidacy(prog, D(2023, 3, 1), person={"sex": Sex.F, "aah": True, "birth_date": D(1950, 1, 1)})
    return prog


def test_profile_at_entry_of_the_period_s_entrants(profiles):
    values = totals(profiles, period=YEAR_2023)

    assert values["entrants"] == 10
    assert pick(values, "women_pct", "age_under_26_pct", "age_26_49_pct", "age_50_plus_pct", "rsa_pct",
                "benefits_pct", "deld_pct", "low_education_pct", "rqth_pct") == {
        "women_pct": Decimal("30.0"),  # 1, 4, 7
        "age_under_26_pct": Decimal("10.0"),  # 1
        "age_26_49_pct": Decimal("70.0"),  # 2, 3, 6, 7, 8, 9, 10
        "age_50_plus_pct": Decimal("20.0"),  # 4, 5
        "rsa_pct": Decimal("20.0"),  # 1, 5
        "benefits_pct": Decimal("40.0"),  # RSA, ASS or AAH: 1, 5, 6, 7 (5 has two: counted once)
        "deld_pct": Decimal("30.0"),  # DELD or DETLD: 2, 3, 8
        "low_education_pct": Decimal("30.0"),  # no diploma or level 3: 1, 2, 3 (5 unknown: not counted)
        "rqth_pct": Decimal("10.0"),  # 9
    }


def test_ages_at_an_entry_on_29_february():
    prog = b.programme()
    # Entered on 29 February 2024: born 1 March 1998 is 25 (26 the next day), born 1 March 1974 is 49.
    b.entrant(prog, D(2024, 2, 29), person={"birth_date": D(1998, 3, 1)})
    b.entrant(prog, D(2024, 2, 29), person={"birth_date": D(1974, 3, 1)})

    values = totals(prog, period=year(2024))

    assert pick(values, "age_under_26_pct", "age_26_49_pct", "age_50_plus_pct") == {
        "age_under_26_pct": Decimal("50.0"), "age_26_49_pct": Decimal("50.0"), "age_50_plus_pct": Decimal("0.0")}


# --- Accompaniment ----------------------------------------------------------------------------------------


@pytest.fixture
def accompaniment():
    prog = b.programme()
    old = b.imported(b.entrant(prog, D(2022, 11, 7)), pmsmp=5)  # entered in 2022: its imported PMSMP do not count
    for kind, days in [
        (EventKind.PMSMP, [D(2022, 12, 31), D(2023, 1, 1), D(2023, 12, 31)]),
        (EventKind.TRAINING, [D(2023, 2, 1), D(2023, 6, 1), D(2023, 12, 31), D(2024, 1, 1)]),
        (EventKind.CIP_INTERVIEW, [D(2022, 12, 31), D(2023, 1, 1), D(2023, 4, 4), D(2023, 7, 7), D(2023, 12, 31)]),
        (EventKind.COLLECTIVE_WORKSHOP, [D(2023, 5, 5)]),
    ]:
        for day in days:
            b.event(old, kind, day)
    b.imported(b.entrant(prog, D(2023, 3, 1)), pmsmp=3)  # an entrant of 2023 with 3 imported PMSMP
    return prog


def test_pmsmp_trainings_and_interviews_of_the_period(accompaniment):
    values = totals(accompaniment, period=YEAR_2023)

    assert pick(values, "pmsmp", "trainings", "cip_interviews") == {
        "pmsmp": 5,  # 1 January and 31 December 2023, plus 3 imported for the entrant of 2023
        "trainings": 3,  # 1 February, 1 June, 31 December (not 1 January 2024)
        "cip_interviews": 4,  # not 31 December 2022; a collective workshop is no interview
    }


@pytest.fixture
def follow_ups():
    """Releases and their follow-ups. In 2023, the +6 months follow-ups of releases from 1 July 2022 to
    30 June 2023 and the +12 months ones of releases in 2022 are due."""
    prog = b.programme()
    R = ExitReason
    r1 = b.leaver(prog, D(2022, 3, 1), D(2022, 7, 1))  # +6: 1 January 2023 (due); +12: 1 July 2023 (due)
    r2 = b.leaver(prog, D(2022, 3, 1), D(2022, 6, 30))  # +6: 30 December 2022 (not); +12: 30 June 2023 (due)
    r3 = b.leaver(prog, D(2023, 1, 2), D(2023, 6, 30), reason=R.RELEASE_ADJUSTMENT)  # +6: 30 December 2023
    r4 = b.leaver(prog, D(2023, 1, 2), D(2023, 7, 1))  # +6: 1 January 2024 (not)
    b.leaver(prog, D(2021, 6, 1), D(2021, 12, 31))  # +12: 31 December 2022 (not)
    b.leaver(prog, D(2022, 3, 1), D(2022, 9, 1), reason=R.RETURN_ORDINARY_DETENTION)  # not a release
    b.follow_up(r1, 6, reached=True, situation=Outcome.DURABLE)
    b.follow_up(r1, 12, reached=True, situation=Outcome.OTHER)
    b.follow_up(r1, 3, reached=True, situation=Outcome.DURABLE)  # +3 months: not an indicator
    b.follow_up(r2, 6, reached=True, situation=Outcome.POSITIVE)  # not due in 2023
    b.follow_up(r2, 12, reached=True, situation=Outcome.TRANSITION)
    b.follow_up(r3, 6, reached=False)
    b.follow_up(r4, 6, reached=True, situation=Outcome.DURABLE)  # not due in 2023
    return prog


def test_follow_ups_due_reached_and_in_employment_or_training(follow_ups):
    values = totals(follow_ups, period=YEAR_2023)

    assert pick(values, "follow_up_6_due", "follow_up_6_reached_pct", "follow_up_6_dynamic_pct",
                "follow_up_12_due", "follow_up_12_reached_pct", "follow_up_12_dynamic_pct") == {
        "follow_up_6_due": 2,  # r1, r3
        "follow_up_6_reached_pct": Decimal("50.0"),  # r1 reached, r3 not
        "follow_up_6_dynamic_pct": Decimal("100.0"),  # r1 in durable employment, among the 1 reached
        "follow_up_12_due": 2,  # r1, r2
        "follow_up_12_reached_pct": Decimal("100.0"),
        "follow_up_12_dynamic_pct": Decimal("50.0"),  # r2 in transition employment; r1 "other"
    }


def test_a_release_on_31_august_is_due_for_its_6_months_follow_up_in_february():
    prog = b.programme()
    release = b.leaver(prog, D(2022, 3, 1), D(2022, 8, 31))
    february = Period(D(2023, 2, 1), D(2023, 2, 28))
    assert services.follow_up_due_on(release, 6) == D(2023, 2, 28)

    assert totals(prog, period=february)["follow_up_6_due"] == 1


# --- Funding ----------------------------------------------------------------------------------------------


def test_funding_by_year_and_funder_for_the_years_the_period_touches():
    first, second = b.programme(), b.programme()
    make_funding(first, year=2022, funder="STATE", amount="1000")
    make_funding(first, year=2023, funder="STATE", amount="5000")
    make_funding(second, year=2023, funder="STATE", amount="500")
    make_funding(first, year=2023, funder="DEPARTEMENT", amount="2000")
    make_funding(second, year=2024, funder="EPCI", amount="300")
    make_funding(second, year=2025, funder="REGION", amount="700")
    programmes = Programme.objects.filter(pk__in=[first.pk, second.pk])

    lines = indicators.funding(programmes, Period(D(2023, 7, 1), D(2024, 6, 30)))

    assert [(line["year"], line["funder"], line["funder_label"], line["amount"]) for line in lines] == [
        (2023, "DEPARTEMENT", "Département", Decimal("2000")),
        (2023, "STATE", "État (aide au poste)", Decimal("5500")),  # 5000 + 500
        (2024, "EPCI", "EPCI", Decimal("300")),
    ]


# --- Empty scopes ---------------------------------------------------------------------------------------


def test_an_empty_scope_gives_zero_counts_and_rates_not_computable_without_error():
    values = indicators.totals(Programme.objects.none(), YEAR_2023)

    for key in COUNT_KEYS:
        assert values[key] == 0, key
    for key in PCT_KEYS:
        assert values[key] is None, key
    assert values["median_days_in_pathway"] is None
    assert values["hours_worked"] == Decimal("0.0")
    assert values["etp_achieved"] == Decimal("0.00")


def test_a_group_with_nothing_to_count_shows_what_an_empty_scope_gives():
    """The children's table shows nothing(period) for a group without figures, instead of querying for none."""
    shown = {*indicators.KEYS, *(key for i in indicators.CATALOGUE for key in i.base), "_hours_missing"}
    for period in (YEAR_2023, Period(datetime.date(2024, 2, 3), datetime.date(2024, 2, 29))):
        for raw in (False, True):
            values = indicators.totals(Programme.objects.none(), period, raw=raw)
            assert {key: indicators.nothing(period)[key] for key in shown} == {key: values[key] for key in shown}


def test_a_programme_without_data_gives_json_null_rates():
    prog = b.programme()
    scope = scopes.resolve(b.national_user(), scopes.Level.PROGRAMME, prog.code)

    data = json.loads(json.dumps(report.as_json(report.build(scope, YEAR_2023))))

    assert data["indicators"]["entrants"] == 0
    assert data["indicators"]["rate_dynamic_exits"] is None
    assert data["indicators"]["occupation_rate"] is None
    assert data["exact"] is True
    assert data["funding"] == []


# --- Cohorts and trends -----------------------------------------------------------------------------------


def test_trends_give_each_quarter_s_entrants_exits_and_rates():
    prog = b.programme()
    b.leaver(prog, D(2023, 1, 2), D(2023, 2, 1), outcome=Outcome.DURABLE)
    b.leaver(prog, D(2023, 1, 2), D(2023, 3, 31), reason=ExitReason.TRANSFER, outcome=Outcome.NEUTRALISED)
    b.leaver(prog, D(2023, 1, 2), D(2023, 4, 1))  # other exit, second quarter
    b.entrant(prog, D(2023, 6, 30))

    rows = indicators.trends(Programme.objects.filter(pk=prog.pk), Period(D(2023, 1, 1), D(2023, 6, 30)))

    assert [(r["quarter"].start, r["entrants"], r["exits"], r["rate_dynamic_exits"]) for r in rows] == [
        (D(2023, 1, 1), 3, 2, Decimal("100.0")),  # 1 durable / (2 - 1 neutralised)
        (D(2023, 4, 1), 1, 1, Decimal("0.0")),
    ]


def test_cohorts_follow_each_session_from_candidates_to_outcome():
    prog = b.programme()
    day = D(2023, 2, 1)
    b.candidacy(prog, day, decision=SessionDecision.NOT_SELECTED)
    b.candidacy(prog, day, decision=SessionDecision.SELECTED)  # selected, not entered yet
    b.leaver(prog, D(2023, 2, 15), D(2023, 5, 2), session_day=day, outcome=Outcome.POSITIVE)
    b.leaver(prog, D(2023, 2, 15), D(2023, 5, 3), session_day=day, reason=ExitReason.RETURN_ORDINARY_DETENTION)
    b.entrant(prog, D(2023, 2, 15), session_day=day)
    b.candidacy(prog, D(2022, 12, 1))  # a session outside the period

    rows = indicators.cohorts(Programme.objects.filter(pk=prog.pk), YEAR_2023)

    assert len(rows) == 1
    assert pick(rows[0], "date", *indicators.COHORT_PEOPLE) == {
        "date": day, "candidates": 5, "selected": 4, "entrants": 3, "exits": 2, "returns_to_ordinary_detention": 1,
        "outcome_dynamic": 1, "in_pathway": 1}
