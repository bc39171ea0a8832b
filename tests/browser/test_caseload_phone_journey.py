"""The caseload on a 390 px phone (issue 18, §5): each person is a card whose status and counsellor are read without
scrolling sideways; at 1280 px it stays a table. Screenshot: caseload-390.png."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_counsellor_reads_status_and_counsellor_on_a_phone(page, page_log, demo_site, sign_in_as, screenshot_dir):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_as(page, "cpip.meaux")
    page.goto(demo_site.url + "/participants/")

    first = page.locator(".app-cards-on-phone tbody tr").first
    expect(first).to_be_visible()
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the phone
    for label in ("Dernier parcours", "CPIP référent·e"):
        cell = first.locator(f'td[data-label="{label}"]')
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, label
    assert first.locator('td[data-label="CPIP référent·e"]').inner_text().strip()
    first.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "caseload-390.png")

    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator(".app-cards-on-phone thead").evaluate("node => getComputedStyle(node).position") != "absolute"
    assert page_log.js_errors == [], page_log.js_errors
