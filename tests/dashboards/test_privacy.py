"""Issue 16, §1 (goal S-4): every viewer of a dashboard (DISP, DREETS, DDETS, national staff and the programme's own
readers) reads exact figures at every level, programme included, in the page, the CSV and XLSX exports and the JSON,
and never a name, an écrou number or a birth date. The age bands come from the pathway's age at entry, filled by
the services. Walks over the demo and a synthetic dataset: test_privacy_data.py, test_meaux_demo.py.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dashboards import indicators, report, scopes, summaries
from dashboards.periods import year
from dashboards.scopes import Level
from participants import services
from participants.enums import ExitReason, Outcome
from participants.models import Pathway, age_on
from tests.dashboards import builders as b

from .test_pages import dashboard_url, json_url, key_figures, page_tables

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR_2023 = {"periode": "2023"}


@pytest.fixture
def three_exits(scope_a):
    """ALPHA-1 (scope A: DISP Paris, region 11) in 2023: 8 people entered on 1 February, 3 of them left on 2 May
    (releases, "other" outcome); 5 are still in the workshop."""
    programme = scope_a.programme
    people = [b.entrant(programme, D(2023, 2, 1), session_day=D(2023, 1, 16)) for _ in range(8)]
    for pathway in people[:3]:
        b.exit_pathway(pathway, D(2023, 5, 2))
    return programme


def _export(client, fmt: str, tableau: str = "indicateurs") -> list[list]:
    response = client.get(dashboard_url("programme", "ALPHA-1"), {**YEAR_2023, "format": fmt, "tableau": tableau})
    assert response.status_code == 200
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    return [list(row) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]


VIEWERS = ["DISP_STAFF_A", "DREETS_STAFF_A", "DDETS_STAFF_A", "NATIONAL", "CPIP_A", "SIAE_DIRECTOR_A"]


def test_every_viewer_reads_the_3_exits_of_a_programme_exactly_and_no_one_s_name(three_exits, client_as, subtests):
    """One programme built, every viewer as a subtest."""
    people = list(Pathway.objects.filter(programme=three_exits).select_related("participant"))
    personal = {text for pathway in people for text in (
        pathway.participant.last_name, pathway.participant.ecrou, pathway.participant.birth_date.strftime("%d/%m/%Y"),
        pathway.participant.birth_date.isoformat())}

    for persona in VIEWERS:
        with subtests.test(persona=persona):
            reads_the_3_exits_exactly_and_no_name(client_as(persona), persona, personal)


def reads_the_3_exits_exactly_and_no_name(client, persona: str, personal: set[str]) -> None:
    page = client.get(dashboard_url("programme", "ALPHA-1"), YEAR_2023)

    assert page.status_code == 200
    content = page.content.decode()
    assert "Chiffres exacts, à usage interne : ne pas diffuser" in content
    figures = key_figures(page)
    assert (figures["Entrées en atelier"], figures["Sorties du programme"], figures["Libérations"]) == ("8", "3", "3")
    assert figures["Taux de sorties dynamiques"] == "0,0 %"  # 0 of the 3 exits (outcome "other")
    assert page_tables(page)["Entonnoir par session de recrutement"][1][1:] == ["8", "8", "8", "3", "0", "0", "5"]
    assert "&lt; 5" not in content

    exported = []
    for fmt in ("csv", "xlsx") if persona == "DISP_STAFF_A" else ("csv",):
        rows = {row[4]: row[2] for row in _export(client, fmt)[1:]}
        three, eight = (3, 8) if fmt == "xlsx" else ("3", "8")
        assert (rows["exits"], rows["releases"], rows["outcome_other"], rows["entrants"]) == (three, three, three,
                                                                                                eight), fmt
        exported += [str(cell) for tableau in ("indicateurs", "cohortes", "tendances")
                     for row in _export(client, fmt, tableau) for cell in row]

    data = client.get(json_url("programme", "ALPHA-1"), YEAR_2023).json()
    assert (data["exact"], data["indicators"]["exits"], data["indicators"]["entrants"]) == (True, 3, 8)
    assert "suppressed" not in data and "small_cell_threshold" not in data
    everything = content + " ".join(exported) + page.content.decode() + str(data)
    assert personal and not [text for text in personal if text in everything]


# --- Rows of the next level: exact, adding up to the total ----------------------------------------------------------


@pytest.fixture
def establishment_of_three():
    """One establishment in 2023: SMALL with 3 entrants, MIDDLE with 6, LARGE with 8."""
    establishment = b.programme("LARGE").establishment
    for code, count in [("SMALL", 3), ("MIDDLE", 6), ("LARGE", 8)]:
        programme = b.programme(code, establishment=establishment) if code != "LARGE" else \
            establishment.programmes.get(code="LARGE")
        for _ in range(count):
            b.entrant(programme, D(2023, 2, 1), session_day=D(2023, 1, 16))
    return establishment


def test_national_staff_read_each_programme_row_of_an_establishment_exactly(establishment_of_three):
    scope = scopes.resolve(b.national_user(), Level.ESTABLISHMENT, str(establishment_of_three.pk))

    dashboard = report.build(scope, year(2023))

    assert dashboard.values["entrants"] == 17
    rows = {row.label: row for row in dashboard.children}
    assert {code: row.values["entrants"] for code, row in rows.items()} == {"SMALL": 3, "MIDDLE": 6, "LARGE": 8}


def test_the_page_and_its_detail_export_show_the_exact_rows(establishment_of_three, client_as):
    client = client_as("NATIONAL")
    url = dashboard_url("establishment", str(establishment_of_three.pk))

    table = page_tables(client.get(url, YEAR_2023))["Détail par programme"]
    exported = list(csv.reader(io.StringIO(client.get(url, {**YEAR_2023, "format": "csv", "tableau": "detail"})
                                           .content.decode("utf-8-sig")), delimiter=";"))

    assert [row[:2] for row in table[1:]] == [["LARGE", "8"], ["MIDDLE", "6"], ["SMALL", "3"]]
    assert [row[:2] for row in exported[1:]] == [["LARGE", "8"], ["MIDDLE", "6"], ["SMALL", "3"]]


def test_a_reader_of_names_sees_the_programme_rows_of_an_establishment(establishment_of_three):
    scope = scopes.resolve(b.reader(), Level.ESTABLISHMENT, str(establishment_of_three.pk))

    rows = {row.label: row.values["entrants"] for row in report.build(scope, year(2023)).children}

    assert rows == {"SMALL": 3, "MIDDLE": 6, "LARGE": 8}


def test_trend_quarters_are_exact_for_national_staff(scope_a):
    """ALPHA-1 in 2023: 10 entered in February; 2 left in May (durable jobs), 7 in August (5 durable, 2 other)."""
    people = [b.entrant(scope_a.programme, D(2023, 2, 1), session_day=D(2023, 1, 16)) for _ in range(10)]
    for pathway in people[:2]:
        b.exit_pathway(pathway, D(2023, 5, 2), outcome=Outcome.DURABLE)
    for index, pathway in enumerate(people[2:9]):
        b.exit_pathway(pathway, D(2023, 8, 2), outcome=Outcome.DURABLE if index < 5 else Outcome.OTHER)

    dashboard = report.build(scopes.resolve(b.national_user(), Level.PROGRAMME, "ALPHA-1"), year(2023))

    assert dashboard.values["exits"] == 9
    assert [row.values["entrants"] for row in dashboard.trends] == [10, 0, 0, 0]
    assert [row.values["exits"] for row in dashboard.trends] == [0, 2, 7, 0]
    assert [row.values["outcome_durable"] for row in dashboard.trends] == [0, 2, 5, 0]


# --- Age at entry: stored on the pathway, so the dashboards read no birth date ------------------------------------


def test_the_workshop_entry_stores_the_age_at_entry():
    programme = b.programme()
    on_birthday = b.entrant(programme, D(2023, 3, 15), person={"birth_date": D(1997, 3, 15)})
    day_before = b.entrant(programme, D(2023, 3, 14), person={"birth_date": D(1997, 3, 15)})
    leap = b.entrant(programme, D(2025, 2, 28), person={"birth_date": D(2000, 2, 29)})

    assert (on_birthday.age_at_entry, day_before.age_at_entry, leap.age_at_entry) == (26, 25, 24)
    assert Pathway.objects.get(pk=on_birthday.pk).age_at_entry == 26
    assert age_on(D(2000, 2, 29), D(2025, 3, 1)) == 25


def test_a_corrected_birth_date_moves_the_age_at_entry():
    pathway = b.entrant(b.programme(), D(2023, 3, 15), person={"birth_date": D(1990, 1, 1)})
    participant = pathway.participant
    participant.birth_date = D(1998, 6, 1)

    services.participant_save(participant=participant, by=None)

    assert Pathway.objects.get(pk=pathway.pk).age_at_entry == 24


def test_an_anonymised_participant_keeps_the_age_at_entry():
    pathway = b.entrant(b.programme(), D(2023, 3, 15), person={"birth_date": D(1990, 1, 1)})
    participant = pathway.participant
    participant.anonymised_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    participant.birth_date = D(1900, 1, 1)

    pathway.fill_age_at_entry(participant)

    assert pathway.age_at_entry == 33


def test_the_age_bands_count_the_stored_age_not_the_birth_date():
    """The dashboards read age_at_entry: a birth date changed behind the services' back changes nothing."""
    programme = b.programme()
    people = [b.entrant(programme, D(2023, 3, 15), person={"birth_date": D(2000, 1, 1)}) for _ in range(5)]
    Pathway.objects.filter(pk=people[0].pk).update(age_at_entry=55)
    people[1].participant.__class__.objects.filter(pk=people[1].participant_id).update(birth_date=D(1950, 1, 1))
    summaries.refresh({programme.pk}, {D(2023, 3, 1)})  # the UPDATEs send no signal: the summaries follow by hand

    values = indicators.totals(scopes.resolve(b.reader(), Level.PROGRAMME, programme.code).programmes, year(2023))

    assert (values["age_under_26_pct"], values["age_50_plus_pct"]) == (Decimal("80.0"), Decimal("20.0"))


def test_the_bulk_builder_stores_the_age_at_entry_too():
    [pathway] = b.bulk_exits(b.programme(), start=D(2023, 1, 2), exit_on=D(2023, 6, 30),
                             outcomes={Outcome.OTHER: 1}, reason=ExitReason.RELEASE_END_OF_SENTENCE)

    assert Pathway.objects.get(pk=pathway.pk).age_at_entry == 37  # born 5 May 1985


def test_the_import_stores_the_age_at_entry_on_creation_and_on_update(scope_a, personas):
    from participants.importing import run_import
    from tests.participants.factories import implantation_in_force
    from tests.participants.test_import import csv_file, row

    implantation_in_force(scope_a.programme)  # an entry needs an implantation contract in force (issue 15)
    first = run_import(csv_file([row(date_entree="03/02/2025")]), "parcours.csv", user=personas["CPIP_A"],
                       wet_run=True)
    assert first["written"] is True
    assert Pathway.objects.get().age_at_entry == 34  # born 12 April 1990, entered 3 February 2025

    again = run_import(csv_file([row(date_entree="14/04/2025")]), "parcours.csv", user=personas["CPIP_A"],
                       wet_run=True)
    assert again["counts"]["pathways"]["updated"] == 1
    assert Pathway.objects.get().age_at_entry == 35  # two days after the 35th birthday
