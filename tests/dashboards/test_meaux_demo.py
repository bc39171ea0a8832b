"""The Meaux figures of the press release of 30 March 2018 (docs/domain.md §11.2), computed by the application from the
demo data: 8 sessions, 73 entrants, 21 returns to ordinary detention, 24 releases with durable employment,
transition employment or training (7 / 9 / 8, the demo's split), 28 still in the pathway, from 1 June 2017 to
31 March 2018; through the indicators, the command's JSON and CSV, and the DISP Paris officer's dashboard (page and
JSON). Issue 16, §1 (goal S-4), on the same demo: every dashboard of the DISP of Paris officer, the DREETS
Île-de-France officer and national staff is exact (nothing hidden, rows adding up to the totals) and names no one,
for the seed period, two of its quarters and the default period; the DISP reads what the CPIP of Meaux reads.
"""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.http import Http404
from django.test import Client

from accounts.models import User
from dashboards import periods, report, scopes
from dashboards.scopes import Level
from participants.enums import ExitReason, PathwayStatus, SessionDecision
from participants.models import Pathway
from tests.dashboards import builders as b
from tests.demo import demo_for_module

from . import privacy_checks as checks
from .test_pages import dashboard_url, json_url, key_figures, page_tables

pytestmark = pytest.mark.django_db

SEED_PERIOD = periods.parse(du="2017-06-01", au="2018-03-31")
MEAUX = {
    "sessions": 8,
    "entrants": 73,
    "returns_to_ordinary_detention": 21,
    "releases": 24,
    "releases_dynamic": 24,  # every release of the period had a job or a training
    "outcome_durable": 7,
    "outcome_transition": 9,
    "outcome_positive": 8,
    "outcome_other": 21,  # the returns
    "outcome_neutralised": 0,
    "exits": 45,  # 21 + 24
    "in_pathway": 28,  # 73 - 45
}


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with demo_for_module(django_db_blocker):
        yield


def meaux(period=SEED_PERIOD, user=None) -> report.Dashboard:
    scope = scopes.resolve(user or b.national_user(), Level.PROGRAMME, "MEAUX-APRES")
    return report.build(scope, period, with_children=False)


def test_the_press_release_figures_from_june_2017_to_march_2018():
    values = meaux().values

    assert {key: values[key] for key in MEAUX} == MEAUX


def test_the_rates_of_the_meaux_exits():
    values = meaux().values

    # No neutralised exit: the denominator is the 45 exits (docs/domain.md §11.2: 24 / 45 = 53.3 %).
    assert values["rate_dynamic_exits"] == Decimal("53.3")
    assert values["rate_employment"] == Decimal("35.6")  # (7 + 9) / 45
    assert values["rate_durable_employment"] == Decimal("15.6")  # 7 / 45
    assert values["return_rate"] == Decimal("46.7")  # 21 / 45
    assert values["adjustment_rate"] == Decimal("62.5")  # 15 of the 24 releases were adjusted: 15 / 24


def test_the_same_figures_as_of_the_press_release_day():
    values = meaux(periods.parse(du="2017-06-01", au="2018-03-30")).values

    assert {key: values[key] for key in MEAUX} == MEAUX


def test_the_command_s_json_gives_the_same_figures():
    out = io.StringIO()
    call_command("export_indicators", "--scope", "programme:MEAUX-APRES", "--from", "2017-06-01",
                 "--to", "2018-03-31", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())

    assert data["scope"]["label"] == "MEAUX-APRES — Après (Groupe ARES)"
    assert data["period"] == {"from": "2017-06-01", "to": "2018-03-31", "label": "du 01/06/2017 au 31/03/2018"}
    assert {key: data["indicators"][key] for key in MEAUX} == MEAUX
    assert data["indicators"]["rate_dynamic_exits"] == 53.3


def test_the_command_s_csv_gives_the_same_figures():
    out = io.StringIO()
    call_command("export_indicators", "--scope", "programme:MEAUX-APRES", "--from", "2017-06-01",
                 "--to", "2018-03-31", "--format", "csv", stdout=out)
    rows = {row[0]: row[2] for row in csv.reader(io.StringIO(out.getvalue()), delimiter=";")}

    assert {key: int(rows[key]) for key in MEAUX} == MEAUX
    assert rows["rate_dynamic_exits"] == "53,3"


def test_the_disp_paris_officer_reads_the_same_figures_on_the_interregion_and_the_establishment():
    officer = User.objects.get(username="disp.paris")
    assert scopes.landing_for(officer) == (Level.DISP, "DISP_PARIS")

    disp = report.build(scopes.resolve(officer, Level.DISP, "DISP_PARIS"), SEED_PERIOD, with_children=False)
    establishment = meaux(user=officer).scope.programmes.get().establishment_id
    local = report.build(scopes.resolve(officer, Level.ESTABLISHMENT, str(establishment)), SEED_PERIOD,
                         with_children=False)

    # Meaux was the interregion's only programme then; every count is 0 or at least 5: nothing hidden.
    for dashboard in (disp, local, meaux(user=officer)):
        assert {key: dashboard.values[key] for key in MEAUX} == MEAUX


def test_the_strasbourg_officer_cannot_open_meaux():
    officer = User.objects.get(username="disp.strasbourg")

    with pytest.raises(Http404):
        meaux(user=officer)


# --- Issue 7, goal S-4: no small cell for a viewer who reads no names (tests/dashboards/privacy_checks.py) ------------


# The seed period, the summer of 2017 (the 4 exits), the first quarter of 2018 and the last twelve months.
PRIVACY_PERIODS = [SEED_PERIOD, SEED_PERIOD.quarters()[1], SEED_PERIOD.quarters()[-1], periods.default_period()]


@pytest.mark.parametrize(("username", "levels"), [
    ("disp.paris", None), ("dreets.idf", None), ("national", {Level.NATIONAL, Level.DISP}),
])
def test_every_demo_dashboard_is_exact_and_names_no_one(username, levels):
    """National staff: the national and interregion dashboards (below, the same computation as the officers')."""
    walked = PRIVACY_PERIODS if levels is None else PRIVACY_PERIODS[:2]
    tokens = checks.personal_tokens()
    built, seen, offences = checks.walk(User.objects.get(username=username), walked, levels, tokens)

    print(f"\n{username}: {built} dashboards, {seen} people cells, {len(offences)} offences")
    assert built >= 6 and seen > 100 and tokens
    assert offences == []


def test_the_disp_reads_the_4_exits_of_summer_2017_as_the_cpip_of_meaux_does():
    summer = SEED_PERIOD.quarters()[1]  # July to September 2017
    cpip = report.build(scopes.resolve(User.objects.get(username="cpip.meaux"), Level.PROGRAMME, "MEAUX-APRES"),
                        summer)
    disp = report.build(scopes.resolve(User.objects.get(username="disp.paris"), Level.PROGRAMME, "MEAUX-APRES"),
                        summer)

    assert (cpip.values["entrants"], cpip.values["exits"]) == (29, 4)
    assert (disp.values["entrants"], disp.values["exits"]) == (29, 4)


# --- Issue 16: the exact figures through the page and the JSON, for the officers ---------------------------------


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


SEED_QUERY = {"du": "2017-06-01", "au": "2018-03-31"}


@pytest.mark.parametrize("username", ["disp.paris", "dreets.idf", "national"])
def test_the_officers_read_8_73_21_24_on_the_page_and_in_the_json(username):
    client = _client(username)

    page = client.get(dashboard_url("programme", "MEAUX-APRES"), SEED_QUERY)
    data = client.get(json_url("programme", "MEAUX-APRES"), SEED_QUERY).json()

    assert page.status_code == 200
    content = page.content.decode()
    assert "Chiffres exacts, à usage interne : ne pas diffuser" in content
    figures = key_figures(page)
    assert (figures["Entrées en atelier"], figures["Retours en détention ordinaire"], figures["Sorties du programme"]
            ) == ("73", "21", "45")
    indicators = {label: value for table in page_tables(page).values() for label, value, *_rest in table[1:]}
    assert indicators["Taux de sorties dynamiques"] == "53,3 % des 45 sorties hors sorties neutralisées"
    assert indicators["Sessions de recrutement"] == "8"
    assert indicators["Libérations avec un emploi ou une formation"] == "24"
    assert {key: data["indicators"][key] for key in MEAUX} == MEAUX
    assert data["exact"] is True and data["notice"] == "Chiffres exacts, à usage interne : ne pas diffuser"


def test_the_2018_probe_reads_the_returns_and_the_session_of_30_january_exactly():
    """Issue 16's probe: 11 returns, and 12 candidates / 9 selected / 9 entered on 30 January 2018, were "< 5" for
    the DISP, the DREETS and national staff. Counted here straight from the pathways (the demo's 2018 story may
    change: these are whatever it holds), each of 5 or more, and read as they are on the page and in the JSON."""
    client = _client("disp.paris")
    in_2018 = Pathway.objects.filter(programme__code="MEAUX-APRES")
    returns = in_2018.filter(status=PathwayStatus.EXITED, exit_reason=ExitReason.RETURN_ORDINARY_DETENTION,
                             exit_on__year=2018).count()
    session = in_2018.filter(session__date=datetime.date(2018, 1, 30))
    selected = session.filter(decision=SessionDecision.SELECTED)
    funnel = [session.count(), selected.count(),
              selected.filter(contract_start__isnull=False, contract_start__year=2018).count()]
    assert returns >= 5 and min(funnel) >= 5

    page = client.get(dashboard_url("programme", "MEAUX-APRES"), {"periode": "2018"})
    data = client.get(json_url("programme", "MEAUX-APRES"), {"periode": "2018"}).json()

    assert key_figures(page)["Retours en détention ordinaire"] == str(returns)
    assert data["indicators"]["returns_to_ordinary_detention"] == returns
    sessions = page_tables(page)["Entonnoir par session de recrutement"]
    assert ["MEAUX-APRES — session du 30/01/2018", *map(str, funnel)] in [row[:4] for row in sessions]
    assert "&lt; 5" not in page.content.decode()


def test_every_step_of_the_demo_funnels_is_at_most_the_step_before():
    for row in meaux(periods.parse(periode="2018")).cohorts + meaux().cohorts:
        values = row.values
        assert values["candidates"] >= values["selected"] >= values["entrants"] >= values["outcome_dynamic"], row


def test_the_current_convention_s_etp_count_for_today_s_meaux_not_for_the_ended_experiment():
    """Après runs both Meaux programmes; its 2025–2028 annexes (16 ETP) belong to MEAUX-ARES (from 2023), not to
    MEAUX-APRES (ended 31 December 2018), which read 0,0 % of 16 ETP over the last twelve months before."""
    last_year = periods.parse()  # the last twelve months, as the demo was loaded today (any day)
    national = b.national_user()

    ended = report.build(scopes.resolve(national, Level.PROGRAMME, "MEAUX-APRES"), last_year, with_children=False)
    today = report.build(scopes.resolve(national, Level.PROGRAMME, "MEAUX-ARES"), last_year, with_children=False)

    assert (ended.values["etp_conventioned"], ended.values["occupation_rate"]) == (Decimal("0.00"), None)
    assert today.values["etp_conventioned"] == Decimal("16.00") and today.values["occupation_rate"] > 0
    assert meaux().values["etp_conventioned"] > 0  # the seed period keeps its 2017–2018 annexes
