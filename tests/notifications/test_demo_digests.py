"""The weekly digest of the demo's accounts through a real SMTP server (issue 18, §§4 and 6): cpip.meaux's names the
people they follow, disp.paris's never names anyone, even when an alert of theirs quotes a committee's free text
that does; every account's digest is exactly its home page's alerts (one rule, one place)."""

import datetime
import re

import pytest
from django.utils import timezone

from access.scope import reads_names
from accounts.models import User
from accounts.selectors import home_for
from notifications.digest import absolute, digest_for
from notifications.services import send_digests
from participants.enums import EventKind, PathwayStatus
from participants.models import Participant, Pathway
from partners.enums import DecisionStatus, MeetingKind
from partners.models import Decision, Meeting, Organisation
from programmes.models import Programme
from tests.demo import demo_for_module

pytestmark = pytest.mark.django_db

SITE = "https://iae.example.test"


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with demo_for_module(django_db_blocker):
        yield


def this_monday() -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday())


def test_every_demo_account_s_digest_lists_its_home_page_alerts(settings):
    settings.SITE_URL = SITE
    today = timezone.localdate()
    totals = {}
    for user in User.objects.filter(is_active=True).order_by("username"):
        home = home_for(user=user, today=today)["alerts"]
        digest = digest_for(user=user, today=today)
        totals[user.username] = digest.total
        assert digest.total == len(home), user.username
        if reads_names(user):
            assert [(item.message, item.url) for item in digest.items] == [
                (alert.message, absolute(alert.url)) for alert in home], user.username
    assert any(totals.values()), totals  # the demo raises alerts: the comparison above compared something


def test_the_weekly_digests_of_cpip_meaux_and_disp_paris(smtp_inbox, settings):
    """A committee decision on MEAUX-ARES, overdue, whose free text names one of its people: cpip.meaux reads it with
    the rest of their alerts; disp.paris gets it counted, with no name in their mail."""
    settings.SITE_URL = SITE
    monday = this_monday()
    cpip, disp = User.objects.get(username="cpip.meaux"), User.objects.get(username="disp.paris")
    programme = Programme.objects.get(code="MEAUX-ARES")
    named = Pathway.objects.filter(programme=programme, status=PathwayStatus.IN_WORKSHOP).first().participant
    meeting = Meeting.objects.create(kind=MeetingKind.STEERING, programme=programme,
                                     date=monday - datetime.timedelta(days=30))
    # One of cpip.meaux's people released in 20 days without any preparation: a release alert naming them, whatever
    # the day the demo was loaded for.
    leaving = (Pathway.objects.filter(programme=programme, participant__counsellor=cpip,
                                      status=PathwayStatus.IN_WORKSHOP)
               .exclude(events__kind=EventKind.PRE_RELEASE).exclude(participant=named)
               .select_related("participant").first())
    leaving.participant.expected_release_date = monday + datetime.timedelta(days=20)
    leaving.participant.save(update_fields=["expected_release_date"])
    text = f"Proposer le poste de cariste à {named.first_names} {named.last_name.upper()}"
    Decision.objects.create(meeting=meeting, text=text, owner=Organisation.objects.filter(siae=programme.siae).first(),
                            due_date=monday - datetime.timedelta(days=10), status=DecisionStatus.OPEN)

    report = send_digests(today=monday)

    [cpip_mail] = smtp_inbox.to(cpip.email)
    cpip_text = smtp_inbox.text_of(cpip_mail)
    alerts = home_for(user=cpip, today=monday)["alerts"]
    assert len(alerts) >= 2 and cpip_mail["Subject"] == f"IAE en détention : {len(alerts)} alertes cette semaine"
    for alert in alerts:  # each alert of the home page, with its absolute link
        assert alert.message in cpip_text
        assert f"{alert.link_label} : {SITE}{alert.url}" in cpip_text
    assert text in cpip_text
    assert cpip_mail["Auto-Submitted"] == "auto-generated"
    assert cpip_mail["List-Unsubscribe"] == f"<{SITE}/compte/alertes-par-courriel/>"
    person = leaving.participant
    assert f"pour {person.first_names} {person.last_name.upper()} (MEAUX-ARES), aucune action de préparation" \
        in cpip_text  # the people they follow, by name

    [disp_mail] = smtp_inbox.to(disp.email)
    disp_text = smtp_inbox.text_of(disp_mail)
    disp_html = disp_mail.get_body(preferencelist=("html",)).get_content()
    assert "- 1 décision de comité en retard" in disp_text
    assert f"Le détail sur votre page d'accueil : {SITE}/" in disp_text
    last_names = set(Participant.objects.values_list("last_name", flat=True))
    assert len(last_names) > 50  # the demo's people, all of them
    for name in last_names | {named.first_names}:
        pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
        assert not pattern.search(disp_text) and not pattern.search(disp_html), name
    assert "cariste" not in disp_text
    assert report.failed == 0 and report.sent >= 2
