"""``manage.py export_indicators``: the dashboard's JSON or a key;label;value CSV for a scope and a period, the
same small-cell rule as the pages, a French message and a non-zero exit for a bad argument, nothing written."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import BaseCommand

from dashboards import report, scopes
from dashboards.management.commands import export_indicators
from dashboards.periods import Period
from participants.enums import ExitReason, Sex
from programmes.enums import SiaeKind
from tests.dashboards import builders as b

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def site():
    """In one establishment of the 77 in 2023: an ACI programme with 6 entrants (one woman), one of whom went
    back to ordinary detention; an EI programme with 2 entrants."""
    aci = b.programme("EXPORT-ACI", kind=SiaeKind.ACI)
    ei = b.programme("EXPORT-EI", kind=SiaeKind.EI, establishment=aci.establishment)
    people = [b.entrant(aci, D(2023, 2, 1), session_day=D(2023, 1, 16),
                        person={"sex": Sex.F if i == 0 else Sex.M}) for i in range(6)]
    b.exit_pathway(people[0], D(2023, 3, 3), reason=ExitReason.RETURN_ORDINARY_DETENTION)
    for _ in range(2):
        b.entrant(ei, D(2023, 4, 3), session_day=D(2023, 3, 20))
    return aci


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_indicators", *args, stdout=out)
    return out.getvalue()


def export_json(*args) -> dict:
    return json.loads(export(*args, "--format", "json"))


def read_csv(text: str) -> dict:
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["key", "label", "value"]
    return {key: (label, value) for key, label, value in rows[1:]}


def test_json_of_an_establishment_with_its_exact_counts(site):
    data = export_json("--scope", f"establishment:{site.establishment_id}", "--from", "2023-01-01",
                       "--to", "2023-12-31")

    assert data["scope"] == {"spec": f"establishment:{site.establishment_id}", "level": "establishment",
                             "level_label": "Établissement", "key": str(site.establishment_id),
                             "label": site.establishment.name}
    assert data["period"] == {"from": "2023-01-01", "to": "2023-12-31", "label": "année 2023"}
    assert data["siae_kind"] is None
    assert (data["exact"], data["notice"]) == (True, "Chiffres exacts, à usage interne : ne pas diffuser")
    assert list(data["indicators"]) == [indicator.key for indicator in report.indicators.CATALOGUE]
    assert data["indicators"]["entrants"] == 8  # 6 + 2
    assert data["indicators"]["in_pathway"] == 7
    assert data["indicators"]["exits"] == 1  # exact (issue 16)
    assert "suppressed" not in data
    assert data["indicators"]["rate_dynamic_exits"] == 0.0


def test_json_of_the_programme_shows_everything(site):
    """The command takes the view of national staff, who read exact figures at every level."""
    data = export_json("--scope", "programme:EXPORT-ACI", "--from", "2023-01-01", "--to", "2023-12-31")

    indicators = data["indicators"]
    assert (indicators["entrants"], indicators["exits"], indicators["returns_to_ordinary_detention"]) == (6, 1, 1)
    assert indicators["women_pct"] == 16.7  # 1 / 6
    assert indicators["return_rate"] == 100.0
    assert indicators["adjustment_rate"] is None  # no release


def test_the_siae_kind_filter(site):
    data = export_json("--scope", f"establishment:{site.establishment_id}", "--from", "2023-01-01",
                       "--to", "2023-12-31", "--siae-kind", "EI")

    assert data["siae_kind"] == "EI"
    assert data["indicators"]["entrants"] == 2  # the 2 EI entrants
    assert data["indicators"]["exits"] == 0


def test_the_command_gives_the_json_of_the_dashboard_url(site, client_as):
    command = export_json("--scope", "programme:EXPORT-ACI", "--from", "2023-01-01", "--to", "2023-12-31")
    response = client_as("NATIONAL").get("/tableaux-de-bord/programme/EXPORT-ACI/indicateurs.json"
                                         "?du=2023-01-01&au=2023-12-31")

    page = response.json()
    for data in (command, page):
        data.pop("generated_at")
    assert page == command


def test_csv_rows_in_catalogue_order_with_a_decimal_comma_and_exact_counts(site):
    text = export("--scope", f"establishment:{site.establishment_id}", "--from", "2023-01-01", "--to", "2023-12-31",
                  "--format", "csv")
    rows = read_csv(text)

    assert list(rows) == [indicator.key for indicator in report.indicators.CATALOGUE]
    assert rows["entrants"] == ("Entrées en atelier", "8")
    assert rows["exits"] == ("Sorties du programme", "1")
    assert rows["follow_up_6_reached_pct"] == ("Personnes jointes à 6 mois", "")  # not computable
    assert rows["hours_worked"][1] == "0,0"


def test_csv_of_the_programme_has_decimal_commas(site):
    rows = read_csv(export("--scope", "programme:EXPORT-ACI", "--from", "2023-01-01", "--to", "2023-12-31",
                           "--format", "csv"))

    assert rows["women_pct"] == ("Femmes", "16,7")
    assert rows["return_rate"][1] == "100,0"
    assert rows["exits"][1] == "1"


def test_out_writes_a_utf8_file_that_reads_back(site, tmp_path):
    target = tmp_path / "indicateurs.csv"

    message = export("--scope", "programme:EXPORT-ACI", "--from", "2023-01-01", "--to", "2023-12-31",
                     "--format", "csv", "--out", str(target))

    assert str(target) in message
    rows = read_csv(target.read_text(encoding="utf-8"))
    assert rows["entrants"] == ("Entrées en atelier", "6")
    assert rows["releases_with_adjustment"][0] == "Libérations sous aménagement de peine"


def test_out_json_keeps_accents_unescaped(site, tmp_path):
    target = tmp_path / "indicateurs.json"

    export("--scope", "programme:EXPORT-ACI", "--from", "2023-01-01", "--to", "2023-12-31", "--out", str(target))

    text = target.read_text(encoding="utf-8")
    assert '"level_label": "Programme"' in text
    assert "année 2023" in text and "\\u00e9" not in text
    assert json.loads(text)["indicators"]["entrants"] == 6


def test_a_national_export_counts_everything(site):
    data = export_json("--scope", "national", "--from", "2023-01-01", "--to", "2023-03-31")

    assert data["scope"]["spec"] == "national" and data["scope"]["key"] is None
    assert data["period"]["label"] == "1er trimestre 2023"
    assert data["indicators"]["entrants"] == 6  # the EI entrants came in April


@pytest.mark.parametrize(("args", "message"), [
    (["--scope", "province:1"], "Périmètre « province:1 » non reconnu : attendu national, disp:CODE"),
    (["--scope", "disp:DISP_NULLE_PART"], "Périmètre « disp:DISP_NULLE_PART » introuvable : vérifiez le code de la "
                                          "direction interrégionale"),
    (["--scope", "establishment:CP-Alpha"], "Périmètre « establishment:CP-Alpha » introuvable"),
    (["--scope", "programme:NULLE-PART"], "Périmètre « programme:NULLE-PART » introuvable"),
    (["--scope", "national", "--from", "2023-02-30", "--to", "2023-03-31"],
     "La date de début « 2023-02-30 » n'est pas une date valide (attendu AAAA-MM-JJ)."),
    (["--scope", "national", "--from", "2023-03-31", "--to", "2023-01-01"], "La fin de la période précède son début."),
    (["--scope", "national", "--from", "2023-01-01"], "Indiquez les deux dates de la période"),
    (["--scope", "national", "--format", "xml"], "Format « xml » non reconnu : attendu json ou csv."),
    (["--scope", "national", "--siae-kind", "AI"], "Type de SIAE « AI » non reconnu : attendu ACI ou EI."),
    ([], "Indiquez le périmètre avec --scope"),
])
def test_a_bad_argument_gives_a_french_message_and_writes_nothing(site, tmp_path, args, message):
    target = tmp_path / "sortie.json"

    with pytest.raises(CommandError) as raised:
        export(*args, "--out", str(target))

    assert str(raised.value).startswith(message)
    assert not target.exists()


def test_from_the_command_line_a_bad_scope_exits_non_zero_with_the_message_on_stderr(site, monkeypatch, capsys):
    # run_from_argv closes the database connections at the end: keep the test's transaction open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    command = export_indicators.Command()

    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(["manage.py", "export_indicators", "--scope", "region:99", "--from", "2023-01-01",
                               "--to", "2023-12-31"])

    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert "Périmètre « region:99 » introuvable : vérifiez le code INSEE de la région" in captured.err
    assert captured.out == ""


def test_an_unwritable_out_file_gives_a_french_message(site, tmp_path):
    with pytest.raises(CommandError) as raised:
        export("--scope", "national", "--from", "2023-01-01", "--to", "2023-12-31",
               "--out", str(tmp_path / "absent" / "sortie.json"))

    assert str(raised.value).startswith("Impossible d'écrire")


def test_without_dates_the_command_exports_the_last_twelve_months(site):
    data = export_json("--scope", "programme:EXPORT-ACI")
    expected = scopes.resolve(b.national_user(), "programme", "EXPORT-ACI")

    period = Period(D.fromisoformat(data["period"]["from"]), D.fromisoformat(data["period"]["to"]))
    assert period.days in (365, 366)
    assert data["scope"]["label"] == expected.label


def test_csv_values_follow_french_spreadsheet_conventions():
    value = export_indicators.csv_value
    assert (value(None), value(7), value(Decimal("53.3")), value(Decimal("0.00")), value(12.5)) == (
        "", "7", "53,3", "0,00", "12,5")
    assert value("< 5") == "< 5"
    assert value("=1+1") == "'=1+1"


def test_the_command_has_a_french_help():
    assert isinstance(export_indicators.Command(), BaseCommand)
    assert "Exporte les indicateurs" in export_indicators.Command.help
