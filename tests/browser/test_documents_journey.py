"""The SIAE director generates the State convention of MEAUX-APRES, waits for it and downloads it (issue 5).

A real Celery worker makes the PDF: the worker of tests/celery_worker.py, fed through Redis, with the
application's messages routed to its queue. So this test runs under `make test` (PostgreSQL and Redis) and is
skipped on a developer's machine without Redis, or with an in-memory SQLite database the worker cannot share.

The refusal when data is missing (a list of links to the forms) is tested in tests/documents/test_pages.py.
Screenshots of each step go to var/screenshots/.
"""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser.document_worker import document_worker  # noqa: F401 - the fixture, reused

from .conftest import describe_violations, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.worker]

BLOCKING_IMPACTS = {"serious", "critical"}
GENERATION_TIMEOUT_MS = 60_000
CONVENTION = "Convention avec l'État et annexe financière"


def assert_no_blocking_violation(page, axe_source, where: str) -> None:
    results = run_axe(page, axe_source)
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe-core, {where}:\n" + describe_violations(blocking)


def convention_row(page):
    block = page.locator("section").filter(has=page.get_by_role("heading", name="Programme MEAUX-APRES"))
    return block.get_by_role("row").filter(has_text=CONVENTION)


def test_siae_director_generates_the_convention_of_meaux_apres_and_downloads_it(
    document_worker, page, page_log, demo_site, sign_in_as, axe_source, screenshot_dir  # noqa: F811 - the fixture imported above
):
    sign_in_as(page, "siae.ares")

    # "Mes documents": a block for MEAUX-APRES, with the State convention of Après never generated yet.
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Documents").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes documents")
    row = convention_row(page)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Jamais généré")
    page.screenshot(path=screenshot_dir / "documents-01-mes-documents.png", full_page=True)
    assert_no_blocking_violation(page, axe_source, "Mes documents")

    # Asked: the document page follows the worker, then offers the file.
    row.get_by_role("button", name=re.compile(r"^Générer")).click()
    expect(page).to_have_url(re.compile(r"/documents/[0-9a-f-]{36}/$"))
    document_url = page.url
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Convention avec l'État Après \(Groupe ARES\)"))
    expect(page.get_by_text("Votre demande est enregistrée")).to_be_visible()
    page.screenshot(path=screenshot_dir / "documents-03-demande.png", full_page=True)

    download_link = page.get_by_role("link", name=re.compile(r"^Télécharger le PDF"))
    expect(download_link).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
    expect(page.get_by_text("Document prêt")).to_be_visible()
    expect(page).to_have_url(document_url)  # the page updated itself (htmx), it was not reloaded by the test
    page.screenshot(path=screenshot_dir / "documents-04-pret.png", full_page=True)
    assert_no_blocking_violation(page, axe_source, "document ready")

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert re.fullmatch(r"convention-avec-letat-apres-groupe-ares-\d{4}-\d{4}-v1\.pdf", download.suggested_filename)
    data = open(download.path(), "rb").read()
    assert data.startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True,
                          timeout=60).stdout.decode()
    flat = " ".join(text.split())
    assert "Après (Groupe ARES)" in flat  # the SIAE
    assert "CP de Meaux-Chauconin" in flat  # the establishment of its programme
    assert "Thibault Guilluy" in flat  # its legal representative

    # Back to "Mes documents": version 1, ready, one click to download it again.
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Documents").click()
    row = convention_row(page)
    expect(row).to_contain_text("Version 1")
    expect(row).to_contain_text("Prêt")
    expect(row.get_by_role("link", name=re.compile(r"^Télécharger"))).to_be_visible()
    page.screenshot(path=screenshot_dir / "documents-05-mes-documents-pret.png", full_page=True)

    assert page_log.js_errors == [], page_log.js_errors
    assert page_log.outside_requests == [], f"requests outside the application: {page_log.outside_requests}"
