"""Small cells. Since issue 16 (§1) no internal output hides them: every level, programme included, shows the exact
four people below, to every viewer, in the values, the rows, the cohorts, the trends and the JSON.
"""

import datetime
from decimal import Decimal

import pytest

from dashboards import report, scopes
from dashboards.periods import year
from dashboards.scopes import Level
from participants.enums import ExitReason, Sex
from tests.dashboards import builders as b

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR_2023 = year(2023)
PROFILE_PCTS = {"women_pct", "age_under_26_pct", "age_26_49_pct", "age_50_plus_pct", "rsa_pct", "benefits_pct",
                "deld_pct", "low_education_pct", "rqth_pct"}


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

    values = dashboard.values
    assert (values["entrants"], values["exits"], values["returns_to_ordinary_detention"], values["in_pathway"]) == (
        4, 1, 1, 3)
    assert (values["women_pct"], values["return_rate"]) == (Decimal("25.0"), Decimal("100.0"))
    assert dashboard.cohorts[0].values["entrants"] == 4 and dashboard.trends[0].values["entrants"] == 4


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
    assert establishment_row.values["entrants"] == 4
