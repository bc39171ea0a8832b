"""Find anyone (issue 18, §1), as the counsellor of Meaux does: the caseload shows the demo's Saïdi as « SAÏDI »;
typing « saidi » (no capital, no diaeresis) finds the same people as « SAÏDI ». Screenshot: search-saidi.png."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.navigation import go_to
from tests.browser.test_participant_journey import filtered

pytestmark = pytest.mark.browser

SEARCH = "Nom, prénom ou numéro d'écrou"


def found(page) -> list[str]:
    return sorted(page.locator("table tbody tr").all_inner_texts())


def test_the_counsellor_finds_saidi_without_capitals_or_accents(page, page_log, demo_site, sign_in_as,
                                                                screenshot_dir):
    sign_in_as(page, "cpip.meaux")
    go_to(page, "Parcours", "Participants")

    filtered(page, lambda: page.get_by_label(SEARCH).fill("SAÏDI"))
    as_displayed = found(page)
    filtered(page, lambda: page.get_by_label(SEARCH).fill("saidi"))

    expect(page.locator("table tbody tr").first).to_contain_text("SAÏDI")
    assert as_displayed and found(page) == as_displayed
    assert all(re.search("SAÏDI", row) for row in as_displayed)
    page.screenshot(path=screenshot_dir / "search-saidi.png", full_page=True)
    assert page_log.js_errors == [], page_log.js_errors
