"""Pathway alerts (participants/alerts.py): release within 60 days without a pre-release action, follow-up due,
contract started without its signed data. Each appears, then disappears once the counsellor acts."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participants import services
from participants.alerts import CONTRACT, FOLLOW_UP, RELEASE, alerts_for
from participants.enums import EventKind, ExitReason, Outcome, ReturnReason, SessionDecision
from participants.models import RecruitmentSession
from programmes.alerts import french_date
from tests.accounts.pages import page_text
from tests.participants.factories import ParticipantFactory, PathwayFactory, enter_workshop

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()  # the services refuse dates in the future: the tests live in the real present
HOME = reverse("accounts:home")


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def months_ago(n: int) -> datetime.date:
    return TODAY - relativedelta(months=n)


def candidacy(scope, *, session_on=None, **participant_kwargs):
    session, _created = RecruitmentSession.objects.get_or_create(programme=scope.programme,
                                                                 date=session_on or days(-400))
    participant = ParticipantFactory(establishment=scope.establishment, **participant_kwargs)
    return PathwayFactory(programme=scope.programme, participant=participant, session=session)


def selected(scope, **kwargs):
    return services.pathway_decide(pathway=candidacy(scope, **kwargs), decision=SessionDecision.SELECTED, by=None)


def started(scope, *, start=None, signed_on="same", hours=Decimal("24"), pay=Decimal("6.00"), **kwargs):
    start = start or days(-300)
    pathway = selected(scope, session_on=start - datetime.timedelta(days=30), **kwargs)
    return enter_workshop(pathway, start, hours_per_week=hours, hourly_pay=pay,
                          signed_on=start if signed_on == "same" else signed_on)


def released(scope, *, on, reason=ExitReason.RELEASE_END_OF_SENTENCE, **kwargs):
    pathway = started(scope, start=on - datetime.timedelta(days=120), **kwargs)
    extra = {"return_reason": ReturnReason.OWN_REQUEST} if reason == ExitReason.RETURN_ORDINARY_DETENTION else {}
    return services.pathway_exit(pathway=pathway, on=on, reason=reason, outcome=Outcome.OTHER, by=None, **extra)


def alerts(personas, name, kind=None):
    found = alerts_for(user=personas[name], today=TODAY)
    return [alert for alert in found if kind is None or alert.kind == kind]


# --- Release within 60 days without a pre-release action ------------------------------------------------


def test_a_release_within_60_days_without_pre_release_action_alerts_until_one_is_recorded(personas, scope_a):
    pathway = selected(scope_a, last_name="Martin", first_names="Léa", expected_release_date=days(20))

    [alert] = alerts(personas, "CPIP_A")
    assert alert.kind == RELEASE
    assert alert.message == (f"Libération prévue le {french_date(days(20))} (dans 20 jours) pour Léa MARTIN "
                             "(ALPHA-1), aucune action de préparation à la sortie.")
    assert alert.url == reverse("participants:pathway_detail", args=[pathway.pk])
    assert alert.date == days(20)

    services.event_record(pathway=pathway, kind=EventKind.PRE_RELEASE, on=TODAY, detail="Rendez-vous SIAO",
                          by=personas["CPIP_A"])

    assert alerts(personas, "CPIP_A") == []


def test_another_kind_of_action_does_not_count_as_preparing_the_release(personas, scope_a):
    pathway = selected(scope_a, expected_release_date=days(20))
    services.event_record(pathway=pathway, kind=EventKind.CIP_INTERVIEW, on=TODAY, by=personas["SIAE_STAFF_A"])

    assert [a.kind for a in alerts(personas, "CPIP_A")] == [RELEASE]


@pytest.mark.parametrize(("release", "alerted"), [(-1, False), (0, True), (60, True), (61, False)])
def test_release_alerts_only_from_today_to_60_days(personas, scope_a, release, alerted):
    selected(scope_a, expected_release_date=days(release))

    assert bool(alerts(personas, "CPIP_A", RELEASE)) == alerted


def test_a_closed_pathway_does_not_alert_on_release(personas, scope_a):
    services.pathway_decide(pathway=candidacy(scope_a, expected_release_date=days(20)),
                            decision=SessionDecision.NOT_SELECTED, reason="Places pourvues", by=None)

    assert alerts(personas, "CPIP_A") == []


def test_moving_the_release_date_away_removes_the_alert(personas, scope_a):
    pathway = selected(scope_a, expected_release_date=days(20))
    participant = pathway.participant
    participant.expected_release_date = days(200)
    services.participant_save(participant=participant, by=None)

    assert alerts(personas, "CPIP_A") == []


# --- Follow-up after release ------------------------------------------------------------------------------


def test_a_follow_up_due_alerts_until_it_is_recorded(personas, scope_a):
    pathway = released(scope_a, on=months_ago(4), last_name="Durand", first_names="Yanis")
    due = pathway.exit_on + relativedelta(months=3)

    [alert] = alerts(personas, "SIAE_STAFF_A")
    assert alert.kind == FOLLOW_UP
    assert alert.message.startswith(f"Suivi à 3 mois de la libération de Yanis DURAND (ALPHA-1) à saisir : "
                                    f"échéance le {french_date(due)} (il y a ")
    assert alert.url == reverse("participants:follow_up", args=[pathway.pk, 3])
    assert alert.date == due

    services.follow_up_record(pathway=pathway, milestone=3, reached=False, contacted_on=TODAY,
                              by=personas["SIAE_STAFF_A"])

    assert alerts(personas, "SIAE_STAFF_A") == []


def test_only_the_earliest_missing_milestone_alerts(personas, scope_a):
    pathway = released(scope_a, on=months_ago(13))
    # +3 is 10 months overdue (left out), +6 is 7 months overdue (left out), +12 is a month overdue.
    [alert] = alerts(personas, "CPIP_A")
    assert alert.url == reverse("participants:follow_up", args=[pathway.pk, 12])

    pathway = released(scope_a, on=months_ago(8))
    # +3 is 5 months overdue and +6 two months: only +3 is shown for this one.
    assert [a.url for a in alerts(personas, "CPIP_A") if a.url.startswith(
        reverse("participants:pathway_detail", args=[pathway.pk]))] == [
        reverse("participants:follow_up", args=[pathway.pk, 3])]
    services.follow_up_record(pathway=pathway, milestone=3, reached=True, situation=Outcome.TRANSITION,
                              contacted_on=TODAY, by=personas["CPIP_A"])
    assert reverse("participants:follow_up", args=[pathway.pk, 6]) in [a.url for a in alerts(personas, "CPIP_A")]


def test_a_release_on_the_last_day_of_a_month_is_due_on_the_last_day_three_months_later(personas, scope_a):
    pathway = released(scope_a, on=datetime.date(2025, 11, 30))

    on_the_day = alerts_for(user=personas["CPIP_A"], today=datetime.date(2026, 2, 28))
    the_day_before = alerts_for(user=personas["CPIP_A"], today=datetime.date(2026, 2, 27))

    assert [(a.kind, a.date) for a in on_the_day] == [(FOLLOW_UP, datetime.date(2026, 2, 28))]
    assert on_the_day[0].url == reverse("participants:follow_up", args=[pathway.pk, 3])
    assert the_day_before == []


def test_milestones_more_than_6_months_overdue_do_not_alert(personas, scope_a):
    released(scope_a, on=months_ago(19))  # +12 was due 7 months ago

    assert alerts(personas, "CPIP_A") == []


def test_a_follow_up_not_yet_due_does_not_alert(personas, scope_a):
    released(scope_a, on=months_ago(2))

    assert alerts(personas, "CPIP_A") == []


def test_an_exit_other_than_a_release_needs_no_follow_up(personas, scope_a):
    released(scope_a, on=months_ago(4), reason=ExitReason.RETURN_ORDINARY_DETENTION)

    assert alerts(personas, "CPIP_A") == []


# --- Contract start without the signed contract's data ----------------------------------------------------


def test_a_contract_without_its_signature_date_alerts_until_completed(personas, scope_a):
    pathway = started(scope_a, start=days(-20), signed_on=None, last_name="Petit", first_names="Noé")

    [alert] = alerts(personas, "ESTABLISHMENT_STAFF_A")
    assert alert.kind == CONTRACT
    assert alert.message == (f"Noé PETIT (ALPHA-1) est entré·e en atelier le {french_date(days(-20))} sans contrat "
                             "signé complet : il manque la date de signature.")
    assert alert.url == reverse("participants:pathway_step", args=[pathway.pk, "contrat"])

    services.pathway_update_contract(pathway=pathway, signed_on=days(-20), hours_per_week=Decimal("24"),
                                     hourly_pay=Decimal("6.00"), by=None)

    assert alerts(personas, "ESTABLISHMENT_STAFF_A") == []


def test_the_contract_alert_lists_every_missing_item(personas, scope_a):
    started(scope_a, start=days(-20), signed_on=None, hours=None, pay=None)

    [alert] = alerts(personas, "CPIP_A")
    assert alert.message.endswith(
        "il manque la date de signature, les heures par semaine et la rémunération horaire.")


def test_a_suspended_pathway_without_hours_alerts_too(personas, scope_a):
    pathway = started(scope_a, start=days(-40), hours=None)
    services.pathway_suspend(pathway=pathway, start=days(-5), reason="ECONOMIC", by=None)

    assert [a.kind for a in alerts(personas, "CPIP_A")] == [CONTRACT]


def test_a_complete_contract_does_not_alert(personas, scope_a):
    started(scope_a, start=days(-20))

    assert alerts(personas, "CPIP_A") == []


# --- Who gets them ----------------------------------------------------------------------------------------


def one_of_each(scope):
    selected(scope, expected_release_date=days(30))
    released(scope, on=months_ago(4))
    started(scope, start=days(-20), signed_on=None)


@pytest.mark.parametrize("name", ["CPIP_A", "SPIP_MANAGER_A", "SIAE_DIRECTOR_A", "SIAE_STAFF_A",
                                  "ESTABLISHMENT_STAFF_A", "ADMIN"])
def test_the_roles_that_read_names_get_the_three_kinds(personas, scope_a, name):
    one_of_each(scope_a)

    assert sorted(a.kind for a in alerts(personas, name)) == sorted([CONTRACT, FOLLOW_UP, RELEASE])


@pytest.mark.parametrize("name", ["DISP_STAFF_A", "DREETS_STAFF_A", "DDETS_STAFF_A", "NATIONAL"])
def test_territorial_and_national_staff_get_none(personas, scope_a, name):
    one_of_each(scope_a)

    assert alerts(personas, name) == []


@pytest.mark.parametrize("name", ["CPIP_B", "SIAE_STAFF_B", "ESTABLISHMENT_STAFF_B"])
def test_nothing_of_scope_a_reaches_scope_b(personas, scope_a, scope_b, name):
    one_of_each(scope_a)

    assert alerts(personas, name) == []


def test_no_alert_carries_the_ecrou(personas, scope_a):
    one_of_each(scope_a)
    ecrous = [p.participant.ecrou for p in scope_a.programme.pathways.select_related("participant")]

    for alert in alerts(personas, "CPIP_A"):
        assert not any(ecrou in f"{alert.message} {alert.subject} {alert.url}" for ecrou in ecrous)


@pytest.mark.parametrize("name", ["CPIP_A", "SIAE_STAFF_A", "ADMIN"])
def test_the_number_of_queries_does_not_grow_with_the_rows(personas, scope_a, name):
    user = personas[name]
    user.organisation  # noqa: B018 - loaded once, as the request's user would be
    one_of_each(scope_a)
    with CaptureQueriesContext(connection) as few_queries:
        few = alerts_for(user=user, today=TODAY)
    for _ in range(4):
        one_of_each(scope_a)
    with CaptureQueriesContext(connection) as many_queries:
        many = alerts_for(user=user, today=TODAY)

    assert (len(few), len(many)) == (3, 15)
    # One per kind: release, follow-up, contract, acte d'engagement, and pay (for the SIAE and the CPIP only).
    kinds = 4 if name == "ADMIN" else 5
    assert len(many_queries.captured_queries) == len(few_queries.captured_queries) == kinds


# --- On the home page -------------------------------------------------------------------------------------


def test_the_home_page_of_a_cpip_shows_the_three_kinds_soonest_first(client_as, scope_a):
    selected(scope_a, last_name="Martin", first_names="Léa", expected_release_date=days(30))
    released(scope_a, on=months_ago(4), last_name="Durand", first_names="Yanis")
    started(scope_a, start=days(-20), signed_on=None, last_name="Petit", first_names="Noé")

    text = page_text(client_as("CPIP_A").get(HOME))

    assert '<h2 id="alerts-title">Échéances</h2>' in text
    follow_up = text.index("Suivi à 3 mois de la libération de Yanis DURAND")
    contract = text.index("Noé PETIT (ALPHA-1) est entré·e en atelier")
    release = text.index("pour Léa MARTIN (ALPHA-1), aucune action de préparation à la sortie.")
    assert follow_up < contract < release  # by date: a month ago, 20 days ago, in 30 days
    assert "Saisir le suivi" in text and "Compléter le contrat" in text and "Voir le parcours" in text


def test_the_home_page_of_a_cpip_of_scope_b_shows_none_of_scope_as_people(client_as, scope_a, scope_b):
    selected(scope_a, last_name="Martin", first_names="Léa", expected_release_date=days(30))
    released(scope_a, on=months_ago(4), last_name="Durand", first_names="Yanis")
    started(scope_a, start=days(-20), signed_on=None, last_name="Petit", first_names="Noé")

    text = page_text(client_as("CPIP_B").get(HOME))

    assert "MARTIN" not in text and "DURAND" not in text and "PETIT" not in text
    assert "Aucune échéance dans les 90 prochains jours." in text


def test_the_home_page_of_dreets_staff_names_nobody(client_as, scope_a):
    selected(scope_a, last_name="Martin", first_names="Léa", expected_release_date=days(30))

    assert "MARTIN" not in page_text(client_as("DREETS_STAFF_A").get(HOME))
