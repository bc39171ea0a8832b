"""The digest's writes: a user's choice of frequency, and the sending of the day's digests.

``send_digests(today=...)`` is the one way digests go out: the Celery beat task (notifications.tasks), the command
``manage.py send_digests`` and the tests call it. For each active user with an email whose digest is due
(``is_due``), it composes the digest (notifications.digest) and sends it when it has at least one alert (no mail
when there is none). A day's sending is idempotent: the preference row is claimed (``last_sent_on`` set to the day by
a conditional UPDATE) before the mail leaves, so a second run the same day, or two runs at once, send nothing more.
A mail the server refuses gives the claim back and marks ``failed_on``: the other users are served, and the next run
tries again. The log names users by their id only, never by name or address.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.template.loader import render_to_string

from .digest import digest_for
from .enums import DigestFrequency
from .models import DigestPreference

logger = logging.getLogger(__name__)

MONDAY = 0
FREQUENCY_ERROR = "Choisissez chaque semaine, chaque jour ou jamais."


def preference_for(user) -> DigestPreference:
    """The user's preference, or the default one (weekly, unsaved) when they never chose."""
    try:
        return user.digest_preference
    except DigestPreference.DoesNotExist:
        return DigestPreference(user=user)


def preference_set(*, user, frequency: str, by) -> DigestPreference:
    """``by`` chooses how often ``user`` receives the digest; a user chooses for themselves only."""
    if by.pk != user.pk:
        raise PermissionDenied
    if frequency not in DigestFrequency.values:
        raise ValidationError({"frequency": FREQUENCY_ERROR})
    preference, _ = DigestPreference.objects.update_or_create(user=user, defaults={"frequency": frequency})
    logger.info("digest frequency of user %s set to %s", user.pk, frequency)
    return preference


def is_due(preference: DigestPreference, today: datetime.date) -> bool:
    """Daily: once a day. Weekly: on Monday, or later in the same week when Monday's mail was refused. Never: never.
    Not twice the same day."""
    if preference.frequency == DigestFrequency.NEVER or preference.last_sent_on == today:
        return False
    if preference.frequency == DigestFrequency.DAILY:
        return True
    monday = today - datetime.timedelta(days=today.weekday())
    if preference.last_sent_on is not None and preference.last_sent_on >= monday:
        return False
    return today.weekday() == MONDAY or (preference.failed_on is not None and preference.failed_on >= monday)


@dataclass
class Report:
    """What a run did, in counts only (the command prints it, the task returns it)."""

    today: datetime.date
    dry_run: bool
    sent: int = 0
    empty: int = 0  # due, but no alert: no mail
    failed: int = 0
    not_due: int = 0
    alerts: int = 0  # alerts in the digests sent (or that would be)
    failed_users: list[int] = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = "seraient envoyés" if self.dry_run else "envoyés"
        lines = [f"Alertes par courriel du {self.today:%d/%m/%Y}{' (simulation)' if self.dry_run else ''} :",
                 f"- courriels {verb} : {self.sent} ({self.alerts} alerte{'s' if self.alerts > 1 else ''}) ;",
                 f"- sans alerte, rien à envoyer : {self.empty} ;",
                 f"- pas prévus ce jour : {self.not_due}"]
        if not self.dry_run:
            lines[-1] += " ;"
            lines.append(f"- refusés par le serveur de courriel, réessayés au prochain passage : {self.failed}")
        lines[-1] += "."
        return lines

    def as_dict(self) -> dict:
        return {"today": self.today.isoformat(), "sent": self.sent, "empty": self.empty, "failed": self.failed,
                "not_due": self.not_due, "alerts": self.alerts}


def recipients():
    """Active users with an email address, with their preference (one query)."""
    return (get_user_model().objects.filter(is_active=True).exclude(email="")
            .select_related("digest_preference").order_by("pk"))


def render_digest(*, user, digest, today: datetime.date, frequency: str) -> EmailMultiAlternatives:
    context = {"user": user, "digest": digest, "today": today, "daily": frequency == DigestFrequency.DAILY}
    context["subject"] = subject = render_to_string("notifications/digest_subject.txt", context).strip()
    # Auto-Submitted: no automatic reply to it (RFC 3834); List-Unsubscribe: the mail client's « se désabonner »
    # leads to the page where the user chooses (RFC 2369).
    headers = {"Auto-Submitted": "auto-generated", "List-Unsubscribe": f"<{digest.preferences_url}>"}
    message = EmailMultiAlternatives(subject=subject, body=render_to_string("notifications/digest.txt", context),
                                     to=[user.email], headers=headers)
    message.attach_alternative(render_to_string("notifications/digest.html", context), "text/html")
    return message


def send_digests(*, today: datetime.date, dry_run: bool = False) -> Report:
    report = Report(today=today, dry_run=dry_run)
    connection = None if dry_run else get_connection()
    try:
        for user in recipients():
            preference = preference_for(user)
            if not is_due(preference, today):
                report.not_due += 1
                continue
            try:
                digest = digest_for(user=user, today=today)
            except Exception as error:  # noqa: BLE001 - one user's digest must not stop the others'
                logger.error("digest of user %s not composed (%s)", user.pk, type(error).__name__)
                report.failed += 1
                report.failed_users.append(user.pk)
                continue
            if digest.empty:
                report.empty += 1
                continue
            if dry_run:
                report.sent += 1
                report.alerts += digest.total
                continue
            if _send_one(user, preference, digest, today, connection):
                report.sent += 1
                report.alerts += digest.total
            else:
                report.failed += 1
                report.failed_users.append(user.pk)
    finally:
        if connection is not None:
            connection.close()
    logger.info("digests of %s: %s", today.isoformat(), report.as_dict())
    return report


def _send_one(user, preference, digest, today, connection) -> bool:
    """Claim the day, send, and give the claim back if the mail server refuses. True when sent (or already sent by a
    concurrent run: nothing more to do)."""
    row, _ = DigestPreference.objects.get_or_create(user=user, defaults={"frequency": preference.frequency})
    previous = row.last_sent_on
    claimed = (DigestPreference.objects.filter(pk=row.pk)
               .filter(Q(last_sent_on__isnull=True) | Q(last_sent_on__lt=today)).update(last_sent_on=today))
    if not claimed:
        return True
    try:
        message = render_digest(user=user, digest=digest, today=today, frequency=row.frequency)
        connection.send_messages([message])
    except Exception as error:  # noqa: BLE001 - a refused address (SMTPRecipientsRefused) or anything else: the others go on
        connection.close()  # a fresh connection for the next user
        DigestPreference.objects.filter(pk=row.pk).update(last_sent_on=previous, failed_on=today)
        logger.warning("digest of user %s not sent (%s): retried at the next run", user.pk, type(error).__name__)
        return False
    DigestPreference.objects.filter(pk=row.pk).update(failed_on=None)
    return True
