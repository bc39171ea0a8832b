"""disp.paris opens the dashboards, drills down from the interregion to MEAUX-APRES, sets the Meaux period in the
form, reads 73 entrants and downloads the XLSX, which says 73 too (issue 6, section 6); axe-core on the pages
walked. One demo load for the whole journey; screenshots in var/screenshots/.
"""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from .conftest import describe_violations, run_axe

pytestmark = [pytest.mark.browser]

BLOCKING_IMPACTS = {"serious", "critical"}
DISP_PARIS = "Direction interrégionale des services pénitentiaires de Paris"
XLSX_NAME = "tableau-de-bord-programme-MEAUX-APRES-2017-06-01-2018-03-31-indicateurs.xlsx"


def key_figure(page, label: str):
    """The value of the key figure whose label is exactly ``label`` (a definition may quote another label)."""
    return page.locator(".app-key-figure").filter(has=page.get_by_text(label, exact=True)).locator(
        ".app-key-figure__value")


def test_disp_officer_drills_down_to_meaux_reads_73_entrants_and_downloads_them(
    page, page_log, demo_site, sign_in_as, axe_source, screenshot_dir, tmp_path
):
    base = demo_site.url
    blocking = {}  # page -> serious or critical axe-core violations

    def check(name: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=screenshot_dir / f"dashboard-{name}.png", full_page=True)
        results = run_axe(page, axe_source)
        blocking[name] = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
        # Shown with -s, not asserted: minor violations, and what axe could not decide (to review by hand).
        minor = [f"{v['id']} ({v['impact']})" for v in results["violations"] if v["impact"] not in BLOCKING_IMPACTS]
        review = [f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes)" for v in results["incomplete"]]
        print(f"axe {name}: minor violations: {', '.join(minor) or 'none'}; to review: {', '.join(review) or 'none'}")

    sign_in_as(page, "disp.paris")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Tableaux de bord").click()

    # Lands on the interregion, which lists its establishments.
    expect(page).to_have_url(f"{base}/tableaux-de-bord/disp/DISP_PARIS/")
    expect(page.get_by_role("heading", level=1)).to_have_text(DISP_PARIS)
    check("disp")
    page.get_by_role("table", name="Détail par établissement").get_by_role(
        "link", name="CP de Meaux-Chauconin", exact=True).click()

    # The period goes down with the link: the last twelve months ended, written as a year when they are one (January).
    expect(page).to_have_url(re.compile(r"/tableaux-de-bord/establishment/\d+/\?(du=.*&au=.*|periode=\d{4})$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Établissement — CP de Meaux-Chauconin")
    page.get_by_role("table", name="Détail par programme").get_by_role("link", name="MEAUX-APRES", exact=True).click()

    expect(page).to_have_url(re.compile(r"/tableaux-de-bord/programme/MEAUX-APRES/\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme — MEAUX-APRES — Après (Groupe ARES)")

    # The Meaux period, in the form.
    filters = page.get_by_role("form", name="Filtres")
    filters.get_by_label("Du", exact=True).fill("2017-06-01")
    filters.get_by_label("Au", exact=True).fill("2018-03-31")
    filters.get_by_role("button", name="Afficher").click()

    expect(page).to_have_url(re.compile(r"du=2017-06-01&au=2018-03-31"))
    expect(page.locator("main")).to_contain_text("Du 01/06/2017 au 31/03/2018")
    expect(key_figure(page, "Entrées en atelier")).to_have_text("73")
    expect(key_figure(page, "Retours en détention ordinaire")).to_have_text("21")
    expect(key_figure(page, "Libérations")).to_have_text("24")
    check("programme-meaux")

    # The indicators as XLSX.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter le tableau « Indicateurs » en XLSX").click()
    download = download_info.value
    assert download.suggested_filename == XLSX_NAME
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == ("Section", "Indicateur", "Valeur", "Unité", "Clé")
    values = {row[4]: row[2] for row in rows[1:]}
    assert values["entrants"] == 73
    assert (values["sessions"], values["returns_to_ordinary_detention"], values["releases"]) == (8, 21, 24)

    report = "\n".join(f"{name}:\n{describe_violations(found)}" for name, found in blocking.items() if found)
    assert not report, "axe-core found serious or critical violations:\n" + report
    assert page_log.js_errors == [], page_log.js_errors
    assert page_log.outside_requests == [], f"requests outside the application: {page_log.outside_requests}"
