"""« Comptes » (issue 18, §3 and §6): `admin` records a new SPIP, creates a counsellor for it; the invitation arrives in
the test SMTP server (tests/smtp.py); the counsellor chooses a password through its link, signs in, enrols the second
factor, and her home page says why her lists are empty and whom to ask. axe-core on each new page; screenshots in
var/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.navigation import go_to

from .conftest import describe_violations, run_axe
from .test_two_factor_journey import code_for

pytestmark = [pytest.mark.browser]
SPIP = "SPIP du Nord (59)"
EMAIL = "lea.fontaine@justice.invalid"
PASSWORD = "une phrase de passe bien longue"


@pytest.fixture
def cleanup(demo_site, django_db_blocker):
    """What the journey records (the SPIP, the account and its devices) goes afterwards: the demo is shared."""
    yield
    from accounts.models import User
    from partners.models import Organisation

    with django_db_blocker.unblock():
        User.objects.filter(email=EMAIL).delete()
        Organisation.objects.filter(name=SPIP).delete()


def test_admin_invites_a_counsellor_of_a_new_spip_who_sets_a_password_and_enrols(
    cleanup, smtp_inbox, page, page_log, demo_site, sign_in_as, axe_source, screenshot_dir
):
    base = demo_site.url
    blocking = {}

    def check(name: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=str(screenshot_dir / f"comptes-{name}.png"), full_page=True)
        blocking[name] = [v for v in run_axe(page, axe_source)["violations"] if v["impact"] in {"serious", "critical"}]

    sign_in_as(page, "admin")
    go_to(page, "Partenaires", "Organisations")
    page.get_by_role("link", name="Nouvelle organisation").click()
    page.get_by_label("Type").select_option("SPIP")
    page.get_by_label("Nom actuel").fill(SPIP)
    page.get_by_label("Département").select_option("59")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SPIP)

    go_to(page, "Partenaires", "Comptes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Comptes")
    check("liste")
    page.get_by_role("link", name="Nouveau compte").click()
    page.get_by_role("textbox", name="Prénom", exact=True).fill("Léa")
    page.get_by_role("textbox", name="Nom", exact=True).fill("Fontaine")
    page.get_by_label("Adresse électronique professionnelle").fill("cpip.meaux@demo.invalid")
    page.get_by_role("combobox", name="Organisation").select_option(label=SPIP)
    page.get_by_role("combobox", name="Rôle").select_option("CPIP")
    page.get_by_role("button", name="Créer le compte et envoyer l'invitation").click()
    expect(page.get_by_text("Un compte utilise déjà cette adresse électronique")).to_be_visible()
    check("nouveau")
    page.get_by_label("Adresse électronique professionnelle").fill(EMAIL)
    page.get_by_role("button", name="Créer le compte et envoyer l'invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Léa Fontaine")
    expect(page.get_by_text("l'invitation à choisir un mot de passe est envoyée")).to_be_visible()
    expect(page.get_by_text("invitation envoyée, mot de passe pas encore choisi")).to_be_visible()
    check("compte")

    [message] = smtp_inbox.to(EMAIL)
    text = smtp_inbox.text_of(message)
    assert "identifiant : lea.fontaine" in text and SPIP in text
    link = re.search(r"(http://\S+/invitation/\S+/)", text).group(1)
    assert link.startswith(base)

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue : choisissez votre mot de passe")
    check("invitation")
    page.get_by_label("Nouveau mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe enregistré")
    expect(page.locator("main strong")).to_have_text("lea.fontaine")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Lien d'invitation expiré ou déjà utilisé")

    page.goto(f"{base}/connexion/")
    page.get_by_label("Identifiant").fill("lea.fontaine")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    secret = page.locator("code.two-factor-secret").inner_text()
    page.get_by_label("Code à usage unique").fill(code_for(secret))
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Codes de secours")
    page.get_by_role("link", name="Continuer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Léa")
    explanation = page.locator("#perimetre-vide")
    expect(explanation).to_contain_text(f"Votre SPIP, « {SPIP} », ne dessert encore aucun établissement")
    expect(explanation).to_contain_text("Alex Admin (Administrateur·rice) — admin@demo.invalid")
    check("accueil-perimetre-vide")
    assert not any(blocking.values()), "\n".join(
        f"{name}:\n{describe_violations(violations)}" for name, violations in blocking.items() if violations)
    assert page_log.js_errors == [], page_log.js_errors
    assert page_log.outside_requests == [], page_log.outside_requests


def test_the_account_list_fits_a_phone(page, sign_in_as, demo_site, screenshot_dir):
    """At 390 px the page does not scroll sideways: the table scrolls within its frame, the filters stack."""
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_as(page, "admin")
    page.goto(f"{demo_site.url}/comptes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Comptes")
    page.screenshot(path=str(screenshot_dir / "comptes-liste-390.png"), full_page=True)

    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    expect(page.get_by_role("link", name="Camille Morel")).to_be_visible()
