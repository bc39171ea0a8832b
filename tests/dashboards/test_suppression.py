"""Small cells (issue 6, section 1): above the programme level, a count of 1 to 4 people is hidden, and so is
every rate or duration built on one; 0 and 5 are shown; for a reader of names (here an administrator) the
programme level is never hidden. What a viewer who reads no names sees (issue 7): tests/dashboards/test_privacy.py.
"""

import datetime
from decimal import Decimal

import pytest

from dashboards import indicators, report, scopes
from dashboards.periods import year
from dashboards.scopes import Level
from participants.enums import ExitReason, Outcome, Sex
from tests.dashboards import builders as b

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR_2023 = year(2023)
PROFILE_PCTS = {"women_pct", "age_under_26_pct", "age_26_49_pct", "age_50_plus_pct", "rsa_pct", "benefits_pct",
                "deld_pct", "low_education_pct", "rqth_pct"}


def test_suppress_hides_people_counts_from_1_to_4_and_the_rates_built_on_them():
    values = {
        "entrants": 4, "_women": 2, "women_pct": Decimal("50.0"),
        "exits": 5, "returns_to_ordinary_detention": 1, "return_rate": Decimal("20.0"),
        "outcome_durable": 5, "_denominator": 5, "rate_durable_employment": Decimal("100.0"),
        "candidates": 0, "selected": 0, "selection_rate": None,
        "sessions": 3, "cip_interviews": 2, "hours_worked": Decimal("3.0"),
    }

    shown, hidden = indicators.suppress(values)

    assert hidden == {"entrants", "women_pct", "returns_to_ordinary_detention", "return_rate"}
    assert {key for key, value in shown.items() if value is None} == hidden | {"selection_rate"}
    assert shown["exits"] == 5 and shown["outcome_durable"] == 5  # 5: shown
    assert shown["candidates"] == 0  # 0 identifies no one
    assert shown["rate_durable_employment"] == Decimal("100.0")  # 5 / 5
    # Sessions and interviews count no people; hours are no people.
    assert (shown["sessions"], shown["cip_interviews"], shown["hours_worked"]) == (3, 2, Decimal("3.0"))


@pytest.mark.parametrize(("count", "hidden"), [(0, False), (1, True), (2, True), (3, True), (4, True), (5, False),
                                              (6, False)])
def test_each_count_from_1_to_4_is_hidden_and_0_and_5_are_shown(count, hidden):
    shown, hidden_keys = indicators.suppress({"exits": count})

    assert ("exits" in hidden_keys) is hidden
    assert shown["exits"] == (None if hidden else count)


def test_a_rate_is_hidden_when_its_denominator_is_small_even_if_its_numerator_is_zero():
    shown, hidden = indicators.suppress({"outcome_durable": 0, "_denominator": 3,
                                         "rate_durable_employment": Decimal("0.0")})

    assert hidden == {"rate_durable_employment"}
    assert shown["outcome_durable"] == 0


def test_the_threshold_is_a_setting(settings):
    settings.INDICATORS_SMALL_CELL_THRESHOLD = 3

    _shown, hidden = indicators.suppress({"entrants": 3, "exits": 2, "outcome_other": 0})

    assert hidden == {"exits"}


@pytest.fixture
def four_entrants():
    """One programme in one establishment of the 77: four people entered on 1 February 2023 (one woman), one
    of whom went back to ordinary detention on 2 May."""
    prog = b.programme(department_code="77")
    people = [b.entrant(prog, D(2023, 2, 1), session_day=D(2023, 1, 16),
                        person={"sex": Sex.F if i == 0 else Sex.M, "birth_date": D(1990, 1, 1)}) for i in range(4)]
    b.exit_pathway(people[0], D(2023, 5, 2), reason=ExitReason.RETURN_ORDINARY_DETENTION)
    return prog


# Counts of 1 to 4 people, and what is built on them (the entrants carry the whole profile).
HIDDEN_FOR_FOUR = {
    "candidates", "selected", "selection_rate", "entrants", "in_pathway", "exits", "returns_to_ordinary_detention",
    "return_rate", "outcome_other", "rate_dynamic_exits", "rate_employment", "rate_durable_employment",
    "median_days_in_pathway", "mean_days_in_pathway", *PROFILE_PCTS,
    "median_days_classification_to_assignment",  # every entrant is classified and assigned first (issue 15)
}


def build(level, key, period=YEAR_2023, user=None, **kwargs):
    return report.build(scopes.resolve(user or b.reader(), level, key), period, **kwargs)


def test_above_the_programme_small_counts_and_their_rates_are_hidden(four_entrants):
    dashboard = build(Level.ESTABLISHMENT, str(four_entrants.establishment_id))

    assert dashboard.hidden == HIDDEN_FOR_FOUR
    assert all(dashboard.values[key] is None for key in HIDDEN_FOR_FOUR)
    # Zeros, counts of things and not computable rates stay as they are.
    assert dashboard.values["releases"] == 0
    assert dashboard.values["outcome_durable"] == 0
    assert dashboard.values["sessions"] == 1
    assert dashboard.values["adjustment_rate"] is None and "adjustment_rate" not in dashboard.hidden


@pytest.mark.parametrize("level", [Level.DISP, Level.REGION, Level.DEPARTMENT, Level.SIAE, Level.NATIONAL])
def test_every_level_above_the_programme_hides_them(four_entrants, level):
    key = {Level.DISP: "DISP_PARIS", Level.REGION: "11", Level.DEPARTMENT: "77", Level.NATIONAL: "",
           Level.SIAE: four_entrants.siae.siret}[level]

    dashboard = build(level, key, with_children=False)

    assert dashboard.hidden == HIDDEN_FOR_FOUR


def test_the_programme_level_never_hides(four_entrants):
    dashboard = build(Level.PROGRAMME, four_entrants.code)

    assert dashboard.hidden == frozenset()
    assert dashboard.threshold is None
    assert (dashboard.values["entrants"], dashboard.values["exits"], dashboard.values["women_pct"]) == (
        4, 1, Decimal("25.0"))


def test_an_establishment_lists_its_programmes_unhidden_and_a_disp_its_establishments_hidden(four_entrants):
    establishment = build(Level.ESTABLISHMENT, str(four_entrants.establishment_id))
    disp = build(Level.DISP, "DISP_PARIS", child_level=Level.ESTABLISHMENT)

    [programme_row] = establishment.children
    assert (programme_row.values["entrants"], programme_row.hidden) == (4, frozenset())
    [establishment_row] = disp.children
    assert establishment_row.values["entrants"] is None
    assert {"entrants", "exits", "rate_dynamic_exits"} <= establishment_row.hidden


def test_five_people_are_shown_with_their_rates():
    prog = b.programme()
    for _ in range(5):
        person = b.entrant(prog, D(2023, 2, 1), session_day=D(2023, 1, 16))
        b.exit_pathway(person, D(2023, 5, 2), reason=ExitReason.RETURN_ORDINARY_DETENTION)

    dashboard = build(Level.ESTABLISHMENT, str(prog.establishment_id))

    assert dashboard.hidden == frozenset()
    assert (dashboard.values["entrants"], dashboard.values["exits"], dashboard.values["in_pathway"]) == (5, 5, 0)
    assert dashboard.values["return_rate"] == Decimal("100.0")
    assert dashboard.values["rate_dynamic_exits"] == Decimal("0.0")  # 0 / 5
    assert dashboard.values["women_pct"] == Decimal("0.0")


def test_the_json_lists_the_suppressed_keys_and_gives_them_null(four_entrants):
    data = report.as_json(build(Level.ESTABLISHMENT, str(four_entrants.establishment_id), with_children=False))

    assert data["small_cell_threshold"] == 5
    assert data["suppressed"] == sorted(HIDDEN_FOR_FOUR)
    assert all(data["indicators"][key] is None for key in HIDDEN_FOR_FOUR)
    assert data["indicators"]["releases"] == 0


def test_the_programme_json_has_no_threshold_and_nothing_suppressed(four_entrants):
    data = report.as_json(build(Level.PROGRAMME, four_entrants.code))

    assert (data["small_cell_threshold"], data["suppressed"]) == (None, [])
    assert data["indicators"]["entrants"] == 4


def test_the_indicator_table_shows_hidden_cells_as_under_the_threshold(four_entrants):
    rows = {key: value for key, _label, value in
            report.indicator_rows(build(Level.ESTABLISHMENT, str(four_entrants.establishment_id)))}

    assert rows["entrants"] == "< 5"
    assert rows["women_pct"] == "< 5"
    assert rows["releases"] == 0
    assert rows["adjustment_rate"] == ""  # not computable: empty, not hidden


def test_a_lower_threshold_setting_shows_more(four_entrants, settings):
    settings.INDICATORS_SMALL_CELL_THRESHOLD = 2

    dashboard = build(Level.ESTABLISHMENT, str(four_entrants.establishment_id))

    # Only the single exit (a return: "other" outcome) and the single woman are under 2 now.
    assert dashboard.hidden == {"exits", "returns_to_ordinary_detention", "return_rate", "outcome_other",
                                "rate_dynamic_exits", "rate_employment", "rate_durable_employment",
                                "median_days_in_pathway", "mean_days_in_pathway", "women_pct"}
    assert dashboard.values["entrants"] == 4
    assert report.as_json(dashboard)["small_cell_threshold"] == 2


def test_cohort_and_trend_rows_hide_their_small_counts_above_the_programme(four_entrants):
    establishment = build(Level.ESTABLISHMENT, str(four_entrants.establishment_id))
    programme = build(Level.PROGRAMME, four_entrants.code)

    [cohort] = establishment.cohorts
    assert cohort.values["entrants"] is None and "entrants" in cohort.hidden
    assert programme.cohorts[0].values["entrants"] == 4
    first_quarter = establishment.trends[0]
    assert first_quarter.values["entrants"] is None
    assert programme.trends[0].values["entrants"] == 4


def test_a_hidden_outcome_cannot_be_recomputed_from_the_shown_ones():
    prog = b.programme()
    b.bulk_exits(prog, start=D(2023, 1, 2), exit_on=D(2023, 6, 30),
                 outcomes={Outcome.DURABLE: 5, Outcome.TRANSITION: 5, Outcome.POSITIVE: 5, Outcome.OTHER: 3})

    values = build(Level.ESTABLISHMENT, str(prog.establishment_id)).values

    assert values["outcome_other"] is None
    # exits - durable - transition - positive - neutralised = 18 - 5 - 5 - 5 - 0 = 3 "other" exits, unless one
    # of those is hidden too.
    shown_beside = [values[key] for key in ("exits", "outcome_durable", "outcome_transition", "outcome_positive",
                                            "outcome_neutralised")]
    assert None in shown_beside


def test_a_hidden_exit_reason_cannot_be_recomputed_from_the_other_reasons():
    prog = b.programme()
    b.bulk_exits(prog, start=D(2023, 1, 2), exit_on=D(2023, 6, 30), outcomes={Outcome.DURABLE: 6},
                 reason=ExitReason.RELEASE_END_OF_SENTENCE)
    b.bulk_exits(prog, start=D(2023, 1, 2), exit_on=D(2023, 6, 30), outcomes={Outcome.OTHER: 6},
                 reason=ExitReason.RETURN_ORDINARY_DETENTION)
    b.bulk_exits(prog, start=D(2023, 1, 2), exit_on=D(2023, 6, 30), outcomes={Outcome.NEUTRALISED: 2},
                 reason=ExitReason.TRANSFER)

    values = build(Level.ESTABLISHMENT, str(prog.establishment_id)).values

    # 14 exits = 6 releases + 6 returns + 2 transfers: the 2 transfers are hidden, and so is a second reason
    # (and the return rate built on it), else 14 - 6 - 6 would give them back.
    assert values["exits"] == 14 and values["exits_transfer"] is None
    reasons_hidden = [key for key in indicators.REASON_KEYS if values[key] is None]
    assert len(reasons_hidden) == 2
    if "returns_to_ordinary_detention" in reasons_hidden:
        assert values["return_rate"] is None
