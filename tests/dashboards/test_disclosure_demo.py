"""The protected outputs on the demo data (issue 16 §2, §5): the 2018 release and the diffusable figures of
MEAUX-APRES pass the audit (scipy's linear programs), add up to the exact figures where they are published, and
show "s" where they are not.
"""

import csv
import html
import io
import json
import re
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from dashboards import periods, report, scopes
from dashboards.disclosure import LEGEND, SYMBOL, data, exports, release
from dashboards.disclosure.audit import audit
from dashboards.disclosure.table import NATIONAL, TOTAL, Geography, build, check
from dashboards.scopes import Level
from tests.dashboards import builders as b
from tests.demo import demo_for_module

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with demo_for_module(django_db_blocker):
        yield


@pytest.fixture(scope="module")
def release_2018(demo, django_db_blocker):
    with django_db_blocker.unblock():
        return release.build_release(2018, limit=5)


def test_the_2018_release_passes_the_audit(release_2018):
    assert check(release_2018.table) == []
    assert release_2018.primary  # the demo has small cells: the audit has something to check
    assert release_2018.primary <= release_2018.suppressed
    assert release_2018.audit() == []
    print(f"release 2018: {len(release_2018.table.values)} cells, {len(release_2018.suppressed)} suppressed, "
          f"{release_2018.seconds:.1f} s")


def test_the_release_counts_are_those_of_the_national_dashboard(release_2018):
    national = report.build(scopes.resolve(b.national_user(), Level.NATIONAL, ""), periods.year(2018),
                            with_children=False).values
    cells = release_2018.table.values
    assert cells[("entrees", TOTAL, "2018", NATIONAL, TOTAL)] == national["entrants"]
    assert cells[("sorties", TOTAL, "2018", NATIONAL, TOTAL)] == national["exits"]
    assert cells[("en_parcours", TOTAL, "2018", NATIONAL, TOTAL)] == national["in_pathway"]


def test_meaux_diffusable_figures_for_2018():
    scope = scopes.resolve(b.national_user(), Level.PROGRAMME, "MEAUX-APRES")
    exact = report.build(scope, periods.year(2018), with_children=False).values
    shown = exports.diffusable(exact, scope.programmes, periods.year(2018))
    print({k: (shown[k], exact[k]) for k in exports.PEOPLE_CELLS})
    for key in exports.PEOPLE_CELLS:
        assert shown[key] in (SYMBOL, exact[key]), key
        assert shown[key] == SYMBOL or not 0 < shown[key] < 5, key
    assert SYMBOL in shown.values()


# --- The old method (issue 16: "the same audit must fail on today's method") ---------------------------------

OLD_PARTITIONS = [tuple(data.REASON_GROUPS), tuple(data.OUTCOMES)]  # the reasons and the outcomes of the exits
OLD_SHOWN = [("entrees", TOTAL), ("en_parcours", TOTAL), ("sorties", TOTAL),
             *[("sorties", category) for partition in OLD_PARTITIONS for category in partition]]


def old_method(unit: dict) -> set:
    """The small-cell hiding of the dashboards before issue 16 (``indicators.suppress``, commit 3dca1d1), on the
    people counts of one dashboard ({(measure, category): count}): a count from 1 to 4 hidden; in a partition of the
    exits with exactly one hidden cell, the smallest other one (not 0 first) hidden too, unless the total is."""
    hidden = {key for key, value in unit.items() if 0 < value < 5}
    for partition in OLD_PARTITIONS:
        keys = [("sorties", category) for category in partition]
        if ("sorties", TOTAL) in hidden or sum(key in hidden for key in keys) != 1:
            continue
        others = sorted((key for key in keys if key not in hidden), key=lambda key: (unit[key] == 0, unit[key]))
        if others:
            hidden.add(others[0])
    return hidden


def test_the_audit_catches_the_old_method_by_difference_between_periods_and_kinds():
    """Each dashboard of MEAUX-APRES in 2018 (a quarter or the year; every kind or one: the filter) hid its own
    small cells; put side by side, they give them back: the audit bounds a hidden small cell within less than 5,
    although inside its own dashboard nothing bounded it."""
    scope = scopes.resolve(b.national_user(), Level.PROGRAMME, "MEAUX-APRES")
    table = build(data.finest_counts(scope.programmes, 2018), year=2018, measures=data.MEASURES,
                  geography=Geography({}, single="scope"), kinds=data.kinds_of(scope.programmes),
                  stock_flow=data.STOCK_FLOW)
    units = {(period, kind) for _m, _c, period, _g, kind in table.values}
    published, small = {}, set()
    for period, kind in units:
        unit = {(measure, category): table.values[(measure, category, period, "scope", kind)]
                for measure, category in OLD_SHOWN}
        hidden = old_method(unit)
        small |= {(m, c, period, "scope", kind) for m, c in hidden if 0 < unit[(m, c)] < 5}
        published |= {(m, c, period, "scope", kind): v for (m, c), v in unit.items() if (m, c) not in hidden}
    unknown = set(table.values) - set(published)  # hidden, or never shown (the profile's counts)
    assert not any(0 < value < 5 for value in published.values())  # each dashboard alone looks protected

    findings = audit(table.equations, published, unknown, 5)
    recovered = {finding.cell: finding for finding in findings if finding.cell in small}
    assert recovered  # the differencing the issue describes
    alone = [equation for equation in table.equations if len({(key[2], key[4]) for key, _c in equation}) == 1]
    inside = {finding.cell for finding in audit(alone, published, unknown, 5)}
    assert set(recovered) - inside  # some were safe inside their own dashboard: caught only by difference
    for cell, finding in recovered.items():
        assert finding.low <= table.values[cell] <= finding.high < 5


# --- The command and the pages -----------------------------------------------------------------------------


def test_publish_release_writes_files_that_pass_the_audit(release_2018, tmp_path):
    out = StringIO()
    call_command("publish_release", year="2018", out=str(tmp_path / "diffusion"), stdout=out)

    assert sorted(path.name for path in (tmp_path / "diffusion").iterdir()) == sorted(release.FILES)
    shown = release.read_values(tmp_path / "diffusion" / "valeurs.csv")
    published = {cell: value for cell, value in shown.items() if value != SYMBOL}
    suppressed = {cell for cell, value in shown.items() if value == SYMBOL}
    assert suppressed and set(shown) == set(release_2018.table.values)
    assert audit(release_2018.table.equations, published, suppressed, 5) == []
    assert "audit réussi" in out.getvalue()
    readme = (tmp_path / "diffusion" / "LISEZMOI.md").read_text()
    assert f"« {SYMBOL} » : {LEGEND}" in readme
    document = json.loads((tmp_path / "diffusion" / "diffusion.json").read_text())
    assert (document["symbole"], document["legende"], document["annee"]) == (SYMBOL, LEGEND, 2018)
    levels = {row["niveau"] for row in document["valeurs"]}
    assert levels == {"national", "DISP", "région"}  # no establishment, no programme


def test_a_rate_is_published_only_with_its_numerator_and_denominator(release_2018, tmp_path):
    release.write(release_2018, tmp_path)
    shown = release.read_values(tmp_path / "valeurs.csv")
    rates = release.read_rates(tmp_path / "taux.csv")
    assert {row["valeur"] for row in rates} & {SYMBOL}
    for row in rates:
        level = {"national": NATIONAL, "DISP": f"disp:{row['code']}", "région": f"region:{row['code']}"}[row["niveau"]]
        terms = [term for part in (row["numerateur"], row["denominateur"]) for term in re.split(" [+−] ", part)]
        cells = [(*term.split(":", 1), row["periode"], level, row["type_siae"]) for term in terms]
        assert (row["valeur"] == SYMBOL) == any(shown[cell] == SYMBOL for cell in cells), row


@pytest.mark.parametrize("year", ["18", "1999", "deux mille", ""])
def test_publish_release_refuses_a_bad_year_and_writes_nothing(year, tmp_path):
    with pytest.raises(CommandError, match="attendu une année"):
        call_command("publish_release", year=year, out=str(tmp_path / "d"), stdout=StringIO())
    assert not (tmp_path / "d").exists()


def disp_client() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="disp.paris"))
    return client


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_diffusable_export_of_the_disp_shows_s_and_the_legend(fmt):
    url = reverse("dashboards:scope", args=["disp", "DISP_PARIS"])
    response = disp_client().get(url, {"periode": "2018", "format": fmt, "tableau": "indicateurs",
                                       "version": "diffusable"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-indicateurs-diffusable.{fmt}"')
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:]), delimiter=";"))
    else:
        rows = [list(row) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    values = {row[4]: row[2] for row in rows[1:] if row and row[4]}
    assert SYMBOL in values.values()
    assert ["Légende", f"{SYMBOL} : {LEGEND}"] == [str(cell) for cell in rows[-2][:2]]
    people = [value for key, value in values.items() if key in exports.PEOPLE_CELLS and value != SYMBOL]
    assert people and not any(0 < int(value) < 5 for value in people)
    assert "candidates" not in values  # a count the protected table does not hold is left out


def test_the_exact_export_stays_the_default():
    url = reverse("dashboards:scope", args=["disp", "DISP_PARIS"])
    page = disp_client().get(url, {"periode": "2018"}).content.decode()
    assert "format=xlsx&amp;tableau=indicateurs&amp;version=diffusable" in page
    exact = disp_client().get(url, {"periode": "2018", "format": "csv", "tableau": "indicateurs"})
    assert SYMBOL not in [row[2] for row in csv.reader(io.StringIO(exact.content.decode()[1:]), delimiter=";")]


def test_the_diffusable_export_needs_a_calendar_quarter_or_year():
    url = reverse("dashboards:scope", args=["disp", "DISP_PARIS"])
    params = {"du": "2018-01-15", "au": "2018-03-31", "tableau": "indicateurs"}
    response = disp_client().get(url, {**params, "format": "xlsx", "version": "diffusable"})
    assert response.status_code == 400
    assert "trimestre civil ou une année civile" in response.content.decode()
    page = disp_client().get(url, params).content.decode()
    assert "version=diffusable" not in page and "choisissez une telle période" in page


def test_national_staff_download_the_release_from_its_page(tmp_path):
    client = Client()
    client.force_login(User.objects.get(username="national"))
    national = client.get(reverse("dashboards:national"), {"periode": "2018"}).content.decode()
    assert f'href="{reverse("dashboards:release")}"' in national  # linked from the national dashboard
    page = client.get(reverse("dashboards:release"))
    assert page.status_code == 200 and LEGEND in html.unescape(page.content.decode())

    response = client.get(reverse("dashboards:release"), {"annee": "2018", "format": "zip"})
    assert response["Content-Disposition"] == 'attachment; filename="diffusion-2018.zip"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == sorted(f"diffusion-2018/{name}" for name in release.FILES)
        archive.extractall(tmp_path)
    shown = release.read_values(tmp_path / "diffusion-2018" / "valeurs.csv")
    structure = release.build_release(2018, limit=5).table
    published = {cell: value for cell, value in shown.items() if value != SYMBOL}
    assert audit(structure.equations, published, set(shown) - set(published), 5) == []

    refused = client.get(reverse("dashboards:release"), {"annee": "20188", "format": "zip"})
    assert refused.status_code == 400 and "attendu une année de 2000 à 2100" in refused.content.decode()


def test_the_diffusable_quarterly_trends_come_from_the_same_protected_table():
    """MEAUX-APRES, 2018: each quarter's people counts are those of the quarter's own diffusable export (one table for
    the year, so a quarter and the year cannot be subtracted), "s" or exact, never 1 to 4."""
    url = reverse("dashboards:scope", args=["programme", "MEAUX-APRES"])
    client = disp_client()
    exact = list(csv.reader(io.StringIO(client.get(url, {"periode": "2018", "format": "csv",
                                                         "tableau": "tendances"}).content.decode()[1:]),
                            delimiter=";"))
    rows = list(csv.reader(io.StringIO(client.get(url, {"periode": "2018", "format": "csv", "tableau": "tendances",
                                                        "version": "diffusable"}).content.decode()[1:]),
                           delimiter=";"))
    assert [row[0] for row in rows[1:5]] == ["T1 2018", "T2 2018", "T3 2018", "T4 2018"]
    assert rows[-2][:2] == ["Légende", f"{SYMBOL} : {LEGEND}"]
    people = range(1, 8)  # entrants, exits and the five outcomes
    for number, (line, exact_line) in enumerate(zip(rows[1:5], exact[1:5], strict=True), start=1):
        quarter = client.get(url, {"periode": f"2018-T{number}", "format": "csv", "tableau": "indicateurs",
                                   "version": "diffusable"})
        by_key = {row[4]: row[2] for row in csv.reader(io.StringIO(quarter.content.decode()[1:]), delimiter=";")
                  if len(row) == 5}
        assert [line[1], line[2]] == [by_key["entrants"], by_key["exits"]]
        for column in people:
            assert line[column] in (SYMBOL, exact_line[column])
            assert line[column] == SYMBOL or not 0 < int(line[column]) < 5
    assert SYMBOL in {line[column] for line in rows[1:5] for column in people}
