"""No value of the period parameters gives a 500, on any dashboard URL (issue 16, §3).

A property test: for every level's page and its JSON (national, DISP, region, department, establishment, SIAE,
programme), hypothesis draws ``periode``, ``du``, ``au``, ``annee`` and ``trimestre`` from years out of bounds,
impossible dates, reversed dates, quarter-like and free text; the page always answers 200 and, when the period is
refused, shows the default period with a French message; the JSON answers 200 or 400 with a French message.
"""

import datetime
import re

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from dashboards import periods

from .test_pages import dashboard_url, json_url

pytestmark = pytest.mark.django_db

years = st.one_of(st.integers(-10, 10_000).map(str), st.integers(0, 9999).map(lambda y: f"{y:04d}"),
                  st.sampled_from(["9" * 40, "-" + "9" * 40, "２０１８", "2018.0", " 2018 ", ""]))
quarters = st.tuples(years, st.sampled_from(["-T", "-t", "T", "-Q"]), st.integers(-1, 6).map(str)).map("".join)
dates = st.one_of(
    st.dates().map(datetime.date.isoformat),
    st.dates(datetime.date(1999, 12, 1), datetime.date(2101, 1, 31)).map(datetime.date.isoformat),
    st.tuples(years, st.integers(-1, 14), st.integers(-1, 33)).map(lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}"),
    st.sampled_from(["2018-02-30", "0000-00-00", "31/03/2018", "2018-3-1", "2018-03-31T00:00", "\x00", "9" * 40]),
)
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
queries = st.fixed_dictionaries({}, optional={
    "periode": st.one_of(years, quarters, any_text),
    "du": st.one_of(dates, any_text),
    "au": st.one_of(dates, any_text),
    "annee": st.one_of(years, any_text),
    "trimestre": st.one_of(st.integers(-1, 6).map(str), any_text),
})
FRENCH_REFUSAL = re.compile(r"période|date|année|trimestre|choix|caractère", re.IGNORECASE)


@pytest.fixture
def urls(scope_a):
    """Every level's dashboard of scope A: (page, JSON)."""
    programme = scope_a.programme
    establishment = programme.establishment
    department = establishment.department
    keys = [("national", ""), ("disp", department.region.disp_id), ("region", department.region_id),
            ("department", department.pk), ("establishment", str(establishment.pk)),
            ("siae", programme.siae.siret), ("programme", programme.code)]
    return [(dashboard_url(level, str(key)), json_url(level, str(key))) for level, key in keys]


def test_any_period_parameters_on_any_dashboard_url(urls, client_as):
    client = client_as("NATIONAL")
    for page, json in urls:  # every URL opens with no parameter
        assert client.get(page).status_code == client.get(json).status_code == 200

    @hypothesis_settings(max_examples=60, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(query=queries, which=st.integers(0, len(urls) - 1))
    def check(query, which):
        page, json = urls[which]
        response = client.get(page, query)
        assert response.status_code == 200, query
        form = response.context["form"]
        if form.errors:
            assert response.context["period"] == periods.default_period()
            assert "La période par défaut est affichée" in response.content.decode()
            assert all(FRENCH_REFUSAL.search(message) for message in form.non_field_errors() + [
                message for name in form.errors for message in form.errors[name]]), form.errors

        answer = client.get(json, query)
        assert answer.status_code in (200, 400), query
        if answer.status_code == 400:
            assert FRENCH_REFUSAL.search(answer.json()["error"]) or "Type de SIAE" in answer.json()["error"]

    check()
