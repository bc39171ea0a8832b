"""The main menu grouped by what each role does (issue 18, §5): at most six entries at the top level for every
persona, every link of the menu opens for that persona (no 403 or 404, redirects followed), the current page
marked, the administration in the header's tools for staff only."""

import re

import pytest
from django.urls import reverse

from accounts.models import User
from core.navigation import MAX_TOP_LEVEL
from tests.accounts.personas import ANONYMOUS, PERSONAS_BY_NAME

pytestmark = pytest.mark.django_db


def menu(html: str) -> str:
    return html.split('aria-label="Menu principal"', 1)[1].split("</nav>", 1)[0]


def top_level(nav: str) -> list[str]:
    return re.findall(r'<li class="fr-nav__item">\s*<(?:a|button) class="fr-nav__(?:link|btn)"[^>]*>([^<]+)<', nav)


def links(nav: str) -> dict[str, str]:
    return {label: url for url, label in re.findall(r'<a class="fr-nav__link" href="([^"]+)"[^>]*>([^<]+)<', nav)}


@pytest.mark.parametrize("name", [name for name in PERSONAS_BY_NAME if name != ANONYMOUS])
def test_every_persona_gets_at_most_six_entries_each_opening_for_them(client_as, name):
    client = client_as(name)

    nav = menu(client.get(reverse("accounts:home")).content.decode())

    entries = top_level(nav)
    assert 4 <= len(entries) <= MAX_TOP_LEVEL, entries
    assert {label: client.get(url, follow=True).status_code for label, url in links(nav).items()} == {
        label: 200 for label in links(nav)}


def test_the_counsellor_reads_the_pathways_group_and_the_figures_only_roles_do_not(client_as):
    cpip = menu(client_as("CPIP_A").get(reverse("accounts:home")).content.decode())
    disp = menu(client_as("DISP_STAFF_A").get(reverse("accounts:home")).content.decode())

    assert top_level(cpip) == ["Accueil", "Parcours", "Tableaux de bord", "Programmes", "Partenaires", "Documents"]
    assert {"Participants", "Sessions de recrutement", "Importer des parcours"} <= set(links(cpip))
    assert "Parcours" not in top_level(disp) and "Participants" not in links(disp)


def test_the_current_page_is_marked_in_its_group(client_as):
    nav = menu(client_as("CPIP_A").get(reverse("participants:session_list")).content.decode())

    assert re.search(r'<button class="fr-nav__btn"[^>]*aria-current="true"[^>]*>Parcours<', nav)
    assert re.search(r'aria-current="page">Sessions de recrutement<', nav)
    assert not re.search(r'aria-current="page">Participants<', nav)


def test_the_administration_is_in_the_header_tools_for_staff_only(client_as, personas):
    User.objects.filter(pk=personas["ADMIN"].pk).update(is_staff=True)
    admin = client_as("ADMIN").get(reverse("accounts:home")).content.decode()
    cpip = client_as("CPIP_A").get(reverse("accounts:home")).content.decode()

    assert "Administration" not in menu(admin)
    assert f'href="{reverse("admin:index")}">Administration<' in admin.split("fr-header__tools", 1)[1]
    assert reverse("admin:index") not in cpip
