"""The digest of alerts by email (issue 18, §4): who is due on which day, what the mail says, what happens when the
mail server refuses an address, the command and the Celery task. The demo's accounts are in test_demo_digests.py."""

import datetime
import logging
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from notifications import digest, services, tasks
from notifications.enums import DigestFrequency
from notifications.models import DigestPreference
from notifications.services import is_due, send_digests
from programmes.models import ImplantationContract

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 16)
WEEK = [MONDAY + datetime.timedelta(days=n) for n in range(7)]
SITE = "https://iae.example.test"
WEEKLY, DAILY, NEVER = DigestFrequency.WEEKLY, DigestFrequency.DAILY, DigestFrequency.NEVER


def day(n: int) -> datetime.date:
    return MONDAY + datetime.timedelta(days=n)


@pytest.mark.parametrize(("frequency", "last_sent_on", "failed_on", "today", "due"), [
    (WEEKLY, None, None, MONDAY, True),
    (WEEKLY, None, None, day(1), False),  # a new account waits for Monday
    (WEEKLY, MONDAY, None, MONDAY, False),  # not twice the same day
    (WEEKLY, MONDAY, None, day(3), False),
    (WEEKLY, MONDAY, None, day(7), True),
    (WEEKLY, day(-7), MONDAY, day(2), True),  # Monday's mail refused: tried again on Wednesday
    (WEEKLY, day(-14), day(-5), day(2), False),  # a refusal of last week is not this week's digest
    (DAILY, None, None, day(3), True),
    (DAILY, day(2), None, day(3), True),
    (DAILY, day(3), None, day(3), False),
    (NEVER, None, None, MONDAY, False),
    (NEVER, None, MONDAY, day(1), False),
])
def test_who_is_due_on_which_day(frequency, last_sent_on, failed_on, today, due):
    preference = DigestPreference(frequency=frequency, last_sent_on=last_sent_on, failed_on=failed_on)

    assert is_due(preference, today) is due


@pytest.fixture
def ended_contract(scope_a):
    """Scope A's implantation contract ended on 1 November 2026 with no successor: an alert for the DISP, the
    establishment, the SIAE's director and administrators, every day of the week below (programmes.alerts)."""
    return ImplantationContract.objects.create(
        programme=scope_a.programme, regime="R2016", start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2026, 11, 1), tacit_renewal=False, posts=8, weekly_hours=Decimal("24"),
        hourly_pay=Decimal("6.00"),
    )


def with_email(user, address: str, frequency: str | None = None):
    user.email = address
    user.save(update_fields=["email"])
    if frequency:
        DigestPreference.objects.create(user=user, frequency=frequency)
    return user


def test_a_week_daily_weekly_never_and_no_alert(ended_contract, personas, settings):
    settings.SITE_URL = SITE
    with_email(personas["SIAE_DIRECTOR_A"], "siae.a@example.org", DAILY)
    with_email(personas["DISP_STAFF_A"], "disp.a@example.org")  # no row: weekly, the default
    with_email(personas["ESTABLISHMENT_STAFF_A"], "greffe.a@example.org", NEVER)
    with_email(personas["CPIP_A"], "cpip.a@example.org", DAILY)  # no alert of their own: no mail
    with_email(personas["DISP_STAFF_B"], "disp.b@example.org", DAILY)  # the other scope: no alert
    admin = with_email(personas["ADMIN"], "admin@example.org", DAILY)
    admin.is_active = False
    admin.save(update_fields=["is_active"])

    reports = [send_digests(today=MONDAY), send_digests(today=MONDAY)]  # the second run of the day sends nothing
    reports += [send_digests(today=today) for today in WEEK[1:]]

    received = {address: len([m for m in mail.outbox if m.to == [address]])
                for address in ["siae.a@example.org", "disp.a@example.org", "greffe.a@example.org",
                                "cpip.a@example.org", "disp.b@example.org", "admin@example.org"]}
    assert received == {"siae.a@example.org": 7, "disp.a@example.org": 1, "greffe.a@example.org": 0,
                        "cpip.a@example.org": 0, "disp.b@example.org": 0, "admin@example.org": 0}
    assert [report.sent for report in reports] == [2, 0, 1, 1, 1, 1, 1, 1]
    assert (reports[0].empty, reports[0].not_due, reports[1].not_due) == (2, 1, 3)
    weekly = next(m for m in mail.outbox if m.to == ["disp.a@example.org"])
    assert weekly.subject == "IAE en détention : 1 alerte cette semaine"
    link = SITE + reverse("programmes:programme_detail", args=[ended_contract.programme_id])
    assert "Le contrat d'implantation de SIAE Alpha (CP Alpha) a pris fin le 1er novembre 2026" in weekly.body
    assert f"Voir le programme : {link}" in weekly.body
    html = weekly.alternatives[0].content
    assert f'<a href="{link}">Voir le programme</a>' in html
    assert DigestPreference.objects.get(user=personas["DISP_STAFF_A"]).last_sent_on == MONDAY
    assert not DigestPreference.objects.filter(user=personas["CPIP_A"], last_sent_on__isnull=False).exists()


def test_a_refused_mail_stops_no_one_and_is_sent_at_the_next_run(ended_contract, personas, refusing_inbox, caplog):
    director = with_email(personas["SIAE_DIRECTOR_A"], "siae.a@example.org")
    disp = with_email(personas["DISP_STAFF_A"], "refuse.disp.a@example.org")
    caplog.set_level(logging.DEBUG)

    first = send_digests(today=MONDAY)
    second = send_digests(today=MONDAY)  # the same day: the director's mail not twice, the refused one again
    refused = DigestPreference.objects.get(user=disp)
    refusing_inbox.refusing = False
    wednesday = send_digests(today=day(2))

    assert (first.sent, first.failed, second.sent, second.failed) == (1, 1, 0, 1)
    assert (refused.last_sent_on, refused.failed_on) == (None, MONDAY)
    assert (wednesday.sent, wednesday.failed) == (1, 0)
    assert len(refusing_inbox.to("siae.a@example.org")) == 1
    [late] = refusing_inbox.to("refuse.disp.a@example.org")
    assert "SIAE Alpha (CP Alpha) a pris fin" in refusing_inbox.text_of(late)
    retried = DigestPreference.objects.get(user=disp)
    assert (retried.last_sent_on, retried.failed_on) == (day(2), None)
    # what the application logged (mail.log: the test SMTP server's own log)
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name != "mail.log")
    assert f"digest of user {disp.pk} not sent (SMTPRecipientsRefused)" in logged
    for personal in ["refuse.disp", "siae.a@", disp.first_name, director.first_name, "Testeur"]:
        assert personal not in logged


def test_a_digest_that_cannot_be_composed_stops_no_one(ended_contract, personas, monkeypatch):
    broken = with_email(personas["SIAE_DIRECTOR_A"], "siae.a@example.org")  # the first in the run (by id)
    with_email(personas["DISP_STAFF_A"], "disp.a@example.org")
    compose = services.digest_for

    def digest_for(*, user, today):
        if user.pk == broken.pk:
            raise RuntimeError("une panne")
        return compose(user=user, today=today)

    monkeypatch.setattr(services, "digest_for", digest_for)
    report = send_digests(today=MONDAY)

    assert (report.sent, report.failed, report.failed_users) == (1, 1, [broken.pk])
    assert [m.to for m in mail.outbox] == [["disp.a@example.org"]]


def test_the_command_counts_in_a_dry_run_then_sends(ended_contract, personas):
    with_email(personas["SIAE_DIRECTOR_A"], "siae.a@example.org")
    with_email(personas["DISP_STAFF_A"], "disp.a@example.org", NEVER)
    dry, wet = StringIO(), StringIO()

    call_command("send_digests", "--dry-run", "--date", MONDAY.isoformat(), stdout=dry)
    after_dry_run = (len(mail.outbox), DigestPreference.objects.filter(last_sent_on__isnull=False).count())
    call_command("send_digests", "--date", MONDAY.isoformat(), stdout=wet)

    assert after_dry_run == (0, 0)
    assert "Alertes par courriel du 16/11/2026 (simulation)" in dry.getvalue()
    assert "courriels seraient envoyés : 1 (1 alerte)" in dry.getvalue()
    assert "courriels envoyés : 1 (1 alerte)" in wet.getvalue()
    assert [m.to for m in mail.outbox] == [["siae.a@example.org"]]
    assert "siae.a@" not in dry.getvalue() + wet.getvalue()
    with pytest.raises(CommandError, match="Date invalide : « 16/11/2026 »"):
        call_command("send_digests", "--date", "16/11/2026")


def test_the_celery_task_sends_the_day_and_beat_runs_it_every_morning(ended_contract, personas):
    with_email(personas["DISP_STAFF_A"], "disp.a@example.org")

    result = tasks.send_digests(day=MONDAY.isoformat())

    assert result == {"today": "2026-11-16", "sent": 1, "empty": 0, "failed": 0, "not_due": 0, "alerts": 1}
    assert [m.to for m in mail.outbox] == [["disp.a@example.org"]]
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-digests"]
    assert entry["task"] == tasks.send_digests.name == "notifications.send_digests"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {0})


def test_each_kind_of_alert_is_either_nameless_or_counted_in_its_own_words():
    """A new kind of alert must be classed: shown to everyone (it can name no one) or counted for the roles that
    read no names, with its own words (not the fallback « alerte »)."""
    kinds = {
        digest.programme_alerts: set().union(*digest.programme_alerts.KINDS_BY_ROLE.values()),
        digest.pathway_alerts: set(digest.pathway_alerts.KINDS),
        digest.rate_watch: {digest.rate_watch.RATE_TABLE},
    }
    assert set(kinds) == set(digest.SOURCES)
    for source, source_kinds in kinds.items():
        counted = {kind for (counted_source, kind) in digest.COUNT_LABELS if counted_source is source}
        assert source_kinds - digest.NAMELESS_KINDS[source] == counted, source.__name__
