"""Issue 16, §1 (goal S-4) over whole datasets: every dashboard a DISP officer, a DREETS officer or national staff
may open, for a year and its quarters, is exact (nothing hidden; the rows of the next level and the quarters add up
to the totals) and gives no name, écrou number or birth date (the JSON, the page, every export); and the SQL of
every dashboard page, export and JSON reads no nominative column. On the small synthetic dataset
(demo/synthetic.py), generated once for the module. The same walk over the demo: test_meaux_demo.py.
"""

import datetime
import json

import pytest
from django.db import connection, transaction
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.enums import Role
from accounts.models import User
from dashboards import periods, scopes, views
from dashboards.scopes import Level
from demo import synthetic
from participants.models import AccompanimentEvent, FollowUp, Participant, Pathway, RecruitmentSession
from partners.enums import OrganisationKind
from programmes.models import Disp, Region
from tests.partners.factories import OrganisationFactory

from . import privacy_checks as checks

pytestmark = pytest.mark.django_db

# Twelve months day for day (the raw tables), then two quarters (the monthly summaries).
PERIOD = periods.Period(periods.default_period().start + datetime.timedelta(days=7),
                        periods.default_period().end + datetime.timedelta(days=7))
PERIODS = [PERIOD, PERIOD.quarters()[0], PERIOD.quarters()[-1]]


@pytest.fixture(scope="module")
def users(django_db_setup, django_db_blocker):
    """The small synthetic dataset and three viewers who read no names, in one rolled-back transaction."""
    with django_db_blocker.unblock(), transaction.atomic():
        synthetic.generate(scale="small", seed=7, log=lambda line: None)
        disp = OrganisationFactory(kind=OrganisationKind.DISP, name="DISP de Paris",
                                   disp=Disp.objects.get(code="DISP_PARIS"))
        dreets = OrganisationFactory(kind=OrganisationKind.DREETS, name="DREETS Île-de-France",
                                     region=Region.objects.get(code="11"))
        yield {
            "disp": User.objects.create(username="privacy.disp", role=Role.DISP_STAFF, organisation=disp),
            "dreets": User.objects.create(username="privacy.dreets", role=Role.DREETS_STAFF, organisation=dreets),
            "national": User.objects.create(username="privacy.national", role=Role.NATIONAL),
        }
        transaction.set_rollback(True)


# What each viewer's walk covers: the DISP officer every dashboard of the interregion for the year and two quarters;
# the DREETS officer those of the region, national staff the national, interregion and region dashboards, for the
# year and its last quarter (the levels below are the same computation, walked by the DISP officer).
WALKS = {
    "disp": (PERIODS, None),
    "dreets": (PERIODS[:1] + PERIODS[-1:], None),
    "national": (PERIODS[:1] + PERIODS[-1:], {Level.NATIONAL, Level.DISP, Level.REGION}),
}


@pytest.mark.parametrize("viewer", list(WALKS))
def test_every_dashboard_is_exact_and_names_no_one(users, viewer):
    tokens = checks.personal_tokens()
    built, seen, offences = checks.walk(users[viewer], *WALKS[viewer], tokens=tokens)

    print(f"\n{viewer}: {built} dashboards, {seen} people cells, {len(tokens)} personal tokens, "
          f"{len(offences)} offences")
    assert built >= 15 and seen > 2_000 and len(tokens) > 100  # a walk over nothing would prove nothing
    assert offences == []


def _requests(user):
    """(description, view, kwargs, query) for one dashboard of each level the user may open: the page, each
    export, the JSON."""
    for level, key in checks.one_per_level(checks.scopes_of(user)):
        kwargs = {"level": level, "key": key}
        yield f"{level}:{key} page", views.dashboard, kwargs, PERIOD.query
        for tableau in views.EXPORT_TABLES:
            yield f"{level}:{key} {tableau}", views.dashboard, kwargs, {**PERIOD.query, "format": "csv",
                                                                         "tableau": tableau}
        yield f"{level}:{key} json", views.indicators_json, kwargs, PERIOD.query


@pytest.mark.parametrize("viewer", ["disp", "national"])
def test_the_dashboard_sql_reads_no_nominative_column(users, viewer):
    user = User.objects.select_related("organisation").get(pk=users[viewer].pk)
    factory = RequestFactory()
    tokens = checks.personal_tokens()
    answered = 0
    with CaptureQueriesContext(connection) as captured:
        for description, view, kwargs, query in _requests(user):
            request = factory.get("/", query)
            request.user = user
            try:
                response = view(request, **kwargs)
            except Http404:  # a programme has no next level: no detail table to export
                assert kwargs["level"] == Level.PROGRAMME and description.endswith("detail"), description
                continue
            assert response.status_code == 200, description
            answered += 1
            if description.endswith("json"):
                _seen, offences = checks.json_offences(json.loads(response.content), tokens)
                assert offences == [], description
            else:  # the page and the CSV exports: no name, écrou number or birth date either
                text = response.content.decode("utf-8-sig")
                assert checks.personal_offences(text, tokens, description) == []
                if description.endswith("page"):
                    assert "Chiffres exacts, à usage interne : ne pas diffuser" in text, description
    statements = [query["sql"] for query in captured.captured_queries]

    read = set().union(*(checks.columns_read(sql) for sql in statements))
    print(f"\n{viewer}: {answered} responses, {len(statements)} SQL statements, "
          f"{len({column for column in read if column[0].startswith('participants_')})} participant-app columns read")
    assert answered >= 5 * (6 if viewer == "national" else 3)  # page, four exports (programme: three), JSON
    assert ("participants_participant", "sex") in read  # the parser sees the profile columns the dashboards read
    assert ("participants_pathway", "age_at_entry") in read
    assert checks.nominative_columns_read(statements) == {}


def test_the_parser_catches_a_birth_date_read_through_a_join_or_an_alias():
    with CaptureQueriesContext(connection) as captured:
        list(Pathway.objects.filter(participant__birth_date__year=1990).values("pk"))
        list(Participant.objects.filter(pk__in=Pathway.objects.filter(participant__last_name="X")
                                        .values("participant_id")).order_by().values("pk"))
    found = checks.nominative_columns_read(query["sql"] for query in captured.captured_queries)

    assert set(found) == {("participants_participant", "birth_date"), ("participants_participant", "last_name")}


def test_every_new_participant_column_is_classified():
    """A text or date column added to the participant is nominative unless listed as allowed: add it to
    privacy_checks.NOMINATIVE (or to ALLOWED_PARTICIPANT_FIELDS after thinking twice)."""
    assert checks.participant_columns_to_classify() <= checks.NOMINATIVE["participants_participant"]
    for model in (Pathway, AccompanimentEvent, RecruitmentSession, FollowUp):
        assert checks.free_text_columns(model) <= checks.NOMINATIVE[model._meta.db_table], model.__name__


def test_the_scope_walk_covers_every_level(users):
    levels = {level for level, _key in checks.scopes_of(users["national"])}

    assert levels == {Level.NATIONAL, Level.DISP, Level.REGION, Level.DEPARTMENT, Level.ESTABLISHMENT, Level.SIAE,
                      Level.PROGRAMME}
    assert scopes.resolve(users["disp"], Level.DISP, "DISP_PARIS").programmes.exists()
