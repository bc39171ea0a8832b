"""Registry lists export the whole filtered, scoped list as CSV or XLSX, read back as a user would."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.programmes.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so that a French spreadsheet reads the accents
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def read_xlsx(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize(
    ("url_name", "header", "shown", "hidden"),
    [
        ("programmes:programme_list", "Code", "ALPHA-1", "BRAVO-1"),
        ("programmes:establishment_list", "Nom", "CP Alpha", "CP Bravo"),
        ("programmes:siae_list", "Nom", "SIAE Alpha", "SIAE Bravo"),
        ("partners:organisation_list", "Nom", "SPIP Alpha", "SPIP Bravo"),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_registry_list_exports_only_the_viewers_scope(client_as, url_name, header, shown, hidden, fmt):
    response = client_as("DISP_STAFF_A").get(reverse(url_name), {"format": fmt})

    assert response.status_code == 200
    assert f'.{fmt}"' in response["Content-Disposition"]
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    assert rows[0][0] == header
    names = [row[0] for row in rows[1:]]
    assert shown in names
    assert hidden not in names


def test_programme_export_keeps_the_search_and_neutralises_a_formula(client_as, scope_a):
    ProgrammeFactory(code="ALPHA-2", establishment=scope_a.establishment, activity="=1+1")

    rows = read_csv(client_as("DISP_STAFF_A").get(reverse("programmes:programme_list"),
                                                  {"q": "ALPHA-2", "format": "csv"}))

    assert [row[0] for row in rows[1:]] == ["ALPHA-2"]
    assert rows[1][4] == "'=1+1"


def test_programme_export_is_not_limited_to_one_page(client_as, scope_a):
    for number in range(2, 26):
        ProgrammeFactory(code=f"ALPHA-{number}", establishment=scope_a.establishment)

    rows = read_xlsx(client_as("DISP_STAFF_A").get(reverse("programmes:programme_list"), {"format": "xlsx"}))

    assert len(rows) == 1 + 25


def test_filtering_as_you_type_updates_the_export_links_with_the_filters(client_as):
    response = client_as("DISP_STAFF_A").get(reverse("programmes:programme_list"), {"q": "ALPHA"},
                                             HTTP_HX_REQUEST="true")

    assert "?q=ALPHA&amp;format=csv" in response.content.decode()
