"""A period outside the calendar the dashboards can compute never gives a 500 (issue 14, item 8).

The probe: ``GET /tableaux-de-bord/national/?periode=9999`` and ``?periode=0000`` answered 500 (the year 0 does not
exist; the quarters and the year before of 9999 go past the last date Python knows). The page keeps the default
period with a French message; the JSON answers 400 with the message.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGE = reverse("dashboards:national")
JSON = reverse("dashboards:national_json")

OUT_OF_BOUNDS = [
    {"periode": "9999"},
    {"periode": "0000"},
    {"periode": "9999-T4"},
    {"periode": "0000-T1"},
    {"periode": "-1"},
    {"periode": "2026-13"},
    {"periode": "9" * 40},
    {"periode": "-" + "9" * 40},
    {"du": "9999-12-01", "au": "9999-12-31"},
    {"du": "0001-01-01", "au": "0001-12-31"},
    {"du": "2026-01-01", "au": "9" * 40},
]


@pytest.mark.parametrize("query", OUT_OF_BOUNDS, ids=lambda query: "&".join(f"{k}={v[:12]}" for k, v in query.items()))
def test_the_page_shows_the_default_period_with_a_french_message(client_as, query):
    response = client_as("NATIONAL").get(PAGE, query)

    assert response.status_code == 200
    assert "La période par défaut est affichée" in response.content.decode()
    assert response.context["period"].days in (365, 366)  # the last twelve months
    assert response.context["form"].period_error


@pytest.mark.parametrize("query", OUT_OF_BOUNDS, ids=lambda query: "&".join(f"{k}={v[:12]}" for k, v in query.items()))
def test_the_json_answers_400_with_a_french_message(client_as, query):
    response = client_as("NATIONAL").get(JSON, query)

    assert response.status_code == 400
    assert response.json()["error"]


def test_a_year_asked_in_the_form_outside_the_list_is_refused(client_as):
    response = client_as("NATIONAL").get(PAGE, {"annee": "9999"})

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
