"""The dashboards' query count does not grow with the data (issue 6, section 5).

report.build() and the dashboard pages, for the national scope, a DISP (Paris) and one programme, are counted on
the small synthetic dataset (demo/synthetic.py) and on one twice as large (twice the establishments, programmes
and pathways: a query per row or per child would show): the counts must be the same. report.build() also stays
within a pinned budget, listed query by query below. Runs on SQLite and PostgreSQL (scripts/test-services.sh).
"""

import datetime

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.enums import Role
from accounts.models import User
from dashboards import periods, report, scopes, summaries
from demo import synthetic
from participants.models import AccompanimentEvent, Pathway
from programmes.models import Establishment, Programme

# Without the mark, pytest-django would set up no test database for this module's fixture.
pytestmark = pytest.mark.django_db

SCOPES = [("national", ""), ("disp", "DISP_PARIS"), ("programme", "SYN-0001")]
LARGE = 2  # the larger dataset's multiplier

# report.build() of a scope with children (national lists DISP, a DISP lists establishments):
#   compute() of the totals: 1 sessions, 2 pathways, 3 events, 4 annexes, 5 follow-ups (+ 2 on SQLite: the
#     medians of days in pathway and of classification to assignment, computed from the day counts; PostgreSQL
#     computes them in the pathways query);
#   compute() grouped by child: the same 5 (or 7), and the totals added up from the children, but for what does
#     not add up: the medians (1 durations, + the 2 SQLite medians); the ETP conventioned of the total comes from
#     the children's annex rows (each annex once);
#   children(): 1 the children's labels;
#   cohorts: 1; trends: 2 (entries, exits by quarter); funding: 1.
# A programme has no children: compute() of the totals, cohorts, trends, funding.
MEDIANS = 0 if connection.vendor == "postgresql" else 2
COMPUTE = 5 + MEDIANS
TOTAL_NOT_ADDED = 1 + MEDIANS
BUILD_BUDGET = {
    "national": COMPUTE + TOTAL_NOT_ADDED + 1 + 4,
    "disp": COMPUTE + TOTAL_NOT_ADDED + 1 + 4,
    "programme": COMPUTE + 4,
}
# A period of whole months reads the monthly summaries (issue 19, §2): compute() is 1 summaries (every count and
# sum), 2 durations (the medians on PostgreSQL, and the number of assignments, from the pathways), 3 annexes
# (+ the 2 SQLite medians); the trends are 1 query on the summaries.
SUMMARY_COMPUTE = 3 + MEDIANS
SUMMARY_BUILD_BUDGET = {
    "national": SUMMARY_COMPUTE + TOTAL_NOT_ADDED + 1 + 3,
    "disp": SUMMARY_COMPUTE + TOTAL_NOT_ADDED + 1 + 3,
    "programme": SUMMARY_COMPUTE + 3,
}


def _count(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def _measure(user, period) -> dict:
    client = Client()
    client.force_login(user)
    figures = {"pathways": Pathway.objects.count(), "events": AccompanimentEvent.objects.count(),
               "programmes": Programme.objects.count(), "establishments": Establishment.objects.count()}
    for level, key in SCOPES:
        scope = scopes.resolve(user, level, key)
        dashboard = report.build(scope, period)
        url = scopes.url_of(level, key)
        response = client.get(url, period.query)
        figures[level] = {
            "build": _count(lambda scope=scope: report.build(scope, period)),
            "page_status": response.status_code,
            "page": _count(lambda url=url: client.get(url, period.query)),
            "json_status": client.get(f"{url}indicateurs.json", period.query).status_code,
            "json": _count(lambda url=url: client.get(f"{url}indicateurs.json", period.query)),
            "json_build": _count(lambda scope=scope: report.build(scope, period, with_children=False,
                                                                  with_series=False)),
            "entrants": dashboard.values["entrants"],
            "children": len(dashboard.children),
        }
    return figures


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    """The counts on the small synthetic dataset (×1) and on one twice as large (×2), in one rolled-back
    transaction for the module."""
    months = periods.default_period()  # the twelve months ended: whole months, read from the summaries
    # Twelve months day for day, a week later: not whole months, read from the raw tables.
    period = periods.Period(months.start + datetime.timedelta(days=7), months.end + datetime.timedelta(days=7))
    with django_db_blocker.unblock(), transaction.atomic():
        user = User.objects.create(username="budget.national", role=Role.NATIONAL)
        result = {}
        for multiplier in (1, LARGE):
            synthetic.generate(scale="small", seed=7, multiplier=multiplier, log=lambda line: None)
            summaries.rebuild()  # the generator writes in bulk
            result[multiplier] = _measure(user, period)
            result[("months", multiplier)] = _measure(user, months)
        transaction.set_rollback(True)
    return result


def test_the_larger_dataset_is_twice_the_small_one(counts):
    small, large = counts[1], counts[LARGE]
    assert large["programmes"] == 2 * small["programmes"] == 16
    assert large["establishments"] == 2 * small["establishments"] == 8
    assert 1.9 < large["pathways"] / small["pathways"] < 2.1
    assert 1.75 < large["events"] / small["events"] < 2.25


@pytest.mark.parametrize("level", [level for level, _key in SCOPES])
def test_each_dashboard_counts_something_on_both_datasets(counts, level):
    """A budget measured on empty dashboards would prove nothing."""
    assert counts[1][level]["entrants"] and counts[LARGE][level]["entrants"]
    assert counts[LARGE][level]["entrants"] > counts[1][level]["entrants"]
    if level == "national":  # the small scale spans two DISP, whatever its multiplier
        assert counts[1][level]["children"] == counts[LARGE][level]["children"] == 2
    if level == "disp":  # twice the establishments listed
        assert counts[LARGE][level]["children"] > counts[1][level]["children"] >= 2


@pytest.mark.parametrize("level", [level for level, _key in SCOPES])
def test_report_build_queries_do_not_grow_with_the_data(counts, level):
    assert counts[1][level]["build"] == counts[LARGE][level]["build"]


@pytest.mark.parametrize("level", [level for level, _key in SCOPES])
def test_report_build_stays_within_its_budget(counts, level):
    assert counts[LARGE][level]["build"] == BUILD_BUDGET[level]


@pytest.mark.parametrize("level", [level for level, _key in SCOPES])
def test_dashboard_page_queries_do_not_grow_with_the_data(counts, level):
    assert counts[1][level]["page_status"] == counts[LARGE][level]["page_status"] == 200
    assert counts[1][level]["page"] == counts[LARGE][level]["page"]


@pytest.mark.parametrize("level", [level for level, _key in SCOPES])
def test_from_the_summaries_queries_do_not_grow_with_the_data_and_stay_within_their_budget(counts, level):
    small, large = counts[("months", 1)][level], counts[("months", LARGE)][level]
    assert small["entrants"] and large["entrants"] > small["entrants"]
    assert small["page_status"] == large["page_status"] == 200
    assert small["page"] == large["page"]
    assert small["build"] == large["build"] == SUMMARY_BUILD_BUDGET[level]


@pytest.mark.parametrize("level", [level for level, _key in SCOPES])
def test_the_json_queries_do_not_grow_with_the_data_and_leave_out_the_series(counts, level):
    """The JSON gives the indicators and the funding: it reads neither the cohorts and trends, nor the children."""
    small, large = counts[1][level], counts[LARGE][level]
    assert small["json_status"] == large["json_status"] == 200
    assert small["json"] == large["json"]
    assert small["json_build"] == large["json_build"] == COMPUTE + 1  # the totals, the funding
    assert large["json"] <= large["json_build"] + 5  # and the session, the user and the scope (4 or 5)

