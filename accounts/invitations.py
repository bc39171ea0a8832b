"""The invitation of a new account (issue 18, §3): an email with a one-time link to choose a password, then the
second factor at the first sign-in (accounts.two_factor).

The link is Django's password-reset token with its own salt and lifetime (INVITATION_TIMEOUT, in settings, else
INVITATION_DAYS days): it is bound to the account's password hash, so it stops working once a password is chosen,
or when a new invitation is sent (the account's unusable password is drawn again), or when the account is
deactivated."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

INVITATION_DAYS = 7


def lifetime_seconds() -> int:
    return getattr(settings, "INVITATION_TIMEOUT", INVITATION_DAYS * 24 * 3600)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.invitations.InvitationTokenGenerator"

    def check_token(self, user, token):
        """Django's check, with the invitation's lifetime instead of the password reset's, and for an active
        account only."""
        if not (user and token and user.is_active):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
                   for secret in [self.secret, *self.secret_fallbacks]):
            return False
        return self._num_seconds(self._now()) - timestamp <= lifetime_seconds()


invitation_token_generator = InvitationTokenGenerator()


def link_path(user) -> str:
    return reverse("accounts:invitation_accept", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": invitation_token_generator.make_token(user)})


def send(user, *, base_url: str, by) -> None:
    """Draws a new unusable password (older links stop working) and mails the link to the account's address."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    site = base_url.rstrip("/")
    context = {"user": user, "link": site + link_path(user), "login_url": site + reverse("accounts:login"), "by": by,
               "days": lifetime_seconds() // 86400, "hours": lifetime_seconds() // 3600}
    send_mail(
        subject=render_to_string("accounts/management/invitation_subject.txt", context).strip(),
        message=render_to_string("accounts/management/invitation_email.txt", context),
        from_email=None, recipient_list=[user.email],
    )
