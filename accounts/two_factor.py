"""Two-factor authentication (issue 7 section 1): a TOTP application, with single-use recovery codes.

Every account that can see personal data (names, the SPIP's fields) or administer the site must confirm a second
factor after its password; it enrols at its first login. Other accounts (DISP, DREETS, national: figures only) may
enrol, and are then asked for it too. Until the second factor is confirmed, the middleware lets a signed-in user
reach only the pages of this step, the sign-out and the public pages.

django-otp keeps the device and checks the code: a TOTP code is refused once used (its time step is remembered)
and repeated failures are slowed down (OTP_TOTP_THROTTLE_FACTOR). Recovery codes are a "static" device: each
code works once.
"""

import logging
import time

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import scope

from .enums import Role

logger = logging.getLogger("accounts.security")

TOTP_NAME = "Application d'authentification"
RECOVERY_NAME = "Codes de secours"
RECOVERY_CODES = 10
# Replacing a confirmed device: the password typed again opens it for this long, once (session key below).
REPLACEMENT_WINDOW_SECONDS = 10 * 60
REPLACEMENT_SESSION_KEY = "two_factor_replacement_until"
# Pages a signed-in user may open before the second factor: this step's own pages and the sign-out.
OPEN_URL_NAMES = frozenset({"accounts:two_factor_verify", "accounts:two_factor_setup", "accounts:logout",
                            "accounts:two_factor_recovery_codes"})


def requires_two_factor(user) -> bool:
    """Accounts that read names or the SPIP's fields, and administrators."""
    return bool(
        user.is_authenticated
        and (scope.reads_names(user) or scope.sees_spip_fields(user) or user.is_staff or user.is_superuser
             or user.role == Role.ADMIN)
    )


def is_enrolled(user) -> bool:
    return user_has_device(user, confirmed=True)


def pending_device(user) -> TOTPDevice:
    """The device being enrolled: the same key until it is confirmed (a reload must not change the QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def totp_uri(device: TOTPDevice) -> str:
    """The otpauth:// address the application reads from the QR code (issuer: OTP_TOTP_ISSUER)."""
    return device.config_url


@transaction.atomic
def confirm_enrolment(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Checks the first code of a new device; on success the device replaces any older one, the session is
    verified and fresh recovery codes are returned (shown once). None when the code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user, confirmed=False)
    if not device.verify_token(token):
        logger.info("second factor: enrolment code refused for user %s", request.user.pk)
        return None
    replaced, _ = TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _verified(request, device)
    request.session.pop(REPLACEMENT_SESSION_KEY, None)
    logger.info("second factor: %s for user %s", "replaced" if replaced else "enrolled", request.user.pk)
    return new_recovery_codes(request.user)


def may_replace_device(request) -> bool:
    """Enrolling while a device is confirmed replaces it: only a verified session that typed its password again in
    the last REPLACEMENT_WINDOW_SECONDS may (a session left open must not move the second factor elsewhere)."""
    if not is_enrolled(request.user):
        return True
    return is_verified(request) and request.session.get(REPLACEMENT_SESSION_KEY, 0) > time.time()


def confirm_password(request, password: str) -> bool:
    """The password typed again before replacing the device. A wrong one is a login failure (counted by
    accounts.lockout, as at the login); the caller refuses a locked account first. A right one opens the
    replacement with a new key and gives the session a new id."""
    user = request.user
    if authenticate(request, username=user.get_username(), password=password) != user:
        logger.warning("second factor: password refused before replacing the device of user %s", user.pk)
        return False
    # A key shown before this confirmation (to whoever held the session then) is not the one to enrol.
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    request.session[REPLACEMENT_SESSION_KEY] = time.time() + REPLACEMENT_WINDOW_SECONDS
    request.session.cycle_key()
    return True


def _verified(request, device) -> None:
    """The session is past the second factor: django-otp remembers the device, and the session gets a new id (an id
    seen before this step, e.g. set by someone else on a shared computer, does not become a verified session)."""
    otp_login(request, device)
    request.session.cycle_key()


def new_recovery_codes(user) -> list[str]:
    """Replaces the user's recovery codes by RECOVERY_CODES new ones (the old ones stop working)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


RECOVERY_CODES_LOW = 3  # under this, the code step says how many recovery codes are left


def recovery_codes_notice(user) -> str | None:
    """What the code step tells a user about their recovery codes: nothing unless they have generated some and fewer
    than RECOVERY_CODES_LOW are left (a user who never generated any is not told at every sign-in)."""
    if not StaticDevice.objects.filter(user=user, name=RECOVERY_NAME, confirmed=True).exists():
        return None
    left = remaining_recovery_codes(user)
    if left >= RECOVERY_CODES_LOW:
        return None
    advice = "générez-en de nouveaux depuis la page « Codes de secours »."
    if left == 0:
        return f"Vous n'avez plus de code de secours : {advice}"
    return f"Il vous reste {left} code{'s' if left > 1 else ''} de secours : {advice}"


def verify(request, token: str) -> bool:
    """Checks a code from the application or a recovery code against the user's confirmed devices; on success
    the session is verified. Each device counts its own failures and slows them down."""
    token = "".join(token.split()).lower()
    if not token:
        return False
    with transaction.atomic():
        for device in devices_for_user(request.user, confirmed=True, for_verify=True):
            if device.verify_token(token):
                _verified(request, device)
                logger.info("second factor: verified for user %s (%s)", request.user.pk, type(device).__name__)
                return True
    logger.warning("second factor: code refused for user %s", request.user.pk)
    return False


def is_verified(request) -> bool:
    user = request.user
    return bool(getattr(user, "is_verified", None) and user.is_verified())


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware and LoginRequiredMiddleware: a signed-in user who owes a second factor is
    sent to enrol (first time) or to type a code, then back where they were going."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or is_verified(request):
            return None
        if not getattr(view_func, "login_required", True):  # public pages (login, health, privacy notice)
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_URL_NAMES:
            return None
        if is_enrolled(user):
            return redirect_to_login(request.get_full_path(), reverse("accounts:two_factor_verify"))
        if requires_two_factor(user):
            return redirect_to_login(request.get_full_path(), reverse("accounts:two_factor_setup"))
        return None


@transaction.atomic
def reset(user) -> None:
    """The administration's reset (lost phone): every device of the user goes, the TOTP one and the recovery codes;
    the user enrols again at the next request or sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    logger.info("second factor: reset for user %s", user.pk)


def forget_verification(request) -> None:
    request.session.pop(DEVICE_ID_SESSION_KEY, None)


def demo_device(user) -> TOTPDevice:
    """The demo accounts share one known key (settings.DEMO_TOTP_KEY) so a newcomer can sign in: see
    `python manage.py demo_code`. Never used outside the demo loader."""
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name=TOTP_NAME, defaults={"key": settings.DEMO_TOTP_KEY, "confirmed": True},
    )
    return device
