"""The administration in French (issue 18, §3): every section and model the administrators see on /gestion/ has a
French name, the second-factor models included (they showed « OTP_TOTP », « TOTP devices », « Static devices »)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.enums import Role
from accounts.models import User

pytestmark = pytest.mark.django_db

# Words of the English names Django and django-otp give their sections and models.
ENGLISH = re.compile(r"\b(otp|totp|static|device|devices|token|tokens|authentication|authorization|users?|groups?|"
                     r"sites?|permissions?|log entr(y|ies)|accounts|partners)\b|_", re.IGNORECASE)


@pytest.fixture
def admin_client():
    administrator = User.objects.create_user(username="admin.fr", password="x", role=Role.ADMIN, is_staff=True,
                                             is_superuser=True)
    client = Client()
    client.force_login(administrator)
    return client


def test_every_section_and_model_of_the_administration_has_a_french_name(admin_client):
    response = admin_client.get(reverse("admin:index"))

    names = [(app["name"], [model["name"] for model in app["models"]]) for app in response.context["app_list"]]
    english = [name for app, models in names for name in (app, *models) if ENGLISH.search(str(name))]
    assert response.status_code == 200 and len(names) >= 5
    assert english == []
