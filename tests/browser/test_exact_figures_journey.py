"""disp.paris reads the exact MEAUX-APRES figures of 2018 on the programme's dashboard, with the notice that they
are for internal use (issue 16, §1 and §5): the returns to ordinary detention were "< 5" for them before, though
there were 11 in the demo. Screenshots of the programme, DISP and national dashboards for the seed period (June 2017
to March 2018) and for 2018, in var/screenshots/ (dashboard-exact-*.png).

The 2018 figures are counted straight from the pathways before Chromium starts (the demo's 2018 story may change;
the page must say whatever the data holds); the seed period's are the press release's and do not change.
"""

import datetime

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser]

NOTICE = "Chiffres exacts, à usage interne : ne pas diffuser"
SEED = "du=2017-06-01&au=2018-03-31"


@pytest.fixture
def returns_2018(demo_site, django_db_blocker) -> int:
    from participants.enums import ExitReason, PathwayStatus
    from participants.models import Pathway

    with django_db_blocker.unblock():
        return Pathway.objects.filter(
            programme__code="MEAUX-APRES", status=PathwayStatus.EXITED,
            exit_reason=ExitReason.RETURN_ORDINARY_DETENTION,
            exit_on__range=(datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))).count()


def key_figure(page, label: str):
    label_line = page.locator(".app-key-figure__label").get_by_text(label, exact=True)
    return page.locator(".app-key-figure").filter(has=label_line).locator(".app-key-figure__value")


def test_disp_officer_reads_the_exact_2018_figures_of_meaux_with_the_notice(
    returns_2018, page, page_log, demo_site, sign_in_as, screenshot_dir
):
    base = demo_site.url
    assert returns_2018 >= 5  # the probe's point: a figure of 5 or more was shown as "< 5"

    def shot(name: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=screenshot_dir / f"dashboard-exact-{name}.png", full_page=True)

    sign_in_as(page, "disp.paris")
    page.goto(f"{base}/tableaux-de-bord/programme/MEAUX-APRES/?{SEED}")
    expect(page.locator("main")).to_contain_text(NOTICE)
    expect(key_figure(page, "Entrées en atelier")).to_have_text("73")
    expect(key_figure(page, "Retours en détention ordinaire")).to_have_text("21")
    shot("programme-seed")

    # 2018, chosen in the form.
    filters = page.get_by_role("form", name="Filtres")
    filters.get_by_label("Du", exact=True).fill("")
    filters.get_by_label("Au", exact=True).fill("")
    filters.get_by_label("Année", exact=True).select_option("2018")
    filters.get_by_role("button", name="Afficher").click()
    expect(page.locator("main")).to_contain_text("Année 2018")
    expect(page.locator("main")).to_contain_text(NOTICE)
    expect(key_figure(page, "Retours en détention ordinaire")).to_have_text(str(returns_2018))
    expect(page.locator("main")).not_to_contain_text("< 5")
    shot("programme-2018")

    for query, name in ((SEED, "seed"), ("periode=2018", "2018")):
        page.goto(f"{base}/tableaux-de-bord/disp/DISP_PARIS/?{query}")
        expect(page.locator("main")).to_contain_text(NOTICE)
        shot(f"disp-{name}")

    sign_in_as(page, "national")
    for query, name in ((SEED, "seed"), ("periode=2018", "2018")):
        page.goto(f"{base}/tableaux-de-bord/national/?{query}")
        expect(page.locator("main")).to_contain_text(NOTICE)
        shot(f"national-{name}")

    assert page_log.js_errors == [], page_log.js_errors
    assert page_log.outside_requests == [], f"requests outside the application: {page_log.outside_requests}"
