"""Two-factor authentication (issue 7 section 1, security.md S-9): every account that can see personal data, and
administrators, type a code from an application after their password; enrolment at the first sign-in; recovery
codes that work once. These tests sign in through the forms (not force_login)."""

import logging
import re

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.enums import Role
from accounts.management.commands.demo_code import current_code
from accounts.models import LoginFailure, User

pytestmark = pytest.mark.django_db
PASSWORD = "rivière-pont-levis-2fa"
# The roles that read names or the SPIP's fields, and administrators (access.scope): a second factor is required.
REQUIRED = {Role.CPIP, Role.SPIP_MANAGER, Role.SIAE_DIRECTOR, Role.SIAE_STAFF, Role.ESTABLISHMENT_STAFF, Role.ADMIN}


@pytest.fixture
def password_hash():
    return make_password(PASSWORD)


@pytest.fixture
def make_user(personas, password_hash):
    """A persona of scope A with this role, renamed and given a password (so it can sign in through the form)."""

    def make(role=Role.CPIP, username="agent.2fa", **extra):
        user = next(u for name, u in personas.items() if u is not None and u.role == role and not name.endswith("_B"))
        User.objects.filter(pk=user.pk).update(username=username, password=password_hash, **extra)
        user.refresh_from_db()
        return user

    return make


def sign_in(username, next_url=None):
    client = Client()
    url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(url, data)
    return client, response


def code_of(device, step_offset=0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + step_offset * device.step
    return f"{totp.token():06d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)


def test_first_sign_in_leads_to_enrolment_and_nothing_else_opens_before(make_user):
    make_user()
    client, response = sign_in("agent.2fa")
    assert response.status_code == 302
    home = client.get(reverse("accounts:home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("accounts:two_factor_setup"))
    listing = client.get(reverse("participants:participant_list"))
    assert listing["Location"].startswith(reverse("accounts:two_factor_setup"))

    page = client.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'src="data:image/svg+xml' in text and "Activer la double authentification" in text
    assert TOTPDevice.objects.get(user__username="agent.2fa").confirmed is False
    assert client.get(reverse("accounts:two_factor_setup")).status_code == 200
    assert TOTPDevice.objects.filter(user__username="agent.2fa").count() == 1  # a reload keeps the same key


def test_a_wrong_first_code_says_so_and_enrols_nothing(make_user):
    make_user()
    client, _ = sign_in("agent.2fa")
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user__username="agent.2fa")
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:two_factor_setup"), {"code": wrong})
    assert response.status_code == 200
    assert "Ce code n&#x27;est pas valide" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("accounts:home"))["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_the_right_first_code_enrols_shows_ten_recovery_codes_once_and_opens_the_site(make_user):
    make_user()
    client, _ = sign_in("agent.2fa", next_url=reverse("participants:participant_list"))
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user__username="agent.2fa")
    response = client.post(reverse("accounts:two_factor_setup"), {"code": code_of(device),
                                                                  "next": reverse("participants:participant_list")})
    assert response.status_code == 302
    page = client.get(response["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert sorted(codes) == sorted(StaticToken.objects.filter(device__user__username="agent.2fa")
                                   .values_list("token", flat=True))
    again = client.get(reverse("accounts:two_factor_recovery_codes")).content.decode()
    assert not any(code in again for code in codes) and "Il vous reste 10 codes de secours" in again
    assert client.get(reverse("participants:participant_list")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_an_enrolled_account_types_its_code_after_the_password_then_goes_where_it_was_going(make_user):
    user = make_user()
    device = enrolled(user)
    target = reverse("participants:participant_list")
    client, response = sign_in("agent.2fa", next_url=target)
    followed = client.get(response["Location"])
    assert followed.status_code == 302 and followed["Location"].startswith(reverse("accounts:two_factor_verify"))
    page = client.get(followed["Location"])
    assert "Code à usage unique" in page.content.decode()

    refused = client.post(reverse("accounts:two_factor_verify"), {"code": "000000", "next": target})
    assert refused.status_code == 200 and "Code refusé" in refused.content.decode()
    assert client.get(target).status_code == 302

    device.throttle_reset()  # the failure above slowed the next try down by a second
    accepted = client.post(reverse("accounts:two_factor_verify"), {"code": code_of(device), "next": target})
    assert accepted.status_code == 302 and accepted["Location"] == target
    assert client.get(target).status_code == 200


def test_a_code_works_once(make_user):
    user = make_user()
    device = enrolled(user)
    code = code_of(device)
    first, _ = sign_in("agent.2fa")
    assert first.post(reverse("accounts:two_factor_verify"), {"code": code}).status_code == 302
    second, _ = sign_in("agent.2fa")
    replay = second.post(reverse("accounts:two_factor_verify"), {"code": code})
    assert replay.status_code == 200 and "Code refusé" in replay.content.decode()
    assert second.get(reverse("accounts:home")).status_code == 302


def test_a_failed_code_slows_the_next_try_down(make_user):
    user = make_user()
    device = enrolled(user)
    client, _ = sign_in("agent.2fa")
    client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})
    # Right away, even the right code is refused: the device waits (OTP_TOTP_THROTTLE_FACTOR seconds, doubled
    # at each failure) before it checks again.
    response = client.post(reverse("accounts:two_factor_verify"), {"code": code_of(device)})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_a_recovery_code_replaces_the_application_once(make_user):
    user = make_user()
    enrolled(user)
    code = two_factor.new_recovery_codes(user)[0]
    client, _ = sign_in("agent.2fa")
    assert client.post(reverse("accounts:two_factor_verify"), {"code": code.upper()}).status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 200
    other, _ = sign_in("agent.2fa")
    assert other.post(reverse("accounts:two_factor_verify"), {"code": code}).status_code == 200
    assert two_factor.remaining_recovery_codes(user) == 9


def test_new_recovery_codes_end_the_old_ones(make_user):
    user = make_user()
    device = enrolled(user)
    old = two_factor.new_recovery_codes(user)
    client, _ = sign_in("agent.2fa")
    client.post(reverse("accounts:two_factor_verify"), {"code": code_of(device)})
    response = client.post(reverse("accounts:two_factor_recovery_codes"))
    page = client.get(response["Location"]).content.decode()
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    other, _ = sign_in("agent.2fa")
    assert other.post(reverse("accounts:two_factor_verify"), {"code": old[1]}).status_code == 200


@pytest.mark.parametrize("role", list(Role))
def test_every_account_that_sees_personal_data_must_enrol(make_user, role):
    make_user(role=role, is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
    client, _ = sign_in("agent.2fa")
    home = client.get(reverse("accounts:home"))
    if role in REQUIRED:
        assert home.status_code == 302 and home["Location"].startswith(reverse("accounts:two_factor_setup"))
    else:  # figures only (DISP, DREETS, DDETS, national): the second factor is offered, not required
        assert home.status_code == 200


def test_an_account_with_only_figures_that_enrolled_is_asked_for_its_code(make_user):
    user = make_user(role=Role.NATIONAL)
    enrolled(user)
    client, _ = sign_in("agent.2fa")
    assert client.get(reverse("accounts:home"))["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_the_administration_site_asks_for_the_second_factor(make_user):
    user = make_user(role=Role.ADMIN, is_staff=True, is_superuser=True)
    device = enrolled(user)
    client, _ = sign_in("agent.2fa")
    admin = client.get("/gestion/")
    assert admin.status_code == 302 and admin["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert client.get("/gestion/accounts/user/").status_code == 302
    client.post(reverse("accounts:two_factor_verify"), {"code": code_of(device)})
    assert client.get("/gestion/").status_code == 200


def test_a_password_reset_does_not_remove_the_second_factor(make_user, mailoutbox):
    user = make_user(email="agent@example.org")
    enrolled(user)
    Client().post(reverse("accounts:password_reset"), {"email": "agent@example.org"})
    link = re.search(r"https?://[^/]+(/reinitialiser/\S+/)", mailoutbox[0].body).group(1)
    client = Client()
    form = client.get(link, follow=True)
    new = "un-tout-nouveau-mot-de-passe"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    fresh = Client()
    fresh.post(reverse("accounts:login"), {"username": "agent.2fa", "password": new})
    assert fresh.get(reverse("accounts:home"))["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_the_next_address_stays_on_this_site(make_user):
    user = make_user()
    device = enrolled(user)
    client, _ = sign_in("agent.2fa")
    response = client.post(reverse("accounts:two_factor_verify"),
                           {"code": code_of(device), "next": "https://ailleurs.example/"})
    assert response["Location"] == reverse("accounts:home")


def test_codes_are_logged_without_the_code(make_user, caplog):
    user = make_user()
    device = enrolled(user)
    client, _ = sign_in("agent.2fa")
    with caplog.at_level(logging.INFO, logger="accounts.security"):
        client.post(reverse("accounts:two_factor_verify"), {"code": "123456"})
        device.throttle_reset()
        good = code_of(device)
        client.post(reverse("accounts:two_factor_verify"), {"code": good})
    messages = [record.getMessage() for record in caplog.records if record.name == "accounts.security"]
    assert any("refused" in message for message in messages) and any("verified" in message for message in messages)
    assert not any("123456" in message or good in message or "agent.2fa" in message for message in messages)


def test_the_demo_code_command_gives_a_code_the_demo_account_accepts(make_user, settings):
    user = make_user(username="cpip.demo")
    device = two_factor.demo_device(user)
    assert device.key == settings.DEMO_TOTP_KEY
    client, _ = sign_in("cpip.demo")
    assert client.post(reverse("accounts:two_factor_verify"), {"code": current_code(device)}).status_code == 302
    device.refresh_from_db()
    second, _ = sign_in("cpip.demo")  # the code of this step is used: the command gives the next step's
    assert second.post(reverse("accounts:two_factor_verify"), {"code": current_code(device)}).status_code == 302


# Re-enrolment and the session id (issue 14 item 6). The probe's requests: a session past the code opened
# GET /connexion/double-authentification/, read a new secret and confirmed it with POST {"code": ...}, replacing
# the device without the password; the session id was the same before and after POST /connexion/code/.

def signed_in_with_code(user, device):
    client, _ = sign_in(user.username)
    client.post(reverse("accounts:two_factor_verify"), {"code": code_of(device)})
    assert client.get(reverse("accounts:home")).status_code == 200
    return client


def test_the_code_step_gives_the_session_a_new_id(make_user):
    user = make_user()
    device = enrolled(user)
    client, _ = sign_in("agent.2fa")
    before = client.session.session_key

    client.post(reverse("accounts:two_factor_verify"), {"code": code_of(device)})

    assert client.session.session_key != before
    assert client.get(reverse("accounts:home")).status_code == 200


def test_the_first_enrolment_gives_the_session_a_new_id(make_user):
    make_user()
    client, _ = sign_in("agent.2fa")
    client.get(reverse("accounts:two_factor_setup"))
    before = client.session.session_key
    device = TOTPDevice.objects.get(user__username="agent.2fa")

    client.post(reverse("accounts:two_factor_setup"), {"code": code_of(device)})

    assert client.session.session_key != before
    assert client.get(reverse("accounts:home")).status_code == 200


def test_a_session_past_the_code_cannot_replace_the_device_without_the_password(make_user):
    user = make_user()
    device = enrolled(user)
    client = signed_in_with_code(user, device)

    page = client.get(reverse("accounts:two_factor_setup"))
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if pending is not None:  # what the probe did: confirm the new secret it was shown
        client.post(reverse("accounts:two_factor_setup"), {"code": code_of(pending)})

    assert page.status_code == 200
    text = page.content.decode()
    assert "Confirmez votre mot de passe" in text
    assert "two-factor-secret" not in text and "data:image/svg+xml" not in text
    assert list(TOTPDevice.objects.filter(user=user)) == [device]


def test_a_wrong_password_opens_nothing_and_counts_as_a_login_failure(make_user):
    user = make_user()
    device = enrolled(user)
    client = signed_in_with_code(user, device)

    response = client.post(reverse("accounts:two_factor_setup"), {"password": "pas-le-bon"})

    assert response.status_code == 200 and "Mot de passe incorrect" in response.content.decode()
    assert "two-factor-secret" not in client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert LoginFailure.objects.filter(username="agent.2fa").count() == 1


def test_the_password_opens_re_enrolment_with_new_session_ids_and_the_new_device_replaces_the_old(make_user):
    user = make_user()
    device = enrolled(user)
    client = signed_in_with_code(user, device)
    before = client.session.session_key
    seen_before = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=False)  # a key shown earlier

    confirmed = client.post(reverse("accounts:two_factor_setup"), {"password": PASSWORD})
    after_password = client.session.session_key
    page = client.get(confirmed["Location"])
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    enrolment = client.post(reverse("accounts:two_factor_setup"), {"code": code_of(new)})

    assert confirmed.status_code == 302 and after_password != before
    assert "two-factor-secret" in page.content.decode() and new.pk != seen_before.pk
    assert enrolment.status_code == 302 and client.session.session_key not in {before, after_password}
    assert list(TOTPDevice.objects.filter(user=user)) == [new] and TOTPDevice.objects.get(pk=new.pk).confirmed
    # The confirmation served once: replacing the device again asks for the password again.
    assert "Confirmez votre mot de passe" in client.get(reverse("accounts:two_factor_setup")).content.decode()


def test_a_locked_account_cannot_confirm_its_password_for_re_enrolment(make_user):
    user = make_user()
    device = enrolled(user)
    client = signed_in_with_code(user, device)
    for _ in range(5):
        Client().post(reverse("accounts:login"), {"username": "agent.2fa", "password": "pas-le-bon"})

    response = client.post(reverse("accounts:two_factor_setup"), {"password": PASSWORD})

    assert response.status_code == 200 and "Trop d&#x27;essais infructueux" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()


def _notice_after_the_code(user, device) -> str:
    client, _ = sign_in(user.username)
    response = client.post(reverse("accounts:two_factor_verify"), {"code": code_of(device)}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("left", "expected"), [
    (None, None),  # never generated any: not told at every sign-in (issue 18, §5)
    (10, None),
    (3, None),
    (2, "Il vous reste 2 codes de secours : générez-en de nouveaux"),
    (1, "Il vous reste 1 code de secours : générez-en de nouveaux"),
    (0, "Vous n&#x27;avez plus de code de secours : générez-en de nouveaux"),
])
def test_the_code_step_speaks_of_recovery_codes_only_when_few_are_left(make_user, left, expected):
    user = make_user()
    device = enrolled(user)
    if left is not None:
        two_factor.new_recovery_codes(user)
        tokens = list(StaticToken.objects.filter(device__user=user).values_list("pk", flat=True))
        StaticToken.objects.filter(pk__in=tokens[left:]).delete()
        assert two_factor.remaining_recovery_codes(user) == left

    page = _notice_after_the_code(user, device)

    if expected is None:
        assert "Il vous reste" not in page and "plus de code de secours" not in page
    else:
        assert expected in page
