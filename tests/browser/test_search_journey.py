"""Find anyone (issue 18, §1), as the counsellor of Meaux does: the caseload shows the demo's Saïdi as « SAÏDI »;
typing « saidi » (no capital, no diaeresis) finds the same people as « SAÏDI ». Screenshot: search-saidi.png."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.navigation import go_to

pytestmark = pytest.mark.browser

SEARCH = "Nom, prénom ou numéro d'écrou"


def search(page, term: str) -> None:
    """Types the term and sends it (Entrée), then waits for the list that names it (30 s: CI's machine is busy)."""
    page.get_by_label(SEARCH).fill(term)
    page.get_by_label(SEARCH).press("Enter")
    expect(page.get_by_text(f"Recherche en cours : « {term} »")).to_be_visible(timeout=30_000)


def found(page) -> list[str]:
    return sorted(page.locator("table tbody tr").all_inner_texts())


def test_the_counsellor_finds_saidi_without_capitals_or_accents(page, page_log, demo_site, sign_in_as,
                                                                screenshot_dir):
    sign_in_as(page, "cpip.meaux")
    go_to(page, "Parcours", "Participants")

    search(page, "SAÏDI")
    as_displayed = found(page)
    search(page, "saidi")

    expect(page.locator("table tbody tr").first).to_contain_text("SAÏDI")
    assert as_displayed and found(page) == as_displayed
    assert all(re.search("SAÏDI", row) for row in as_displayed)
    page.screenshot(path=screenshot_dir / "search-saidi.png", full_page=True)
    assert page_log.js_errors == [], page_log.js_errors
