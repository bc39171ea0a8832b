"""load_demo's pathways: Meaux as the seed reports it on 30 March 2018, and a small current cohort.

The figures are counted here with plain ORM queries (not with the application's code), the way the seed
counts them (docs/domain.md §11.2). load_demo runs once for the module (a few seconds), inside a transaction
rolled back at the end; each test runs in a savepoint of its own.
"""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from participants.models import (
    AccompanimentEvent,
    FollowUp,
    Participant,
    Pathway,
    PathwayLog,
    RecruitmentSession,
    Suspension,
)
from programmes.models import SmicRate
from tests.demo import demo_for_module

pytestmark = pytest.mark.django_db

SEED_START, SEED_DAY = datetime.date(2017, 6, 1), datetime.date(2018, 3, 30)
PERIOD = (SEED_START, datetime.date(2018, 3, 31))
RELEASES = ("RELEASE_END_OF_SENTENCE", "RELEASE_ADJUSTMENT")
CLOSED = ("NOT_SELECTED", "WITHDRAWN", "EXITED")


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with demo_for_module(django_db_blocker):
        yield


def cohort():
    """Meaux's entrants of the seed's period: a contract started between June 2017 and March 2018."""
    return Pathway.objects.filter(programme__code="MEAUX-APRES", contract_start__range=PERIOD)


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in (
        RecruitmentSession, Participant, Pathway, PathwayLog, Suspension, AccompanimentEvent, FollowUp)}


def test_meaux_held_eight_recruitment_sessions_from_june_2017_to_march_2018():
    sessions = RecruitmentSession.objects.filter(programme__code="MEAUX-APRES", date__range=PERIOD)

    assert sessions.count() == 8
    for session in sessions:
        assert session.information_meeting_on < session.interviews_on < session.date
        entrants = session.pathways.filter(contract_start__isnull=False).count()
        declined = session.pathways.filter(status__in=["NOT_SELECTED", "WITHDRAWN"]).count()
        assert entrants >= 5 and declined >= 1, session.date


def test_seventy_three_people_entered_the_meaux_workshop_under_an_acte_d_engagement():
    assert cohort().values("participant").distinct().count() == 73
    for pathway in cohort().select_related("session"):
        assert pathway.session.date < pathway.contract_start <= SEED_DAY
        assert pathway.contract_kind == "ENGAGEMENT_ACT"
        assert Decimal(20) <= pathway.hours_per_week <= Decimal(30)


def test_twenty_one_returned_to_ordinary_detention_for_varied_reasons_as_other_exits():
    returns = cohort().filter(exit_reason="RETURN_ORDINARY_DETENTION")

    assert returns.count() == 21
    assert set(returns.values_list("outcome", flat=True)) == {"OTHER"}
    assert len(set(returns.values_list("return_reason", flat=True))) >= 4


def test_twenty_four_left_prison_with_a_job_or_a_training_split_seven_nine_eight():
    releases = cohort().filter(exit_reason__in=RELEASES)

    assert releases.filter(outcome__in=["DURABLE", "TRANSITION", "POSITIVE"]).count() == 24
    assert releases.count() == 24  # nobody released without a solution: the seed's 73 - 21 - 24 = 28 still in
    split = dict(releases.values_list("outcome").annotate(n=Count("id")))
    assert split == {"DURABLE": 7, "TRANSITION": 9, "POSITIVE": 8}
    adjusted = releases.filter(exit_reason="RELEASE_ADJUSTMENT")
    assert not adjusted.filter(adjustment="").exists()
    assert set(adjusted.values_list("adjustment", flat=True)) >= {"SL", "PE", "LC", "LSC"}


def test_each_release_job_names_a_contract_consistent_with_its_category():
    for pathway in cohort().filter(exit_reason__in=RELEASES):
        if pathway.outcome == "POSITIVE":
            assert (pathway.job_contract, pathway.job_months) == ("", None)
        elif pathway.job_contract in ("CDD", "INTERIM", "CDDI"):
            assert pathway.job_months > 6 if pathway.outcome == "DURABLE" else pathway.job_months <= 6
        elif pathway.job_contract == "SUBSIDISED":
            assert (pathway.outcome, pathway.job_months) == ("TRANSITION", None)
        else:
            assert (pathway.outcome, pathway.job_months) == ("DURABLE", None), pathway.job_contract


def test_twenty_eight_are_still_in_the_workshop_two_of_them_after_a_suspension():
    still_in = cohort().exclude(status__in=CLOSED)

    assert still_in.count() == 28
    assert set(still_in.values_list("status", flat=True)) == {"IN_WORKSHOP"}
    suspensions = Suspension.objects.filter(pathway__in=still_in)
    assert suspensions.count() == 2
    assert all(s.start < s.end <= SEED_DAY for s in suspensions)


def test_nobody_of_the_2017_2018_cohort_moves_after_30_march_2018():
    assert not cohort().filter(exit_on__gt=SEED_DAY).exists()
    assert not PathwayLog.objects.filter(pathway__in=cohort(), on__gt=SEED_DAY).exists()
    assert not cohort().filter(status="EXITED", exit_on__isnull=True).exists()


def test_every_pathway_log_starts_with_create_and_its_steps_are_in_date_order():
    pathways = Pathway.objects.prefetch_related("log")

    assert pathways.count() > 100
    for pathway in pathways:
        log = list(pathway.log.all())  # ordered as recorded
        assert log[0].transition == "CREATE"
        dates = [row.on for row in log if row.on]
        assert dates == sorted(dates), pathway.pk
        assert log[-1].to_status == pathway.status
        assert all(row.from_status == previous.to_status for previous, row in zip(log, log[1:], strict=False))


def test_every_hourly_pay_reaches_45_percent_of_the_smic_in_force_at_the_start():
    paid = Pathway.objects.filter(hourly_pay__isnull=False)

    assert paid.count() >= 75  # today's Meaux cohort no longer enters the ended programme's workshop (issue 15)
    for pathway in paid:
        smic = SmicRate.objects.filter(valid_from__lte=pathway.contract_start).order_by("-valid_from").first()
        assert pathway.hourly_pay * 100 >= smic.hourly_amount * 45, pathway.contract_start


def test_the_log_says_the_meaux_counsellor_and_the_siae_did_each_step():
    log = PathwayLog.objects.filter(pathway__programme__code="MEAUX-APRES")

    assert set(log.values_list("by__username", flat=True)) == {"cpip.meaux", "siae.ares"}
    assert set(log.filter(transition="START").values_list("by__username", flat=True)) == {"siae.ares"}
    assert not log.filter(by_label="").exists()
    meaux = Participant.objects.filter(pathways__programme__code="MEAUX-APRES").distinct()
    assert set(meaux.values_list("counsellor__username", flat=True)) == {"cpip.meaux"}


def test_meaux_identities_are_invented_varied_and_unique_per_stay():
    entrants = Participant.objects.filter(pathways__in=cohort()).distinct()
    everyone = Participant.objects.filter(establishment__programmes__code="MEAUX-APRES")

    assert everyone.values("ecrou_key").distinct().count() == everyone.count()
    assert everyone.values("last_name", "first_names").distinct().count() == everyone.count()
    assert entrants.filter(sex="M").count() == 73  # the QNC is a men's quartier
    ages = [relativedelta(p.contract_start, p.participant.birth_date).years
            for p in cohort().select_related("participant")]
    assert (min(ages), max(ages)) == (19, 58)
    assert 20 <= entrants.filter(rsa=True).count() <= 28  # about a third
    for pathway in cohort().filter(participant__rsa=True).select_related("participant"):
        assert relativedelta(pathway.contract_start, pathway.participant.birth_date).years >= 25  # RSA from 25
    assert 30 <= entrants.filter(jobseeker__in=["DELD", "DETLD"]).count() <= 44  # about half
    assert 1 <= entrants.filter(rqth=True).count() <= 8
    assert len(set(entrants.values_list("education_level", flat=True))) == 5


def test_the_timelines_show_the_accompaniment_of_each_entrant():
    events = AccompanimentEvent.objects.filter(pathway__in=cohort())

    for kind in ("CIP_INTERVIEW", "HOURS_WORKED"):
        assert events.filter(kind=kind).values("pathway").distinct().count() == 73, kind
    assert 1 <= events.filter(kind="PMSMP").count() <= 10
    for kind in ("COLLECTIVE_WORKSHOP", "TRAINING", "BARRIER_ID", "BARRIER_HOUSING"):
        assert events.filter(kind=kind).exists(), kind
    for pathway in cohort().filter(exit_reason__in=RELEASES):
        kinds = set(pathway.events.values_list("kind", flat=True))
        assert "PRE_RELEASE" in kinds
        if pathway.exit_reason == "RELEASE_ADJUSTMENT":
            assert "ADJUSTMENT_REQUEST" in kinds
            assert pathway.events.filter(kind="ADJUSTMENT_DECISION", adjustment_decision="GRANTED",
                                         on__lte=pathway.exit_on).exists()
    assert not events.filter(kind="HOURS_WORKED", hours__gt=200).exists()


def test_part_of_the_released_are_followed_up_at_3_6_and_12_months():
    follow_ups = FollowUp.objects.filter(pathway__in=cohort()).select_related("pathway")

    assert set(follow_ups.values_list("milestone", flat=True)) == {3, 6, 12}
    assert follow_ups.filter(reached=False).exists()
    assert 0 < follow_ups.filter(milestone=3).count() < 24
    for follow_up in follow_ups:
        assert follow_up.contacted_on >= follow_up.pathway.exit_on + relativedelta(months=follow_up.milestone)


def test_loading_the_demo_twice_changes_no_count():
    before = counts()

    call_command("load_demo", stdout=StringIO())

    assert counts() == before


def test_after_the_load_full_clean_checks_the_constraints_again():
    # The demo leaves constraints and foreign keys to the database while it loads (demo/participants.py).
    pathway = cohort().first()
    pathway.hours_per_week = Decimal(5)

    with pytest.raises(ValidationError, match="comprise entre 10 et 35 heures"):
        pathway.full_clean()


def test_todays_meaux_session_has_candidates_assigned_people_and_something_to_alert():
    """MEAUX-APRES and its implantation contract end on 31 December 2018: today's cohort is classified and assigned,
    and does not enter the workshop (no entry outside the programme and its contract, issue 15)."""
    today = timezone.localdate()
    session = RecruitmentSession.objects.get(programme__code="MEAUX-APRES",
                                             date__range=(today - datetime.timedelta(days=23), today))

    assert dict(session.pathways.values_list("status").annotate(n=Count("id"))) == {
        "CANDIDATE": 2, "ASSIGNED": 3, "NOT_SELECTED": 1}
    assigned = session.pathways.filter(status="ASSIGNED")
    assert not assigned.filter(classified_on__isnull=True).exists()
    soon = assigned.filter(participant__expected_release_date__range=(today, today + datetime.timedelta(days=45)))
    assert soon.count() == 1
    assert not soon.get().events.filter(kind="PRE_RELEASE").exists()


def test_metz_has_a_session_two_months_ago_and_a_release_four_months_ago_awaiting_its_follow_up():
    today = timezone.localdate()
    recent = RecruitmentSession.objects.get(
        programme__code="METZ-EFIC", date__range=(today - datetime.timedelta(days=65), today - datetime.timedelta(
            days=55)))

    assert recent.pathways.filter(status="IN_WORKSHOP", contract_kind="CEP").count() == 4
    four_months_ago = today - relativedelta(months=4)
    released = Pathway.objects.get(programme__code="METZ-EFIC", exit_reason__in=RELEASES,
                                   exit_on__range=(four_months_ago - datetime.timedelta(days=3), four_months_ago))
    assert not released.follow_ups.exists()
    assert released.exit_on + relativedelta(months=3) < today  # its +3 months follow-up is due
    assert PathwayLog.objects.filter(pathway=released, transition="EXIT", by__username="cpip.metz").exists()


def test_people_of_2017_2018_with_no_pathway_in_progress_have_left_meaux():
    present = Participant.objects.filter(
        establishment__programmes__code="MEAUX-APRES", stay_ended_on__isnull=True,
        pathways__session__date__range=PERIOD,
    ).exclude(pathways__status__in=["CANDIDATE", "SELECTED", "CLASSIFIED", "ASSIGNED", "IN_WORKSHOP", "SUSPENDED"])

    assert not present.exists()
    assert Participant.objects.filter(pathways__session__date__range=PERIOD, stay_ended_on__isnull=True,
                                      pathways__status="IN_WORKSHOP").distinct().count() == 28  # still in the pathway
