"""The main menu at 1280 px and on a 390 px phone (issue 18, §5): a counsellor of Meaux finds the pathways' group,
opens its sessions; at 1280 px the six entries hold on one line; on the phone the menu opens from the header's
« Menu » button. Screenshots go to var/screenshots/ (menu-1280.png, menu-390.png)."""

import pytest
from playwright.sync_api import expect

from tests.browser.navigation import go_to

pytestmark = pytest.mark.browser


def test_a_counsellor_finds_the_sessions_in_the_pathways_group_on_a_desktop_and_a_phone(
    page, page_log, demo_site, sign_in_as, screenshot_dir
):
    sign_in_as(page, "cpip.meaux")
    menu = page.get_by_role("navigation", name="Menu principal")

    tops = menu.locator(".fr-nav__list > .fr-nav__item")
    expect(tops).to_have_count(6)
    assert len({round(box["y"]) for box in (tops.nth(i).bounding_box() for i in range(6))}) == 1  # one line
    menu.get_by_role("button", name="Parcours", exact=True).click()
    expect(menu.get_by_role("link", name="Sessions de recrutement")).to_be_visible()
    page.wait_for_timeout(500)  # the DSFR's opening transition, for the screenshot only
    page.screenshot(path=screenshot_dir / "menu-1280.png")
    menu.get_by_role("link", name="Sessions de recrutement").click()
    expect(page).to_have_url(f"{demo_site.url}/participants/sessions/")
    expect(menu.get_by_role("button", name="Parcours", exact=True)).to_have_attribute("aria-current", "true")

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name="Menu", exact=True).click()
    go_to(page, "Programmes", "Conventions")
    expect(page).to_have_url(f"{demo_site.url}/conventions/")
    page.get_by_role("button", name="Menu", exact=True).click()
    menu.get_by_role("button", name="Partenaires", exact=True).click()
    expect(menu.get_by_role("link", name="Comités")).to_be_visible()
    page.wait_for_timeout(500)
    page.screenshot(path=screenshot_dir / "menu-390.png")

    assert page_log.js_errors == [], page_log.js_errors
