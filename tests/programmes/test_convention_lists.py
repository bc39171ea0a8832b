"""Convention and funding lists: scoped, filtered, paginated with a pinned query count, exported as CSV and
XLSX that read back (formula injection neutralised)."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.accounts.pages import page_text
from tests.programmes.convention_factories import make_annex, make_convention, make_funding
from tests.programmes.factories import ProgrammeFactory, SiaeFactory
from tests.programmes.test_list_queries import PAGE_FRAME

pytestmark = pytest.mark.django_db
D = datetime.date



def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def read_xlsx(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_convention_list_shows_only_the_conventions_in_scope(client_as, scope_a, scope_b):
    make_convention(siae=scope_a.siae, authority=scope_a.organisations["ddets"])
    make_convention(siae=scope_b.siae, authority=scope_b.organisations["ddets"])

    text = page_text(client_as("DDETS_STAFF_A").get(reverse("programmes:convention_list")))

    assert "SIAE Alpha" in text and "SIAE Bravo" not in text
    assert "1 résultat" in text


def test_convention_list_filters_by_status_end_year_and_siae(client_as, scope_a):
    other = SiaeFactory(name="Atelier Meldois", department_code="77")
    make_convention(siae=scope_a.siae, end=D(2025, 12, 31), status="SIGNED")
    make_convention(siae=other, end=D(2026, 6, 30))
    client = client_as("DREETS_STAFF_A")
    url = reverse("programmes:convention_list")

    assert client.get(url, {"status": "SIGNED"}).context["paginator"].count == 1
    assert client.get(url, {"end_year": "2026"}).context["object_list"][0].siae == other
    assert client.get(url, {"q": "meldois"}).context["paginator"].count == 1
    assert client.get(url, {"q": "meldois", "status": "SIGNED"}).context["paginator"].count == 0


def test_convention_list_is_paginated_and_export_links_keep_the_filters(client_as, scope_a):
    for _ in range(25):
        make_convention(siae=SiaeFactory(department_code="77"), authority=scope_a.organisations["ddets"])
    client = client_as("DDETS_STAFF_A")

    first = client.get(reverse("programmes:convention_list"), {"status": "DRAFT"})
    second = client.get(reverse("programmes:convention_list"), {"status": "DRAFT", "page": 2})

    assert len(first.context["object_list"]) == 20 and len(second.context["object_list"]) == 5
    assert "Page 1 sur 2" in page_text(first)
    assert 'href="?status=DRAFT&amp;format=csv"' in first.content.decode()
    assert 'href="?status=DRAFT&amp;format=xlsx"' in second.content.decode()


@pytest.mark.parametrize("rows", [5, 25])
def test_convention_list_query_count_does_not_grow_with_rows(client_as, scope_a, rows, django_assert_num_queries):
    for index in range(rows):
        convention = make_convention(siae=SiaeFactory(department_code="77"), authority=scope_a.organisations["ddets"])
        make_annex(convention, asp_number=f"ACI07723{index:04d}")
    client = client_as("DDETS_STAFF_A")

    # + COUNT of the conventions in scope (paginator)
    # + one page of conventions with SIAE and authority joined, annexes counted and their ETP summed
    with django_assert_num_queries(PAGE_FRAME + 2):
        response = client.get(reverse("programmes:convention_list"))

    assert response.context["paginator"].count == rows


def test_convention_exports_read_back_with_formulas_neutralised(client_as, scope_a, scope_b):
    scope_a.siae.name = "=1+1"
    scope_a.siae.save()
    convention = make_convention(siae=scope_a.siae, authority=scope_a.organisations["ddets"], start=D(2023, 1, 1),
                                 end=D(2025, 12, 31), reference="@SUM(A1)")
    make_annex(convention, etp="2.5")
    make_convention(siae=scope_b.siae, authority=scope_b.organisations["ddets"])
    client = client_as("SIAE_DIRECTOR_A")

    csv_rows = read_csv(client.get(reverse("programmes:convention_list"), {"format": "csv"}))
    xlsx_rows = read_xlsx(client.get(reverse("programmes:convention_list"), {"format": "xlsx"}))

    assert csv_rows[0] == ["SIAE", "SIRET", "Service de l'État", "Référence", "Début", "Fin", "Statut", "Annexes",
                           "ETP conventionnés (total des annexes)"]
    assert csv_rows[1:] == [["'=1+1", scope_a.siae.siret, "DDETS Alpha", "'@SUM(A1)", "01/01/2023", "31/12/2025",
                             "Brouillon", "1", "2,50"]]
    assert xlsx_rows[0] == csv_rows[0]
    assert len(xlsx_rows) == 2
    assert xlsx_rows[1][0] == "'=1+1" and xlsx_rows[1][3] == "'@SUM(A1)"
    assert xlsx_rows[1][4] == datetime.datetime(2023, 1, 1)


def test_convention_export_keeps_the_filters(client_as, scope_a):
    make_convention(siae=scope_a.siae, status="SIGNED")
    make_convention(siae=SiaeFactory(department_code="77"))

    rows = read_csv(client_as("DDETS_STAFF_A").get(reverse("programmes:convention_list"),
                                                   {"status": "SIGNED", "format": "csv"}))

    assert [row[0] for row in rows[1:]] == ["SIAE Alpha"]


def test_export_of_more_than_a_page_has_every_row(client_as, scope_a):
    for _ in range(25):
        make_convention(siae=SiaeFactory(department_code="77"))

    rows = read_xlsx(client_as("DDETS_STAFF_A").get(reverse("programmes:convention_list"), {"format": "xlsx"}))

    assert len(rows) == 26


def test_funding_list_is_scoped_filtered_and_exported(client_as, scope_a, scope_b):
    make_funding(scope_a.programme, year=2023, funder="STATE", amount="48711.60")
    make_funding(scope_a.programme, year=2024, funder="DEPARTEMENT", amount="15000",
                 organisation=scope_a.organisations["spip"])
    make_funding(scope_b.programme, year=2024, funder="DEPARTEMENT", amount="9999")
    client = client_as("DISP_STAFF_A")
    url = reverse("programmes:funding_list")

    assert client.get(url).context["paginator"].count == 2
    assert client.get(url, {"year": "2024"}).context["paginator"].count == 1
    assert client.get(url, {"funder": "STATE"}).context["paginator"].count == 1
    rows = read_csv(client.get(url, {"year": "2024", "format": "csv"}))
    assert rows == [["Programme", "SIAE", "Année", "Financeur", "Organisation", "Montant (€)"],
                    ["ALPHA-1", "SIAE Alpha", "2024", "Département", "SPIP Alpha", "15000,00"]]
    xlsx = read_xlsx(client.get(url, {"funder": "STATE", "format": "xlsx"}))
    assert xlsx[1] == ["ALPHA-1", "SIAE Alpha", 2023, "État (aide au poste)", None, 48711.6]


@pytest.mark.parametrize("rows", [5, 25])
def test_funding_list_query_count_does_not_grow_with_rows(client_as, scope_a, rows, django_assert_num_queries):
    for year in range(rows):
        make_funding(ProgrammeFactory(establishment=scope_a.establishment), year=2000 + year,
                     organisation=scope_a.organisations["ddets"])
    client = client_as("DISP_STAFF_A")

    # + COUNT of the funding lines in scope (paginator)
    # + one page of lines with programme, SIAE and organisation joined
    with django_assert_num_queries(PAGE_FRAME + 2):
        response = client.get(reverse("programmes:funding_list"))

    assert response.context["paginator"].count == rows


def test_funding_list_offers_edit_links_to_editors_only(client_as, scope_a):
    line = make_funding(scope_a.programme)
    edit = reverse("programmes:funding_update", args=[line.pk])

    assert edit in page_text(client_as("DDETS_STAFF_A").get(reverse("programmes:funding_list")))
    assert edit not in page_text(client_as("CPIP_A").get(reverse("programmes:funding_list")))
