"""The privacy notice (iae_detention.privacy): public, linked from the footer and the login page, durations read
from the settings."""

import pytest
from django.urls import reverse

from tests.accounts.pages import page_text

pytestmark = pytest.mark.django_db

PRIVACY = reverse("privacy")


def test_anyone_reads_it_without_an_account(client):
    response = client.get(PRIVACY)

    text = page_text(response)
    assert response.status_code == 200
    assert "<h1>Données personnelles</h1>" in text
    for heading in ("Qui est responsable", "Quelles données", "Pourquoi", "Qui voit quoi", "Combien de temps",
                    "Le journal des accès", "Vos droits et comment les exercer"):
        assert heading in text
    assert "à valider avec le DPO" in text and "Adressez votre demande au SPIP" in text


def test_durations_are_those_of_the_settings(client, settings):
    settings.RETENTION_MONTHS_AFTER_EXIT = 36
    settings.ACCESS_LOG_RETENTION_MONTHS = 6

    text = page_text(client.get(PRIVACY))

    assert "puis <strong>36 mois (3 ans)</strong> après la fin de son dernier parcours" in text
    assert "Journal des accès</strong> : <strong>6 mois</strong>" in text
    assert "24 mois" not in text


def test_it_is_linked_from_the_login_page_and_the_footer_of_signed_in_pages(client, client_as, scope_a):
    login = page_text(client.get(reverse("accounts:login")))
    home = page_text(client_as("CPIP_A").get(reverse("accounts:home")))

    assert f'href="{PRIVACY}"' in login
    assert f'<a class="fr-footer__bottom-link" href="{PRIVACY}">Données personnelles</a>' in home
