"""A SPIP counsellor records a whole pathway in the browser (issue 4, section 8).

cpip.metz creates a participant, puts them forward at the demo's latest Metz session (2 months before the day
load_demo runs), records the commission's decision, the classification after the CPU's opinion, the assignment,
the entry in the workshop, two timeline events and a release with a durable job, then finds the person in the
caseload filtered by status. (Metz, not Meaux: MEAUX-APRES and its implantation contract end on 31 December 2018,
and nobody enters a workshop outside its programme and contract, issue 15.) The test body does
not use the ORM (see conftest); screenshots of each step go to var/screenshots/.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.navigation import go_to

from .conftest import describe_violations, run_axe

pytestmark = [pytest.mark.browser]

BLOCKING_IMPACTS = {"serious", "critical"}
LAST_NAME, FIRST_NAME, ECROU = "Lefèvre", "Antoine", "77-2026-0451"


def check_accessibility(page, axe_source: str) -> None:
    results = run_axe(page, axe_source)
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe-core on {page.url}:\n{describe_violations(blocking)}"


def shoot(page, screenshot_dir, name: str) -> None:
    page.wait_for_load_state("load")
    page.screenshot(path=screenshot_dir / f"parcours-{name}.png", full_page=True)


def test_counsellor_records_a_pathway_from_candidacy_to_release_and_finds_it_in_the_caseload(
    page, page_log, demo_site, sign_in_as, axe_source, screenshot_dir
):
    today = timezone.localdate()
    entry = today - datetime.timedelta(days=7)  # after the demo's commission, 2 months ago
    classified, assigned = today - datetime.timedelta(days=21), today - datetime.timedelta(days=14)
    sign_in_as(page, "cpip.metz")

    # 1. A new participant: identity, stay, profile.
    go_to(page, "Parcours", "Participants")
    page.get_by_role("link", name="Nouveau participant").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("participant")
    page.get_by_role("textbox", name="Nom", exact=True).fill(LAST_NAME)
    page.get_by_label("Prénom(s)").fill(FIRST_NAME)
    page.get_by_label("Date de naissance").fill("1988-05-14")
    page.get_by_text("Homme", exact=True).click()
    page.get_by_label("Quartier").select_option(label="CP de Metz — Quartier maison d'arrêt (QMA)")
    page.get_by_label("Numéro d'écrou").fill(ECROU)
    page.get_by_label("Date de libération prévisible").fill((today + datetime.timedelta(days=200)).isoformat())
    page.get_by_text("RSA avant la détention", exact=True).click()
    page.get_by_label("Contraintes pour un travail à l'extérieur").fill("Pas de déplacement hors de Seine-et-Marne.")
    check_accessibility(page, axe_source)
    shoot(page, screenshot_dir, "01-nouveau-participant")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{LAST_NAME.upper()} {FIRST_NAME}")
    expect(page.get_by_text("Pas de déplacement hors de Seine-et-Marne.", exact=True)).to_be_visible()

    # 2. Candidacy at the current session, then the commission's decision.
    page.get_by_role("link", name="Nouvelle candidature").click()
    page.get_by_label("Programme").select_option(label="METZ-EFIC — EFIC")
    page.get_by_label("Session de recrutement").select_option(index=1)  # the most recent: the demo's current one
    page.get_by_role("button", name="Enregistrer la candidature").click()
    page.get_by_role("link", name="Enregistrer la décision de la commission").click()
    page.get_by_text("Retenu·e", exact=True).click()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator(".fr-badge").filter(has_text="Retenu·e").first).to_be_visible()

    # 2b. Classification after the CPU's opinion, then the assignment: no entry before them (issue 15).
    page.get_by_role("link", name="Enregistrer le classement au travail").click()
    page.get_by_text("Favorable", exact=True).click()
    page.get_by_label("Date de la décision de classement").fill(classified.isoformat())
    check_accessibility(page, axe_source)
    shoot(page, screenshot_dir, "02a-classement")
    page.get_by_role("button", name="Enregistrer le classement").click()
    expect(page.locator(".fr-badge").filter(has_text="Classé·e au travail").first).to_be_visible()
    page.get_by_role("link", name="Enregistrer l'affectation").click()
    page.get_by_label("Date de la décision d'affectation").fill(assigned.isoformat())
    page.get_by_role("button", name="Enregistrer l'affectation").click()
    expect(page.locator(".fr-badge").filter(has_text="Affecté·e").first).to_be_visible()

    # 3. Entry in the workshop: a CEP (after 1 May 2022), 24 h a week, paid above 45 % of the SMIC.
    page.get_by_role("link", name="Enregistrer l'entrée en atelier").click()
    page.get_by_label("Date d'entrée en atelier").fill(entry.isoformat())
    page.get_by_label("Date de signature du contrat").fill(entry.isoformat())
    page.get_by_label("Heures par semaine").fill("24")
    page.get_by_label("Rémunération horaire brute (€)").fill("5,60")
    shoot(page, screenshot_dir, "02-entree-en-atelier")
    page.get_by_role("button", name="Enregistrer l'entrée en atelier").click()
    expect(page.locator(".fr-badge").filter(has_text="En atelier").first).to_be_visible()
    expect(page.get_by_text("Contrat d'emploi pénitentiaire").first).to_be_visible()

    # 4. Two timeline events.
    for kind, detail in [("Entretien avec le ou la CIP", "Diagnostic socioprofessionnel d'entrée"),
                         ("Action de préparation à la sortie", "Rendez-vous pris avec le SIAO pour l'hébergement")]:
        page.get_by_role("link", name="Ajouter une action").first.click()
        page.get_by_label("Type d'action").select_option(label=kind)
        page.locator("#id_on").fill(today.isoformat())  # its label also holds the help text
        page.get_by_label("Précision").fill(detail)
        page.get_by_role("button", name="Ajouter à la chronologie").click()
        expect(page.get_by_text(detail)).to_be_visible()

    # 5. Release under a sentence adjustment, with a durable job (CDI).
    page.get_by_role("link", name="Enregistrer la sortie").click()
    page.get_by_label("Date de sortie").fill(today.isoformat())
    page.get_by_label("Motif de sortie").select_option(label="Libération sous aménagement de peine")
    page.get_by_label("Aménagement de peine obtenu").select_option(label="Libération conditionnelle")
    page.get_by_label("Situation à la sortie").select_option(label="Emploi durable")
    page.get_by_label("Type de contrat").select_option(label="CDI")
    check_accessibility(page, axe_source)
    shoot(page, screenshot_dir, "03-sortie")
    page.get_by_role("button", name="Enregistrer la sortie").click()
    expect(page.locator(".fr-badge").filter(has_text="Sorti·e").first).to_be_visible()
    expect(page.get_by_text("Emploi durable").first).to_be_visible()
    shoot(page, screenshot_dir, "04-parcours-termine")

    # 6. The caseload, filtered by status, finds the person.
    go_to(page, "Parcours", "Participants")
    # Each filter is sent by htmx (the search term is kept in the session, not the URL; a newer request replaces the
    # one in flight, hx-sync). The test waits for what the person sees, never for one particular answer: a change
    # that sends nothing (a value already there) or an answer replaced by a newer one cannot leave it waiting.
    row = page.locator("#resultats tbody tr").filter(has_text=ECROU)
    page.get_by_label("Statut du parcours").select_option(label="Sorti·e")
    page.get_by_label("Nom, prénom ou numéro d'écrou").fill(LAST_NAME)  # dozens of demo people left: narrow it down
    page.get_by_role("button", name="Filtrer").click()
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"{LAST_NAME.upper()} {FIRST_NAME}")
    page.get_by_label("Statut du parcours").select_option(label="En atelier")
    page.get_by_role("button", name="Filtrer").click()
    expect(row).to_have_count(0)
    check_accessibility(page, axe_source)
    shoot(page, screenshot_dir, "05-file-active-filtree")

    assert page_log.js_errors == []
    assert page_log.outside_requests == []
