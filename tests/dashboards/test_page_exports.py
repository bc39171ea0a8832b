"""Every table of a dashboard exports as CSV and XLSX (issue 6, section 2): re-read with the csv module and openpyxl,
the headers are the page's (in French), the figures are the page's, hidden cells are "< 5", numbers stay numbers
in XLSX and no cell is a formula. On the demo (the Meaux programme and its establishment), loaded once.
"""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from accounts.models import User
from programmes.models import Establishment
from tests.demo import demo_for_module

from .test_pages import MEAUX_PERIOD, dashboard_url, indicator_values, page_tables

pytestmark = pytest.mark.django_db

TABLES = {  # export name -> caption of the table on the page
    "detail": "Détail par programme",
    "cohortes": "Entonnoir par session de recrutement",
    "tendances": "Entrées, sorties et taux par trimestre",
    "financements": "Financements par année et par financeur",
}
FORMULA_STARTS = ("=", "+", "-", "@")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with demo_for_module(django_db_blocker):
        yield


@pytest.fixture
def client(demo):
    client = Client()
    client.force_login(User.objects.get(username="disp.paris"))
    return client


def meaux_url(level: str) -> str:
    if level == "programme":
        return dashboard_url("programme", "MEAUX-APRES")
    return dashboard_url("establishment", str(Establishment.objects.get(name="CP de Meaux-Chauconin").pk))


def read(response, fmt: str) -> list[list]:
    """The rows of an exported file, the header first, as the csv module or openpyxl reads them."""
    if fmt == "csv":
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeff")  # for a French spreadsheet: UTF-8 with BOM, semicolons
        return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def comparable(value):
    """A page's text ("1 234", "53,3 %", "14,42 ETP", "18 000,00 €", "—") and an export's value (73, 53.3,
    "53,3", None) on the same footing: a Decimal for numbers, "" for an empty value, the text otherwise."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    text = " ".join(str(value).replace("\xa0", " ").split())
    if text in ("", "—"):
        return ""
    # A rate's base on the page ("53,3 % des 45 sorties") is its column's business, not the value's.
    number = re.fullmatch(r"(\d[\d ]*(?:,\d+)?)(?: (?:%|ETP|j|h|€))?(?: des \d[\d ]* \D+)?", text)
    if number:
        return Decimal(number.group(1).replace(" ", "").replace(",", "."))
    return text


def no_formula(rows: list[list]) -> bool:
    return not any(isinstance(value, str) and value.startswith(FORMULA_STARTS) for row in rows for value in row)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("level", "tableau"), [
    ("programme", "cohortes"), ("programme", "tendances"), ("programme", "financements"),
    ("establishment", "detail"), ("establishment", "cohortes"), ("establishment", "tendances"),
])
def test_each_table_exports_what_the_page_shows(client, level, tableau, fmt):
    page = client.get(meaux_url(level), MEAUX_PERIOD)
    shown = page_tables(page)[TABLES[tableau]]

    response = client.get(meaux_url(level), {**MEAUX_PERIOD, "format": fmt, "tableau": tableau})

    assert response.status_code == 200
    key = "MEAUX-APRES" if level == "programme" else str(Establishment.objects.get(name="CP de Meaux-Chauconin").pk)
    assert response["Content-Disposition"] == (
        f'attachment; filename="tableau-de-bord-{level}-{key}-2017-06-01-2018-03-31-{tableau}.{fmt}"')
    rows = read(response, fmt)
    assert rows[0] == shown[0]  # the page's headers, in French
    assert [[comparable(value) for value in row] for row in rows[1:]] == (
        [[comparable(text) for text in row] for row in shown[1:]])
    assert len(rows) > 1
    assert no_formula(rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_indicator_table_exports_every_indicator_with_the_pages_values(client, fmt):
    page_values = indicator_values(client.get(meaux_url("programme"), MEAUX_PERIOD))

    rows = read(client.get(meaux_url("programme"), {**MEAUX_PERIOD, "format": fmt, "tableau": "indicateurs"}), fmt)

    assert rows[0] == ["Section", "Indicateur", "Valeur", "Unité", "Clé"]
    exported = {row[1]: row[2] for row in rows[1:]}
    assert {label: comparable(value) for label, value in exported.items()} == (
        {label: comparable(text) for label, text in page_values.items()})
    by_key = {row[4]: row for row in rows[1:]}
    assert by_key["entrants"][:4] == ["Flux et stocks", "Entrées en atelier", 73 if fmt == "xlsx" else "73",
                                      "personnes"]
    assert comparable(by_key["returns_to_ordinary_detention"][2]) == 21
    assert comparable(by_key["releases_dynamic"][2]) == 24
    assert comparable(by_key["rate_dynamic_exits"][2]) == Decimal("53.3")
    assert no_formula(rows)


def test_xlsx_keeps_numbers_as_numbers(client):
    rows = read(client.get(meaux_url("programme"), {**MEAUX_PERIOD, "format": "xlsx", "tableau": "indicateurs"}),
                "xlsx")

    values = {row[4]: row[2] for row in rows[1:]}
    assert values["entrants"] == 73 and isinstance(values["entrants"], int)
    assert values["rate_dynamic_exits"] == pytest.approx(53.3)
    # Meaux's annexes convention 10 ETP (the cap of the specific prison aid until 31 July 2022, issue 15): from
    # 1 July 2017 to 31 March 2018, 184 + 90 days of the period's 304: 10 x 274 / 304 = 9,013 -> 9,01 (16 ETP: 14,42)
    assert values["etp_conventioned"] == pytest.approx(9.01)
    assert values["follow_up_6_reached_pct"] is None  # nobody due for a follow-up: not computable, left empty


def test_csv_writes_french_decimals(client):
    rows = read(client.get(meaux_url("programme"), {**MEAUX_PERIOD, "format": "csv", "tableau": "indicateurs"}),
                "csv")

    values = {row[4]: row[2] for row in rows[1:]}
    assert (values["rate_dynamic_exits"], values["etp_conventioned"], values["follow_up_6_reached_pct"]) == (
        "53,3", "9,01", "")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_officer_exports_the_4_exits_of_summer_2017_exactly(client, fmt):
    """Issue 16: these were "< 5" for the DISP; they are what the CPIP of Meaux reads."""
    for level in ("establishment", "programme"):
        rows = read(client.get(meaux_url(level), {**MEAUX_PERIOD, "format": fmt, "tableau": "tendances"}), fmt)
        t3 = next(row for row in rows if row[0] == "T3 2017")
        assert t3[1:3] == ([29, 4] if fmt == "xlsx" else ["29", "4"]), level  # entrants, exits
    cpip = Client()
    cpip.force_login(User.objects.get(username="cpip.meaux"))
    programme_rows = read(cpip.get(meaux_url("programme"), {**MEAUX_PERIOD, "format": fmt, "tableau": "tendances"}),
                          fmt)
    assert next(row for row in programme_rows if row[0] == "T3 2017")[2] == (4 if fmt == "xlsx" else "4")


def test_export_links_keep_the_period_and_the_filters(client):
    response = client.get(meaux_url("establishment"), {**MEAUX_PERIOD, "type": "EI", "tri": "-entrants"})

    content = response.content.decode()
    for tableau in ("indicateurs", "detail", "cohortes", "tendances"):
        for fmt in ("csv", "xlsx"):
            assert (f'href="?du=2017-06-01&amp;au=2018-03-31&amp;type=EI&amp;tri=-entrants&amp;format={fmt}'
                    f'&amp;tableau={tableau}"') in content


def test_the_export_of_a_filtered_dashboard_is_filtered(client):
    aci = client.get(meaux_url("establishment"),
                     {**MEAUX_PERIOD, "type": "ACI", "format": "xlsx", "tableau": "indicateurs"})

    assert {row[4]: row[2] for row in read(aci, "xlsx")[1:]}["entrants"] == 0  # Après is an EI
    assert 'filename="tableau-de-bord-establishment-' in aci["Content-Disposition"]
    assert aci["Content-Disposition"].endswith('-2017-06-01-2018-03-31-aci-indicateurs.xlsx"')


def test_a_programme_has_no_detail_table_to_export(client):
    response = client.get(meaux_url("programme"), {**MEAUX_PERIOD, "format": "csv", "tableau": "detail"})

    assert response.status_code == 404


def test_an_unknown_table_is_not_found(client):
    response = client.get(meaux_url("programme"), {**MEAUX_PERIOD, "format": "csv", "tableau": "participants"})

    assert response.status_code == 404


def test_an_export_with_a_bad_period_shows_the_page_and_its_message(client):
    response = client.get(meaux_url("programme"), {"du": "2018-03-31", "au": "2017-06-01", "format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "La fin de la période précède son début." in response.content.decode()


def test_another_interregions_export_is_not_found(client):
    response = client.get(dashboard_url("programme", "METZ-EFIC"), {**MEAUX_PERIOD, "format": "xlsx"})

    assert response.status_code == 404
