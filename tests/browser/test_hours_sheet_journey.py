"""siae.ares fills this month's hours sheet of today's Meaux workshop (MEAUX-ARES) in Chromium, validates it, and the
programme's dashboard for this year shows the occupation rising (issue 18 §§2 and 6), while its default period, the
twelve months ended, keeps its figures until the month ends: « Heures du mois » from the menu, « Copier le
mois précédent », a refused cell (its message beside it, nothing saved), the sheet saved and validated; axe-core on
the sheet. The month's hours and sheet are removed afterwards (the other journeys read the same demo).
Screenshots go to var/screenshots/ (heures-*.png)."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import describe_violations, run_axe
from .navigation import go_to

pytestmark = [pytest.mark.browser]

PROGRAMME = "MEAUX-ARES"
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def this_month(demo_site, django_db_blocker):
    """(month label as pages write it, the people on this month's sheet); the month's hours, absences and sheet
    removed afterwards."""
    from django.utils import timezone
    from django.utils.formats import date_format

    from participants import hours
    from participants.models import AccompanimentEvent, HoursSheet, MonthlyAbsence
    from programmes.models import Programme

    with django_db_blocker.unblock():
        programme = Programme.objects.get(code=PROGRAMME)
        month = timezone.localdate().replace(day=1)
        sheet = hours.sheet_for(programme, month)
        assert sheet.rows and not sheet.is_validated and sheet.total_hours is None
        people = [str(row.pathway.participant) for row in sheet.rows]
    yield date_format(month, "F Y"), people
    with django_db_blocker.unblock():
        AccompanimentEvent.objects.filter(pathway__programme=programme, kind="HOURS_WORKED", on=month).delete()
        MonthlyAbsence.objects.filter(pathway__programme=programme, month=month).delete()
        HoursSheet.objects.filter(programme=programme, month=month).delete()


def this_year(page) -> float:
    """The year chosen in the dashboard's filters, as a director would, then its occupation rate."""
    from django.utils import timezone

    filters = page.get_by_role("form", name="Filtres")
    filters.get_by_label("Année", exact=True).select_option(str(timezone.localdate().year))
    filters.get_by_role("button", name="Afficher").click()
    expect(page.locator("main")).to_contain_text(f"Année {timezone.localdate().year}")
    return occupation(page)


def occupation(page) -> float | None:
    """The occupation rate shown, or None when the page says the hours are missing (no hour entered yet in the
    period: this year's, in January)."""
    value = page.locator(".app-key-figure").filter(has=page.get_by_text("Taux d'occupation", exact=True)).locator(
        ".app-key-figure__value").inner_text()
    if value.strip() == "heures non saisies":
        return None
    return float(value.replace("\u202f", "").replace("\xa0", "").replace("%", "").replace(",", ".").strip())


def test_siae_director_fills_and_validates_the_month_and_the_occupation_follows(
    this_month, page, page_log, demo_site, sign_in_as, axe_source, screenshot_dir
):
    from django.utils import timezone

    label, people = this_month
    dashboard = f"{demo_site.url}/tableaux-de-bord/programme/{PROGRAMME}/"
    sign_in_as(page, "siae.ares")
    page.goto(dashboard)
    months_ended = occupation(page)
    assert months_ended is not None  # the demo's hours run to the end of last month
    before = this_year(page)
    if timezone.localdate().month > 1:
        assert before is not None  # this year's earlier months have their hours; in January, none yet

    go_to(page, "Parcours", "Heures du mois")
    expect(page.get_by_role("heading", level=1)).to_have_text("Heures du mois")
    page.get_by_role("link", name=f"Heures de {label} — {PROGRAMME}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Heures de {label}")
    expect(page.get_by_text("À valider")).to_be_visible()
    table = page.get_by_role("table", name=re.compile(rf"Heures et absences de {label}"))
    expect(table.locator("tbody tr")).to_have_count(len(people))

    # Last month's cells proposed for those already there, then every empty cell filled.
    page.get_by_role("link", name="Copier le mois précédent").click()
    expect(page.get_by_text(re.compile(r"sont recopiées pour les \d+ personne"))).to_be_visible()
    for name in people:
        cell = page.get_by_label(f"Heures de {name}", exact=True)
        if not cell.input_value():
            cell.fill("120")
    first = page.get_by_label(f"Heures de {people[0]}", exact=True)
    proposed = first.input_value()
    first.fill("450")
    page.get_by_label(f"Jours d'absence (arrêt maladie) de {people[-1]}", exact=True).fill("2")
    page.get_by_role("button", name="Enregistrer la feuille").click()

    # Refused: the message beside the cell, nothing saved.
    expect(page.get_by_role("alert").filter(has_text="Rien n'a été enregistré")).to_be_visible()
    expect(page.locator(f"#{first.get_attribute('id')}-erreur")).to_have_text(
        "Les heures (0 à 400) se saisissent pour les heures travaillées du mois.")
    page.screenshot(path=screenshot_dir / "heures-refusee.png", full_page=True)
    first.fill(proposed)
    page.get_by_role("button", name="Enregistrer la feuille").click()
    expect(page.get_by_text(f"Les heures de {label} sont enregistrées.")).to_be_visible()
    expect(page.locator("tfoot")).to_contain_text("2 jours d'absence")
    page.screenshot(path=screenshot_dir / "heures-enregistree.png", full_page=True)
    results = run_axe(page, axe_source)
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, describe_violations(blocking)

    page.get_by_role("button", name="Valider la feuille").click()
    expect(page.get_by_text(f"La feuille d'heures de {label} est validée")).to_be_visible()
    expect(page.get_by_role("heading", name="Feuille validée")).to_be_visible()
    expect(page.get_by_role("button", name="Enregistrer la correction")).to_be_visible()
    page.screenshot(path=screenshot_dir / "heures-validee.png", full_page=True)

    page.goto(dashboard)
    assert occupation(page) == months_ended  # the twelve months ended: this month is not among them yet
    after = this_year(page)
    assert after is not None and (before is None or after > before), (before, after)
    assert page_log.js_errors == [], page_log.js_errors
