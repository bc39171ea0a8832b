"""axe-core on the main pages, along one journey of disp.paris (screenshots of each page in var/screenshots/)."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.navigation import go_to

from .conftest import describe_violations, run_axe

pytestmark = [pytest.mark.browser]

BLOCKING_IMPACTS = {"serious", "critical"}


def test_main_pages_have_no_serious_accessibility_violation(page, page_log, demo_site, axe_source, screenshot_dir):
    base = demo_site.url
    found = {}  # page name -> blocking violations

    def check(name: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=screenshot_dir / f"{len(found) + 1:02d}-{name}.png", full_page=True)
        results = run_axe(page, axe_source)
        found[name] = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
        # Shown with -s, not asserted: minor violations, and what axe could not decide (to review by hand).
        minor = [f"{v['id']} ({v['impact']})" for v in results["violations"] if v["impact"] not in BLOCKING_IMPACTS]
        review = [f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes)" for v in results["incomplete"]]
        print(f"axe {name}: minor violations: {', '.join(minor) or 'none'}; to review: {', '.join(review) or 'none'}")

    page.goto(f"{base}/connexion/")
    check("connexion")

    page.get_by_label("Identifiant").fill("disp.paris")
    page.get_by_label("Mot de passe").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Nadia")
    check("accueil")

    page.get_by_role("link", name="Alertes par courriel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alertes par courriel")
    check("alertes-par-courriel")

    go_to(page, "Programmes", "Programmes")
    expect(page).to_have_url(f"{base}/programmes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Programmes")
    check("programmes")

    page.get_by_role("link", name="MEAUX-APRES", exact=True).click()
    expect(page).to_have_url(demo_site.programme_url("MEAUX-APRES"))
    check("programme")

    page.get_by_role("link", name="Modifier", exact=True).click()
    expect(page).to_have_url(re.compile(r"/programmes/\d+/modifier/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier le programme")
    check("programme-modifier")

    report = "\n".join(
        f"{name} ({len(violations)} serious/critical):\n{describe_violations(violations)}"
        for name, violations in found.items() if violations
    )
    assert not report, "axe-core found serious or critical violations:\n" + report
    assert page_log.js_errors == [], page_log.js_errors
    assert page_log.outside_requests == [], f"requests outside the application: {page_log.outside_requests}"


def test_account_pages_have_no_serious_accessibility_violation(page, sign_in_as, demo_site, axe_source):
    """« Comptes » (issue 18, §3) as `admin` reads it: the list, a demo account, its deactivation and second-factor
    reset (the creation form and the invitation: tests/browser/test_accounts_journey.py)."""
    sign_in_as(page, "admin")
    found = {}
    go_to(page, "Partenaires", "Comptes")
    page.get_by_role("link", name="Camille Morel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Camille Morel")
    for name, link in [("compte", None), ("desactivation", "Désactiver le compte"),
                       ("double-authentification", "Réinitialiser la double authentification")]:
        if link:
            page.get_by_role("link", name=link).click()
            expect(page.get_by_label("Motif")).to_be_visible()
        found[name] = [v for v in run_axe(page, axe_source)["violations"] if v["impact"] in BLOCKING_IMPACTS]
        if link:
            page.go_back()
    report = "\n".join(f"{name}:\n{describe_violations(v)}" for name, v in found.items() if v)
    assert not report, "axe-core found serious or critical violations:\n" + report
