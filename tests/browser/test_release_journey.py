"""What leaves the administration (issue 16 §2, §5), in Chromium on the demo: disp.paris reads the exact figures of
MEAUX-APRES for 2018, then chooses the "version diffusable" of its indicators and finds "s" where a cell is protected,
and the legend; national staff produce the 2018 release from its page, and the audit passes on the files
downloaded. Screenshots in var/screenshots/.
"""

import re
import zipfile

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from dashboards.disclosure import LEGEND, SYMBOL, exports, release
from dashboards.disclosure.audit import audit

pytestmark = [pytest.mark.browser]


def key_figure(page, label: str):
    return page.locator(".app-key-figure").filter(has_text=label).locator(".app-key-figure__value")


def test_disp_officer_downloads_the_diffusable_indicators_of_meaux(page, page_log, demo_site, sign_in_as,
                                                                    screenshot_dir, tmp_path):
    sign_in_as(page, "disp.paris")
    page.goto(f"{demo_site.url}/tableaux-de-bord/programme/MEAUX-APRES/?periode=2018")
    exact_returns = key_figure(page, "Retours en détention ordinaire").inner_text()
    assert re.fullmatch(r"\d+", exact_returns)  # exact inside: a number, never "< 5" nor "s"
    section = page.locator("#diffusable-indicateurs")
    expect(section).to_contain_text("version diffusable")
    section.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "release-diffusable-choice.png", full_page=False)

    with page.expect_download() as download_info:
        section.get_by_role("link", name="Version diffusable du tableau « Indicateurs » en XLSX").click()
    download = download_info.value
    assert download.suggested_filename == (
        "tableau-de-bord-programme-MEAUX-APRES-2018-01-01-2018-12-31-indicateurs-diffusable.xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = [row for row in load_workbook(path).active.iter_rows(values_only=True)]
    values = {row[4]: row[2] for row in rows[1:] if row and row[4]}
    protected = [key for key in exports.PEOPLE_CELLS if values[key] == SYMBOL]
    assert protected  # MEAUX-APRES alone in 2018: some counts are protected
    assert values["returns_to_ordinary_detention"] in (SYMBOL, int(exact_returns))
    assert not any(isinstance(values[key], int) and 0 < values[key] < 5 for key in exports.PEOPLE_CELLS)
    assert ("Légende", f"{SYMBOL} : {LEGEND}") in [tuple(row[:2]) for row in rows]
    assert page_log.js_errors == [], page_log.js_errors


def test_national_staff_produce_the_2018_release_and_it_passes_the_audit(page, page_log, demo_site, sign_in_as,
                                                                          screenshot_dir, tmp_path,
                                                                          django_db_blocker):
    sign_in_as(page, "national")
    page.goto(f"{demo_site.url}/tableaux-de-bord/national/diffusion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Diffusion annuelle en données ouvertes")
    expect(page.locator("main")).to_contain_text(LEGEND)
    page.get_by_label("Année civile").fill("2018")
    page.screenshot(path=screenshot_dir / "release-page.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Produire la diffusion").click()
    download = download_info.value
    assert download.suggested_filename == "diffusion-2018.zip"
    archive_path = tmp_path / "diffusion-2018.zip"
    download.save_as(archive_path)
    with zipfile.ZipFile(archive_path) as archive:
        archive.extractall(tmp_path)
    shown = release.read_values(tmp_path / "diffusion-2018" / "valeurs.csv")
    published = {cell: value for cell, value in shown.items() if value != SYMBOL}
    with django_db_blocker.unblock():
        structure = release.build_release(2018).table  # the equations an outsider knows (the same demo data)
    assert set(shown) == set(structure.values) and set(published) != set(shown)
    assert audit(structure.equations, published, set(shown) - set(published), 5) == []
    assert page_log.js_errors == [], page_log.js_errors

    page.get_by_label("Année civile").fill("18")
    page.get_by_role("button", name="Produire la diffusion").click()
    expect(page.locator("#annee-erreur")).to_contain_text("attendu une année de 2000 à 2100")
