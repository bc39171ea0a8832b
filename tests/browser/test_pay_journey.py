"""The SIAE director revalues a contract paid under 45 % of the SMIC in Chromium (issue 15 §2): the home page's alert
leads to the list of contracts to revalue, by programme; one click records the new rate from the SMIC's date, and
the pathway page shows the pay history. siae.efic (Metz, whose demo contracts are current); a contract of theirs paid
under the floor is taken from the demo, or made so (5,35 €, the floor of 2025) when the demo has none, and put back
afterwards. Screenshots go to var/screenshots/ (remuneration-*.png)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser]

DIRECTOR = "siae.efic"


@pytest.fixture
def underpaid(demo_site, django_db_blocker):
    """(person's name as pages show it, programme code, pathway path, pay before, SMIC row) for one contract of
    siae.efic under the floor today; the pathway as it was afterwards."""
    from django.utils import timezone

    from access import scope
    from accounts.models import User
    from participants import pay, rules
    from participants.models import Pathway, PathwayLog, PayRate

    with django_db_blocker.unblock():
        director = User.objects.get(username=DIRECTOR)
        today = timezone.localdate()
        smic = pay.current_smic(today)
        found = pay.below_floor_for(user=director, today=today)
        if found.groups:
            pathway = found.groups[0].pathways[0]
        else:  # a contract of 2025 at that year's floor, as if it had not followed the SMIC
            pathway = (scope.pathways_for(director).filter(status__in=rules.REVALUABLE_STATUSES,
                                                           hourly_pay__isnull=False, contract_start__year__lt=2026)
                       .select_related("participant", "programme").first())
            assert pathway is not None, "no contract in progress at Metz in the demo"
        original = Pathway.objects.values("hourly_pay", "version").get(pk=pathway.pk)
        Pathway.objects.filter(pk=pathway.pk).update(hourly_pay=min(original["hourly_pay"], Decimal("5.35")))
        before = Pathway.objects.get(pk=pathway.pk).hourly_pay
        info = (str(pathway.participant), pathway.programme.code, pathway.get_absolute_url(), before, smic)
    yield info
    with django_db_blocker.unblock():
        PayRate.objects.filter(pathway_id=pathway.pk).delete()
        PathwayLog.objects.filter(pathway_id=pathway.pk, transition="REVALUE").delete()
        Pathway.objects.filter(pk=pathway.pk).update(**original)


def euros(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",") + "\u00a0€"


def test_siae_director_sees_the_alert_revalues_and_finds_the_pay_history(
    underpaid, page, page_log, demo_site, sign_in_as, screenshot_dir
):
    from programmes import rates

    name, code, pathway_path, before, smic = underpaid
    floor = rates.pay_floor(smic.hourly_amount)
    sign_in_as(page, DIRECTOR)

    # 1. The home page's alert names the programme and the SMIC, and leads to the list.
    alert = page.locator(".fr-alert", has_text=f"Programme {code} :")
    expect(alert).to_contain_text("sous 45 % du SMIC en vigueur depuis le")
    expect(alert).to_contain_text(f"soit au moins {euros(floor)}")
    alert.get_by_role("link", name="Revaloriser").click()

    # 2. The list, by programme: the person, today's pay, the floor.
    expect(page.get_by_role("heading", level=1)).to_have_text("Rémunérations à revaloriser")
    section = page.locator(f"#programme-{code}")
    row = section.get_by_role("row").filter(has_text=name)
    expect(row).to_contain_text(euros(before))
    expect(row).to_contain_text(euros(floor))
    page.screenshot(path=str(screenshot_dir / "remuneration-liste.png"), full_page=True)

    # 3. One click: revalued from the proposed date, back to the list with a French message.
    row.get_by_role("button", name=f"Revaloriser la rémunération de {name}").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Rémunération de {name} revalorisée : {euros(before)} → {euros(floor)}")
    expect(page.locator(f"#programme-{code}").get_by_role("row").filter(has_text=name)).to_have_count(0)

    # 4. The pathway page keeps the pay history: the contract's rate, then the revaluation.
    page.goto(demo_site.url + pathway_path + "#remuneration")
    history = page.locator("#remuneration")
    expect(history).to_contain_text("Rémunération horaire et revalorisations")
    first, last = history.locator("tbody tr").first, history.locator("tbody tr").last
    expect(first).to_contain_text(euros(before))
    expect(first).to_contain_text("Contrat initial")
    expect(last).to_contain_text(euros(floor))
    expect(last).to_contain_text("Revalorisation (avenant)")
    expect(history.locator(".fr-alert--error")).to_have_count(0)  # no longer under the floor
    history.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "remuneration-historique.png"), full_page=True)

    assert page_log.js_errors == [] and page_log.outside_requests == []
