"""The main menu as a user opens it (core.navigation): a group's button, then its link."""

from playwright.sync_api import Page


def go_to(page: Page, group: str, link: str) -> None:
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("button", name=group, exact=True).click()
    menu.get_by_role("link", name=link, exact=True).click()
