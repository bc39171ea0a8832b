"""Who opens the annual release's page and downloads its files (issue 16 §2): only national staff and
administrators (matrix_dashboards.ROUTE_READERS); every other persona gets a 404 and no file; anonymous, the login
page. The diffusable export of a dashboard answers whoever reads that dashboard, and no one else.
"""

import pytest
from django.urls import reverse

from tests.accounts.personas import PERSONAS

from .matrix_dashboards import LEVEL_READERS, ROUTE_READERS, level_key

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda persona: persona.name)
@pytest.mark.parametrize("params", [{}, {"annee": "2018", "format": "zip"}], ids=["page", "zip"])
def test_the_release_answers_each_persona_as_the_matrix_says(persona, params, client_as):
    response = client_as(persona.name).get(reverse("dashboards:release"), params)

    if persona.role is None:
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    elif persona.role in ROUTE_READERS["dashboards:release"]:
        assert response.status_code == 200
        if params:
            assert response["Content-Type"] == "application/zip"
    else:
        assert response.status_code == 404
        assert not response.has_header("Content-Disposition")


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p.role], ids=lambda persona: persona.name)
def test_the_diffusable_export_answers_who_reads_the_dashboard(persona, scope_a, client_as):
    url = reverse("dashboards:scope", args=["region", level_key(scope_a, "region")])
    response = client_as(persona.name).get(url, {"periode": "2018", "format": "csv", "tableau": "indicateurs",
                                                "version": "diffusable"})

    if persona.scope == "B" or persona.role not in LEVEL_READERS["region"]:
        assert response.status_code == 404
    else:
        assert response.status_code == 200 and "diffusable" in response["Content-Disposition"]


def test_the_release_page_refuses_post(client_as):
    assert client_as("NATIONAL").post(reverse("dashboards:release"), {"annee": "2018"}).status_code == 405
