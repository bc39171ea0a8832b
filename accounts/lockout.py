"""Lockout per account (issue 7, security.md): after ``LOGIN_MAX_FAILURES`` failed logins on one account within
``LOGIN_COOLOFF_MINUTES``, every login to it is refused, the right password included, until the cool-off has
passed since the last of those failures. Counted per account, not per address: prisons and SPIP share networks.
A successful login starts the count again. Each failure is recorded (LoginFailure) and logged.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils import timezone

from .models import LoginFailure

logger = logging.getLogger("accounts.security")


def _key(username) -> str:
    return str(username or "").strip().lower()[:150]


def _recent(username: str, now: datetime.datetime):
    since = now - datetime.timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)
    last_login = (get_user_model().objects.filter(username__iexact=username)
                  .values_list("last_login", flat=True).first())
    if last_login and last_login > since:
        since = last_login
    return LoginFailure.objects.filter(username=username, at__gt=since)


def locked_until(username, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When the account opens again, or None if it is not locked."""
    now = now or timezone.now()
    key = _key(username)
    if not key:
        return None
    failures = list(_recent(key, now).order_by("-at").values_list("at", flat=True)[:settings.LOGIN_MAX_FAILURES])
    if len(failures) < settings.LOGIN_MAX_FAILURES:
        return None
    return failures[0] + datetime.timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)


def refuse_if_locked(username) -> None:
    """Raises the French form error when the account is locked: the login form and the password asked again
    before replacing the second factor (accounts.two_factor_views) say the same."""
    until = locked_until(username)
    if until is not None:
        raise ValidationError(
            "Trop d'essais infructueux : ce compte est bloqué jusqu'à %(time)s. Réessayez ensuite ou "
            "demandez à votre administrateur de vérifier votre compte.",
            code="locked", params={"time": timezone.localtime(until).strftime("%H h %M")},
        )


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_login_failed)
def record_failure(sender, credentials, request=None, **kwargs):
    key = _key(credentials.get("username"))
    if not key:
        return
    ip = _client_ip(request)
    LoginFailure.objects.create(username=key, ip=ip)
    logger.warning("login failure: account=%s ip=%s", key, ip or "-")
