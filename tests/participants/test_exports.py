"""Caseload and pathway exports: the whole filtered list of the viewer's scope, read back as a user would
(CSV with the csv module, XLSX with openpyxl); formulas neutralised; never the SPIP-only note."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from participants import services
from participants.enums import EventKind, ExitReason, Outcome, PathwayStatus
from tests.participants.factories import STEP_DAYS, candidacy, counsellor, released_pathway

pytestmark = pytest.mark.django_db

CASELOAD = reverse("participants:participant_list")
PATHWAYS = reverse("participants:pathway_list")
NOTE = "Interdiction de paraître en Seine-Saint-Denis"


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so that a French spreadsheet reads the accents
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def read_xlsx(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)]


def read(response, fmt: str) -> list[dict]:
    """The rows of the file, each a dict by header."""
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_caseload_export_lists_the_scope_with_what_the_page_shows(client_as, scope_a, scope_b, fmt):
    user = counsellor(first_name="Claire", last_name="Martin", establishment=scope_a.establishment)
    candidacy(scope_a.programme, participant__last_name="Diallo", participant__first_names="Moussa",
              participant__ecrou="12345", participant__birth_date=datetime.date(1994, 2, 28),
              participant__quartier=scope_a.quartier, participant__counsellor=user, participant__rsa=True,
              participant__expected_release_date=datetime.date(2027, 1, 15))
    candidacy(scope_b.programme, participant__last_name="Bravard")

    response = client_as("CPIP_A").get(CASELOAD, {"format": fmt})

    assert f'filename="file-active.{fmt}"' in response["Content-Disposition"]
    rows = read(response, fmt)
    assert [row["Nom"] for row in rows] == ["Diallo"]
    row = rows[0]
    assert row["Prénom(s)"] == "Moussa" and row["Numéro d'écrou"] == "12345"
    assert row["Établissement"] == "CP Alpha" and row["Quartier"] == "QMA"
    assert row["Statut du parcours"] == "Candidat·e" and row["Programme du parcours en cours"] == "ALPHA-1"
    assert row["CPIP référent·e"] == "Claire Martin" and row["RSA"] == "oui"
    if fmt == "csv":
        assert row["Date de naissance"] == "28/02/1994" and row["Date de libération prévisible"] == "15/01/2027"
    else:
        assert row["Date de naissance"] == datetime.datetime(1994, 2, 28)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_caseload_export_is_the_whole_filtered_list_not_one_page(client_as, scope_a, fmt):
    for number in range(25):
        candidacy(scope_a.programme, participant__last_name=f"Personne{number:02d}")
    released_pathway(scope_a.programme, exit_on=STEP_DAYS["exit"], participant__last_name="Sortie")

    rows = read(client_as("CPIP_A").get(CASELOAD, {"format": fmt, "status": PathwayStatus.CANDIDATE,
                                                   "tri": "-nom"}), fmt)

    assert len(rows) == 25
    assert rows[0]["Nom"] == "Personne24"  # in the order of the page
    assert "Sortie" not in [row["Nom"] for row in rows]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("persona", ["CPIP_A", "SIAE_STAFF_A", "ESTABLISHMENT_STAFF_A"])
def test_exports_never_carry_the_spip_only_note(client_as, scope_a, persona, fmt):
    candidacy(scope_a.programme, participant__last_name="Diallo", participant__work_constraints_note=NOTE)
    client = client_as(persona)

    for url in (CASELOAD, PATHWAYS):
        rows = read(client.get(url, {"format": fmt}), fmt)
        assert [row["Nom"] for row in rows] == ["Diallo"]
        assert not any("ontrainte" in header for header in rows[0])
        assert not any(NOTE in str(value) for row in rows for value in row.values())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_value_that_a_spreadsheet_would_run_as_a_formula_stays_text(client_as, scope_a, fmt):
    pathway = released_pathway(scope_a.programme, exit_on=STEP_DAYS["exit"], reason=ExitReason.RESIGNATION,
                               participant__last_name="=HYPERLINK(\"http://example.org\")",
                               participant__first_names="+33 6 00 00 00 00")
    pathway.exit_note = "@SUM(A1:A9)"
    pathway.save(update_fields=["exit_note"])
    client = client_as("CPIP_A")

    caseload = read(client.get(CASELOAD, {"format": fmt}), fmt)[0]
    pathways = read(client.get(PATHWAYS, {"format": fmt}), fmt)[0]

    assert caseload["Nom"] == pathways["Nom"] == "'=HYPERLINK(\"http://example.org\")"
    assert caseload["Prénom(s)"] == pathways["Prénom(s)"] == "'+33 6 00 00 00 00"
    assert pathways["Précision sur la sortie"] == "'@SUM(A1:A9)"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_pathway_export_has_one_row_per_pathway_with_each_steps_dates_exit_and_hours(client_as, scope_a, fmt):
    user = counsellor(establishment=scope_a.establishment)
    pathway = candidacy(scope_a.programme, participant__last_name="Diallo", participant__first_names="Moussa",
                        participant__ecrou="12345", participant__birth_date=datetime.date(1994, 2, 28))
    pathway = services.pathway_decide(pathway=pathway, decision="SELECTED", by=user)
    pathway = services.pathway_classify(pathway=pathway, opinion="FAVOURABLE", on=STEP_DAYS["classified"], by=user)
    pathway = services.pathway_assign(pathway=pathway, on=STEP_DAYS["assigned"], by=user)
    pathway = services.pathway_start(pathway=pathway, start=STEP_DAYS["start"], hours_per_week=Decimal("24"),
                                     hourly_pay=Decimal("6.50"), signed_on=STEP_DAYS["start"], by=user)
    for month, hours in [(3, "30"), (4, "96.5")]:
        services.event_record(pathway=pathway, kind=EventKind.HOURS_WORKED, on=datetime.date(2025, month, 1),
                              hours=Decimal(hours), by=user)
    services.event_record(pathway=pathway, kind=EventKind.PMSMP, on=datetime.date(2025, 4, 10), by=user)
    pathway = services.pathway_exit(pathway=pathway, on=STEP_DAYS["exit"], reason=ExitReason.RELEASE_ADJUSTMENT,
                                    adjustment="LC", outcome=Outcome.DURABLE, job_contract="CDI", by=user)
    candidacy(scope_a.programme, participant=pathway.participant)  # a second pathway: a second row

    rows = read(client_as("SIAE_STAFF_A").get(PATHWAYS, {"format": fmt, "status": PathwayStatus.EXITED}), fmt)

    assert len(rows) == 1
    row = rows[0]
    assert (row["Programme"], row["Numéro d'écrou"], row["Nom"], row["Prénom(s)"], row["Sexe"]) == (
        "ALPHA-1", "12345", "Diallo", "Moussa", "Homme")
    assert row["Décision de la commission"] == "Retenu·e" and row["Avis de la CPU"] == "Favorable"
    assert row["Contrat"] == "Contrat d'emploi pénitentiaire"
    assert row["Motif de sortie"] == "Libération sous aménagement de peine"
    assert row["Aménagement de peine"] == "Libération conditionnelle"
    assert row["Situation à la sortie"] == "Emploi durable" and row["Type de contrat de l'emploi"] == "CDI"
    dates = {header: row[header] for header in ("Date de naissance", "Date de la session", "Date de classement",
                                                "Date d'affectation", "Date d'entrée en atelier", "Date de sortie")}
    expected = {"Date de naissance": datetime.date(1994, 2, 28), "Date de la session": STEP_DAYS["session"],
                "Date de classement": STEP_DAYS["classified"], "Date d'affectation": STEP_DAYS["assigned"],
                "Date d'entrée en atelier": STEP_DAYS["start"], "Date de sortie": STEP_DAYS["exit"]}
    if fmt == "csv":
        assert dates == {header: f"{day:%d/%m/%Y}" for header, day in expected.items()}
        assert (row["Heures travaillées"], row["PMSMP"], row["Rémunération horaire brute (€)"]) == (
            "126,5", "1", "6,50")
    else:
        assert dates == {header: datetime.datetime.combine(day, datetime.time()) for header, day in expected.items()}
        assert (row["Heures travaillées"], row["PMSMP"]) == (126.5, 1)


def test_pathway_export_adds_the_totals_carried_by_an_import(client_as, scope_a):
    pathway = candidacy(scope_a.programme, participant__last_name="Diallo")
    pathway.imported_hours_worked, pathway.imported_pmsmp = Decimal("210"), 2
    pathway.save(update_fields=["imported_hours_worked", "imported_pmsmp"])

    row = read(client_as("CPIP_A").get(PATHWAYS, {"format": "csv"}), "csv")[0]

    assert Decimal(row["Heures travaillées"].replace(",", ".")) == Decimal("210") and row["PMSMP"] == "2"
