"""The page where a user chooses how often they receive their alerts by email (issue 18, §4)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from notifications.enums import DigestFrequency
from notifications.models import DigestPreference
from tests.accounts.pages import page_text

pytestmark = pytest.mark.django_db

URL = reverse("notifications:preferences")


def checked(response) -> list[str]:
    return re.findall(r'<input type="radio" name="frequency" value="(\w+)"[^>]*\bchecked', response.content.decode())


def test_a_user_chooses_daily_then_never_from_the_header_link(client_as, personas):
    client = client_as("DISP_STAFF_A")
    home = client.get(reverse("accounts:home"))
    page = client.get(URL)

    daily = client.post(URL, {"frequency": "DAILY"}, follow=True)
    never = client.post(URL, {"frequency": "NEVER"}, follow=True)

    assert f'href="{URL}">Alertes par courriel</a>' in home.content.decode()
    text = page_text(page)
    assert "Recevoir les alertes par courriel" in text
    assert all(label in text for label in ["chaque semaine (le lundi)", "chaque jour", "jamais"])
    assert checked(page) == ["WEEKLY"]  # the default, before any choice
    assert "Vous recevrez vos alertes par courriel chaque jour." in page_text(daily)
    assert checked(daily) == ["DAILY"]
    assert "Vous ne recevrez plus vos alertes par courriel." in page_text(never)
    assert checked(never) == ["NEVER"]
    assert DigestPreference.objects.get(user=personas["DISP_STAFF_A"]).frequency == DigestFrequency.NEVER
    assert "Votre compte n'a pas d'adresse électronique" in text  # the personas have none


@pytest.mark.parametrize("posted", [{"frequency": "MONTHLY"}, {"frequency": ""}, {}])
def test_a_value_outside_the_choices_is_refused_and_changes_nothing(client_as, personas, posted):
    DigestPreference.objects.create(user=personas["CPIP_A"], frequency=DigestFrequency.DAILY)

    response = client_as("CPIP_A").post(URL, posted)

    assert response.status_code == 200
    assert "Choisissez chaque semaine, chaque jour ou jamais." in page_text(response)
    assert DigestPreference.objects.get(user=personas["CPIP_A"]).frequency == DigestFrequency.DAILY


def test_each_user_sets_their_own_choice_only(client_as, personas):
    client_as("SIAE_DIRECTOR_A").post(URL, {"frequency": "NEVER", "user": personas["CPIP_A"].pk})

    assert list(DigestPreference.objects.values_list("user__username", "frequency")) == [
        ("siae_director_a", "NEVER")]


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(URL)

    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_administrators_read_who_chose_what_in_the_administration(personas):
    DigestPreference.objects.create(user=personas["CPIP_A"], frequency=DigestFrequency.NEVER)
    administrator = personas["ADMIN"]
    administrator.is_staff = administrator.is_superuser = True
    administrator.save(update_fields=["is_staff", "is_superuser"])
    client = Client()
    client.force_login(administrator)

    response = client.get(reverse("admin:notifications_digestpreference_changelist"))

    text = page_text(response)
    assert response.status_code == 200
    assert "Préférences d'alertes par courriel" in text and "CPIP_A" in text and "jamais" in text
    assert client.get(reverse("admin:notifications_digestpreference_add")).status_code == 403
