"""Small cells. Since issue 16 (§1) no internal output hides them: every level, programme included, shows the exact
four people below, to every viewer, in the values, the rows, the cohorts, the trends and the JSON.

The first tests still pin ``indicators.suppress`` (kept for dashboards/disclosure's engineer, who replaces and
removes it): a count of 1 to 4 people is hidden with every rate or duration built on it; 0 and 5 are shown.
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


def build(level, key, period=YEAR_2023, user=None, **kwargs):
    return report.build(scopes.resolve(user or b.national_user(), level, key), period, **kwargs)


@pytest.mark.parametrize("level", [Level.NATIONAL, Level.DISP, Level.REGION, Level.DEPARTMENT, Level.ESTABLISHMENT,
                                   Level.SIAE, Level.PROGRAMME])
def test_every_level_shows_the_four_entrants_exactly(four_entrants, level):
    key = {Level.DISP: "DISP_PARIS", Level.REGION: "11", Level.DEPARTMENT: "77", Level.NATIONAL: "",
           Level.ESTABLISHMENT: str(four_entrants.establishment_id), Level.SIAE: four_entrants.siae.siret,
           Level.PROGRAMME: four_entrants.code}[level]

    dashboard = build(level, key)

    assert (dashboard.hidden, dashboard.threshold) == (frozenset(), None)
    values = dashboard.values
    assert (values["entrants"], values["exits"], values["returns_to_ordinary_detention"], values["in_pathway"]) == (
        4, 1, 1, 3)
    assert (values["women_pct"], values["return_rate"]) == (Decimal("25.0"), Decimal("100.0"))
    assert dashboard.cohorts[0].values["entrants"] == 4 and dashboard.trends[0].values["entrants"] == 4
    assert not any(row.hidden for row in [*dashboard.children, *dashboard.cohorts, *dashboard.trends])


def test_the_json_and_the_indicator_rows_give_the_exact_counts(four_entrants):
    dashboard = build(Level.ESTABLISHMENT, str(four_entrants.establishment_id), with_children=False)
    data = report.as_json(dashboard)
    rows = {key: value for key, _label, value in report.indicator_rows(dashboard)}

    assert (data["exact"], data["indicators"]["entrants"], data["indicators"]["exits"]) == (True, 4, 1)
    assert "suppressed" not in data
    assert (rows["entrants"], rows["releases"], rows["adjustment_rate"]) == (4, 0, "")  # "": not computable


def test_a_disp_lists_its_establishment_with_the_exact_figures(four_entrants):
    disp = build(Level.DISP, "DISP_PARIS", child_level=Level.ESTABLISHMENT)

    [establishment_row] = disp.children
    assert (establishment_row.values["entrants"], establishment_row.hidden) == (4, frozenset())


def suppressed(programme) -> dict:
    """indicators.suppress on the exact figures of the programme's establishment (the function alone)."""
    scope = scopes.resolve(b.national_user(), Level.ESTABLISHMENT, str(programme.establishment_id))
    return indicators.suppress(indicators.totals(scope.programmes, YEAR_2023))[0]


def test_a_hidden_outcome_cannot_be_recomputed_from_the_shown_ones():
    prog = b.programme()
    b.bulk_exits(prog, start=D(2023, 1, 2), exit_on=D(2023, 6, 30),
                 outcomes={Outcome.DURABLE: 5, Outcome.TRANSITION: 5, Outcome.POSITIVE: 5, Outcome.OTHER: 3})

    values = suppressed(prog)

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

    values = suppressed(prog)

    # 14 exits = 6 releases + 6 returns + 2 transfers: the 2 transfers are hidden, and so is a second reason
    # (and the return rate built on it), else 14 - 6 - 6 would give them back.
    assert values["exits"] == 14 and values["exits_transfer"] is None
    reasons_hidden = [key for key in indicators.REASON_KEYS if values[key] is None]
    assert len(reasons_hidden) == 2
    if "returns_to_ordinary_detention" in reasons_hidden:
        assert values["return_rate"] is None
