"""The administration and the second factor (issue 14 item 11): it never shows a user's TOTP key or recovery codes,
only whether the device is confirmed, and it resets a user's second factor (the devices are deleted, the user
enrols again at the next sign-in). The probe's requests: GET /gestion/otp_totp/totpdevice/<id>/change/ showed the
key of any user; /gestion/otp_static/staticdevice/<id>/change/ showed the recovery codes."""

import base64

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.enums import Role
from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    administrator = User.objects.create_user(username="admin.otp", password="x", role=Role.ADMIN, is_staff=True,
                                             is_superuser=True)
    client = Client()
    client.force_login(administrator)  # password and second factor (tests/conftest.py)
    return client


@pytest.fixture
def agent(personas):
    user = personas["CPIP_A"]
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    codes = two_factor.new_recovery_codes(user)
    return user, device, codes


def secrets_of(device, codes) -> list[str]:
    return [device.key, base64.b32encode(device.bin_key).decode().rstrip("="), *codes]


def test_no_administration_page_shows_a_key_or_a_recovery_code(admin_client, agent):
    user, device, codes = agent
    static = StaticDevice.objects.get(user=user)
    urls = [
        "/gestion/accounts/authenticatorapp/",
        f"/gestion/accounts/authenticatorapp/{device.pk}/change/",
        f"/gestion/otp_totp/totpdevice/{device.pk}/change/",
        f"/gestion/otp_totp/totpdevice/{device.pk}/config/",
        "/gestion/otp_static/staticdevice/",
        f"/gestion/otp_static/staticdevice/{static.pk}/change/",
        reverse("admin:accounts_user_change", args=[user.pk]),
        reverse("admin:accounts_user_changelist"),
    ]
    for url in urls:
        response = admin_client.get(url)
        body = response.content.decode()
        assert response.status_code in {200, 302, 404}, url
        assert not any(secret in body for secret in secrets_of(device, codes)), url


def test_the_device_list_shows_its_confirmation_state_in_french(admin_client, agent):
    user, device, _codes = agent
    national = User.objects.create_user(username="national.otp", password="x", role=Role.NATIONAL)
    TOTPDevice.objects.create(user=national, name="Téléphone", confirmed=False)

    response = admin_client.get("/gestion/accounts/authenticatorapp/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Confirmé" in body and str(user) in body and str(national) in body
    assert "Réinitialiser la double authentification" in body
    assert admin_client.get("/gestion/accounts/authenticatorapp/add/").status_code == 403


def test_the_user_page_says_whether_the_second_factor_is_active(admin_client, agent):
    user, _device, _codes = agent

    body = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()

    assert "Double authentification" in body and "Activée" in body


def test_resetting_a_user_deletes_the_devices_and_the_user_enrols_again(admin_client, agent):
    user, _device, _codes = agent
    signed_in = Client()
    signed_in.force_login(user)

    response = admin_client.post(reverse("admin:accounts_user_changelist"), {
        "action": "reset_two_factor", "_selected_action": [user.pk]})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists() and not StaticDevice.objects.filter(user=user).exists()
    home = signed_in.get(reverse("accounts:home"))  # the session's device is gone: it enrols again
    assert home.status_code == 302 and home["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_resetting_from_the_device_list_deletes_every_device_of_that_user(admin_client, agent):
    user, device, _codes = agent

    response = admin_client.post("/gestion/accounts/authenticatorapp/", {
        "action": "reset_two_factor", "_selected_action": [device.pk]})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists() and not StaticDevice.objects.filter(user=user).exists()
