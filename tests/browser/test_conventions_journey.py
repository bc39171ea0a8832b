"""A DREETS officer sees the annex ending soon on the home page and records its successor (issue 3, section 6).

The demo's last annex of Après (MEAUX-APRES) ends 45 days after the day load_demo runs, with no successor
(demo/programmes.py): its dates are computed here from the same function, without the ORM (see conftest).
Screenshots of each step go to var/screenshots/.
"""

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from demo import programmes as demo
from programmes.alerts import french_date

from .conftest import describe_violations, run_axe

pytestmark = [pytest.mark.browser]

BLOCKING_IMPACTS = {"serious", "critical"}
# Après's demo structure code (its rank among the pilots): its annexes are numbered EI077<YY><code>.
APRES_STRUCTURE_CODE = list(demo.BINDINGS).index("MEAUX-APRES") + 1


def test_dreets_officer_follows_the_alert_and_records_the_successor_annex(
    page, page_log, demo_site, sign_in_as, axe_source, screenshot_dir
):
    today = timezone.localdate()  # the day load_demo ran (the fixture, just before)
    soon_start, soon_end = demo.soon_annex_period(today)
    soon_number = f"EI077{soon_start.year % 100:02d}{APRES_STRUCTURE_CODE:04d}"
    next_start = soon_end + datetime.timedelta(days=1)
    next_end = next_start + relativedelta(years=1) - datetime.timedelta(days=1)
    next_number = f"EI077{next_start.year % 100:02d}{APRES_STRUCTURE_CODE:04d}"

    # Home page: the annex ending in 45 days, in French.
    sign_in_as(page, "dreets.idf")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Julien")
    alerts = page.locator("section[aria-labelledby=alerts-title]")
    expect(alerts.get_by_role("heading", level=2)).to_have_text("Échéances")
    alert = alerts.locator(".fr-alert").filter(has_text=soon_number)
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("dans 45 jours, et aucune annexe ne lui succède.")
    expect(alert).to_contain_text(f"se termine le {french_date(soon_end)}")
    page.wait_for_load_state("load")
    page.screenshot(path=screenshot_dir / "conventions-01-accueil-alerte.png", full_page=True)

    results = run_axe(page, axe_source)
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, "axe-core, home page with alerts:\n" + describe_violations(blocking)

    # The alert leads to the convention, whose annexes table lists the annex ending soon.
    alert.get_by_role("link", name=re.compile(r"^Voir la convention")).click()
    expect(page).to_have_url(re.compile(r"/conventions/\d+/$"))
    convention_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Après (Groupe ARES)")
    annexes = page.get_by_role("table", name="Annexes financières de la convention")
    expect(annexes).to_contain_text(soon_number)
    expect(annexes).not_to_contain_text(next_number)
    page.screenshot(path=screenshot_dir / "conventions-02-convention.png", full_page=True)

    # Its successor: next year's annex, the aid left blank (computed from the rate table).
    page.get_by_role("link", name="Ajouter une annexe").click()
    expect(page).to_have_url(re.compile(r"/conventions/\d+/annexes/nouvelle/$"))
    page.get_by_label(re.compile(r"^\s*Numéro d'annexe ASP")).fill(next_number)
    page.get_by_label(re.compile(r"^\s*Mesure")).select_option("EI_MP")
    page.get_by_label(re.compile(r"^\s*Année")).fill(str(next_start.year))
    page.get_by_label(re.compile(r"^\s*Date de début")).fill(next_start.isoformat())
    page.get_by_label(re.compile(r"^\s*Date de fin")).fill(next_end.isoformat())
    page.get_by_label(re.compile(r"^\s*ETP conventionnés")).fill("6")
    page.screenshot(path=screenshot_dir / "conventions-03-nouvelle-annexe.png", full_page=True)
    page.get_by_role("button", name="Enregistrer").click()

    expect(page).to_have_url(re.compile(re.escape(convention_url) + r"(#annexe-\d+)?$"))
    annexes = page.get_by_role("table", name="Annexes financières de la convention")
    row = annexes.locator("tbody tr").filter(has_text=next_number)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"{next_start:%d/%m/%Y} – {next_end:%d/%m/%Y}")
    page.screenshot(path=screenshot_dir / "conventions-04-annexe-ajoutee.png", full_page=True)

    # Back home: the successor exists, the alert is gone.
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Accueil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Julien")
    alerts = page.locator("section[aria-labelledby=alerts-title]")
    expect(alerts).to_contain_text("Aucune échéance dans les 90 prochains jours.")
    expect(alerts.locator(".fr-alert")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "conventions-05-accueil-sans-alerte.png", full_page=True)

    assert page_log.js_errors == [], page_log.js_errors
    assert page_log.outside_requests == [], f"requests outside the application: {page_log.outside_requests}"
