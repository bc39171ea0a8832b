"""Each demo persona logs in through the French form, sees their scope on the home page and opens a programme."""

import re
from dataclasses import dataclass

import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from .signin import pass_second_factor

pytestmark = [pytest.mark.browser]

ALL_CODES = [
    "MEAUX-APRES", "MEAUX-ARES", "METZ-EFIC", "NICE-ASSIETTE-BLEUE", "OERMINGEN-EMMAUS-MUNDO", "PERPIGNAN-AEPI",
    "SAINT-DENIS-TI-TANG", "SEYSSES-TERRITOIRE-ACTIF", "VARCES-LA-REMISE",
]
MEAUX = ("MEAUX-APRES", "MEAUX-ARES")  # the experiment of 2017-2018 and today's workshop
# What a programme's detail page shows: SIAE, establishment, interregion (DISP).
DETAILS = {
    "MEAUX-APRES": ("Après (Groupe ARES)", "CP de Meaux-Chauconin",
                    "Direction interrégionale des services pénitentiaires de Paris"),
    "METZ-EFIC": ("EFIC", "CP de Metz", "Direction interrégionale des services pénitentiaires de Strasbourg"),
    "OERMINGEN-EMMAUS-MUNDO": ("Emmaüs Mundo", "CD d'Oermingen",
                               "Direction interrégionale des services pénitentiaires de Strasbourg"),
    "SAINT-DENIS-TI-TANG": ("Ti Tang", "CP de Saint-Denis de La Réunion",
                            "Direction des services pénitentiaires de l'outre-mer"),
}


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    title: str  # the home page's heading for the user's scope
    sees: tuple[str, ...]  # programme codes of the home table, in order
    opens: str  # the programme followed from the home table
    may_edit: bool  # a "Modifier" button on the programme page

    @property
    def hidden(self) -> list[str]:
        return [code for code in ALL_CODES if code not in self.sees]


PERSONAS = [
    Persona("cpip.meaux", "Camille", "Les programmes de vos établissements", MEAUX, "MEAUX-APRES", False),
    Persona("siae.ares", "Dominique", "Les programmes de votre structure", MEAUX, "MEAUX-APRES", True),
    Persona("disp.paris", "Nadia", "Les programmes de votre interrégion", MEAUX, "MEAUX-APRES", True),
    Persona("dreets.idf", "Julien", "Les programmes de votre région", MEAUX, "MEAUX-APRES", True),
    Persona("national", "Claire", "Tous les programmes", tuple(ALL_CODES), "SAINT-DENIS-TI-TANG", False),
    Persona("admin", "Alex", "Tous les programmes", tuple(ALL_CODES), "METZ-EFIC", True),
    Persona("cpip.metz", "Yanis", "Les programmes de vos établissements", ("METZ-EFIC",), "METZ-EFIC", False),
    Persona("siae.efic", "Sophie", "Les programmes de votre structure", ("METZ-EFIC",), "METZ-EFIC", True),
    Persona("disp.strasbourg", "Marc", "Les programmes de votre interrégion",
            ("METZ-EFIC", "OERMINGEN-EMMAUS-MUNDO"), "OERMINGEN-EMMAUS-MUNDO", True),
]


def log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_each_persona_journey(page, page_log, demo_site):
    """One demo load for the nine accounts (the journeys only read): each logs in, walks and logs out."""
    for persona in PERSONAS:
        try:
            walk(page, page_log, demo_site, persona)
        except AssertionError as error:
            raise AssertionError(f"{persona.username}: {error}") from error


def walk(page, page_log, demo_site, persona):
    base = demo_site.url
    # Anonymous: the home page sends to the login page.
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/connexion/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")

    page.get_by_label("Identifiant").fill(persona.username)
    page.get_by_label("Mot de passe").fill(settings.DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    pass_second_factor(page, persona.username)  # the accounts that see names type their code

    # Home page: greeting, the scope's title, the programmes of the scope and none other.
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {persona.first_name}")
    expect(page.get_by_role("heading", level=2, name=persona.title, exact=True)).to_be_visible()
    home_table = page.get_by_role("table", name=persona.title)
    expect(home_table.locator("tbody tr td:first-child a")).to_have_text(list(persona.sees))
    main = page.locator("main")
    for code in persona.hidden:
        expect(main).not_to_contain_text(code)

    # A programme from the home table.
    home_table.get_by_role("link", name=persona.opens, exact=True).click()
    expect(page).to_have_url(re.compile(r"/programmes/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(persona.opens)
    siae, establishment, disp = DETAILS[persona.opens]
    expect(main.locator("dd").filter(has_text=siae).first).to_be_visible()
    expect(main.get_by_role("link", name=establishment, exact=True)).to_be_visible()
    expect(main).to_contain_text(disp)
    expect(main.get_by_role("link", name="Modifier", exact=True)).to_have_count(1 if persona.may_edit else 0)

    # A programme outside the scope, by its address: the French 404 page.
    if persona.hidden:
        outside = persona.hidden[0]
        response = page.goto(demo_site.programme_url(outside))
        assert response.status == 404, f"{persona.username} reached {outside}: HTTP {response.status}"
        expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
        expect(main).not_to_contain_text(outside)

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/connexion/$"))
    assert page_log.js_errors == [], page_log.js_errors
    assert page_log.outside_requests == [], f"requests outside the application: {page_log.outside_requests}"


def test_wrong_password_shows_a_french_error_and_stays_on_the_login_page(page, page_log, demo_site):
    log_in(page, demo_site.url, "cpip.meaux", settings.DEMO_PASSWORD + "-faux")

    expect(page).to_have_url(f"{demo_site.url}/connexion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Saisissez un nom d’utilisateur et un mot de passe valides")
    expect(page.get_by_label("Identifiant")).to_have_value("cpip.meaux")
    expect(page.get_by_label("Mot de passe")).to_have_value("")
    expect(page.get_by_text("Bonjour")).to_have_count(0)
    assert page_log.js_errors == [], page_log.js_errors


def test_a_request_leaving_the_site_is_logged_and_reaches_nothing(page, page_log, demo_site):
    """The control of `page_log.outside_requests` (tests/browser/conftest.py): 0 there means 0."""
    page.goto(f"{demo_site.url}/connexion/")

    with pytest.raises(PlaywrightError, match="ERR_NAME_NOT_RESOLVED"):
        page.goto("http://example.org/")

    assert page_log.outside_requests == ["http://example.org/"]
