"""load_demo's pathways: Meaux as the seed reports it on 30 March 2018 and how its 28 people then in the pathway left
during 2018; Metz's actes d'engagement turned into CEPs in May 2022; today's Metz cohorts with their monthly hours.

The seed's figures are counted here with plain ORM queries (not with the application's code), the way the seed
counts them on its own dates (docs/domain.md §11.2): an exit after 30 March 2018 is still "in the pathway" that day.
load_demo runs once for the module (a few seconds), inside a transaction rolled back at the end; each test runs in
a savepoint of its own. Today's figures follow the suite's clock (tests/clock.py; `make test-dates` moves it).
"""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import User
from participants import alerts
from participants.models import (
    AccompanimentEvent,
    FollowUp,
    Participant,
    Pathway,
    PathwayLog,
    RecruitmentSession,
    Suspension,
)
from programmes.models import ImplantationContract, SmicRate
from tests.demo import demo_for_module

pytestmark = pytest.mark.django_db

SEED_START, SEED_DAY = datetime.date(2017, 6, 1), datetime.date(2018, 3, 30)
PERIOD = (SEED_START, datetime.date(2018, 3, 31))
RELEASES = ("RELEASE_END_OF_SENTENCE", "RELEASE_ADJUSTMENT")
OPEN = ("CANDIDATE", "SELECTED", "CLASSIFIED", "ASSIGNED", "IN_WORKSHOP", "SUSPENDED")
MEAUX_END = datetime.date(2018, 12, 31)  # MEAUX-APRES and its implantation contract end then


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with demo_for_module(django_db_blocker):
        yield


def cohort():
    """Meaux's entrants of the seed's period: a contract started between June 2017 and March 2018."""
    return Pathway.objects.filter(programme__code="MEAUX-APRES", contract_start__range=PERIOD)


def exited_by_seed_day():
    """The entrants who had left the pathway on 30 March 2018, as the press release counts them."""
    return cohort().filter(exit_on__lte=SEED_DAY)


def in_on_seed_day():
    """The entrants still in the pathway on 30 March 2018 (they left later)."""
    return cohort().filter(Q(exit_on__isnull=True) | Q(exit_on__gt=SEED_DAY))


def smic_on(day: datetime.date) -> Decimal:
    return SmicRate.objects.filter(valid_from__lte=day).order_by("-valid_from").first().hourly_amount


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
        assert Decimal(12) <= pathway.hours_per_week <= Decimal(20)  # part time: about 30 people share 10 ETP


def test_twenty_one_returned_to_ordinary_detention_for_varied_reasons_as_other_exits():
    returns = exited_by_seed_day().filter(exit_reason="RETURN_ORDINARY_DETENTION")

    assert returns.count() == 21
    assert set(returns.values_list("outcome", flat=True)) == {"OTHER"}
    assert len(set(returns.values_list("return_reason", flat=True))) >= 4


def test_twenty_four_left_prison_with_a_job_or_a_training_split_seven_nine_eight():
    releases = exited_by_seed_day().filter(exit_reason__in=RELEASES)

    assert releases.filter(outcome__in=["DURABLE", "TRANSITION", "POSITIVE"]).count() == 24
    assert exited_by_seed_day().count() == 45  # nobody else had left by then: the seed's 73 - 21 - 24 = 28 still in
    split = dict(releases.values_list("outcome").annotate(n=Count("id")))
    assert split == {"DURABLE": 7, "TRANSITION": 9, "POSITIVE": 8}
    adjusted = releases.filter(exit_reason="RELEASE_ADJUSTMENT")
    assert not adjusted.filter(adjustment="").exists()
    assert set(adjusted.values_list("adjustment", flat=True)) >= {"SL", "PE", "LC", "LSC"}


def test_each_release_job_names_a_contract_consistent_with_its_category():
    for pathway in cohort().filter(exit_reason__in=RELEASES):
        if pathway.outcome in ("POSITIVE", "OTHER"):  # a training or a CDDI; released without a job (2018)
            assert (pathway.job_contract, pathway.job_months) == ("", None)
        elif pathway.job_contract in ("CDD", "INTERIM", "CDDI"):
            assert pathway.job_months > 6 if pathway.outcome == "DURABLE" else pathway.job_months <= 6
        elif pathway.job_contract == "SUBSIDISED":
            assert (pathway.outcome, pathway.job_months) == ("TRANSITION", None)
        else:
            assert (pathway.outcome, pathway.job_months) == ("DURABLE", None), pathway.job_contract


def test_twenty_eight_were_in_the_workshop_on_30_march_2018_two_of_them_after_a_suspension():
    still_in = in_on_seed_day()

    assert still_in.count() == 28
    suspensions = Suspension.objects.filter(pathway__in=still_in)
    assert suspensions.count() == 2
    assert all(s.start < s.end <= SEED_DAY for s in suspensions)
    for pathway in still_in:  # the last step of the log on or before that day left them in the workshop
        assert pathway.log.filter(on__lte=SEED_DAY).order_by("-on", "-pk").first().to_status == "IN_WORKSHOP"


def test_the_28_leave_during_2018_for_a_spread_of_reasons_and_outcomes():
    """The demo's story after the press release (the seed says nothing more): 17 releases (14 with a job or a
    training), 5 returns to ordinary detention, 3 transfers, 1 for health, 2 there when the experiment ends."""
    later = in_on_seed_day()

    assert not later.exclude(status="EXITED").exists()
    assert all(SEED_DAY < pathway.exit_on <= MEAUX_END for pathway in later)
    assert len({pathway.exit_on.month for pathway in later}) >= 7  # along the year, not on one day
    assert dict(later.values_list("exit_reason").annotate(n=Count("id"))) == {
        "RELEASE_END_OF_SENTENCE": 8, "RELEASE_ADJUSTMENT": 9, "RETURN_ORDINARY_DETENTION": 5, "TRANSFER": 3,
        "HEALTH": 1, "OTHER": 2}
    released = later.filter(exit_reason__in=RELEASES)
    assert dict(released.values_list("outcome").annotate(n=Count("id"))) == {
        "DURABLE": 4, "TRANSITION": 5, "POSITIVE": 5, "OTHER": 3}
    assert set(later.filter(exit_reason__in=["TRANSFER", "HEALTH"]).values_list("outcome", flat=True)) == {
        "NEUTRALISED"}
    returns = later.filter(exit_reason="RETURN_ORDINARY_DETENTION")
    assert len(set(returns.values_list("return_reason", flat=True))) >= 3
    for pathway in later:  # hours each month from April to the exit
        months = set(pathway.events.filter(kind="HOURS_WORKED", on__gt=SEED_DAY).values_list("on", flat=True))
        assert months == {datetime.date(2018, month, 1) for month in range(4, pathway.exit_on.month + 1)}


def test_nothing_moves_at_meaux_after_the_programme_and_its_contract_end_on_31_december_2018():
    meaux = Pathway.objects.filter(programme__code="MEAUX-APRES")

    assert ImplantationContract.objects.get(programme__code="MEAUX-APRES").end_date == MEAUX_END
    assert not meaux.filter(status__in=OPEN).exists()
    assert not meaux.filter(Q(contract_start__gt=MEAUX_END) | Q(exit_on__gt=MEAUX_END)).exists()
    assert not PathwayLog.objects.filter(pathway__in=meaux, on__gt=MEAUX_END).exists()
    assert not meaux.filter(status="EXITED", exit_on__isnull=True).exists()


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

    assert paid.count() >= 85  # 73 at Meaux, 3 at Metz in 2021-2022, 13 at Metz today
    for pathway in paid:
        assert pathway.hourly_pay * 100 >= smic_on(pathway.contract_start) * 45, pathway.contract_start


def test_every_open_contract_is_paid_45_percent_of_the_smic_in_force_today():
    today = timezone.localdate()
    open_contracts = Pathway.objects.filter(status__in=OPEN, hourly_pay__isnull=False)

    assert open_contracts.count() >= 8
    assert not open_contracts.filter(hourly_pay__lt=Decimal("0.45") * smic_on(today)).exists()


def test_every_open_pathway_is_in_an_open_programme_with_an_implantation_contract_in_force():
    today = timezone.localdate()
    open_pathways = Pathway.objects.filter(status__in=OPEN).select_related("programme")

    assert open_pathways.exists()
    for pathway in open_pathways:
        programme = pathway.programme
        assert programme.end_date is None or programme.end_date >= today, programme.code
        assert ImplantationContract.objects.filter(programme=programme, start_date__lte=today,
                                                   end_date__gte=today).exists(), programme.code


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
    assert 0 < follow_ups.filter(milestone=3).count() < cohort().filter(exit_reason__in=RELEASES).count()
    for follow_up in follow_ups:
        assert follow_up.contacted_on >= follow_up.pathway.exit_on + relativedelta(months=follow_up.milestone)


def test_loading_the_demo_twice_changes_no_count():
    before = counts()

    call_command("load_demo", stdout=StringIO())

    assert counts() == before


def test_after_the_load_full_clean_checks_the_constraints_again():
    # The demo leaves constraints and foreign keys to the database while it loads (demo.cohorts).
    pathway = cohort().first()
    pathway.hours_per_week = Decimal(5)

    with pytest.raises(ValidationError, match="comprise entre 10 et 35 heures"):
        pathway.full_clean()


def test_metz_turned_its_open_actes_d_engagement_into_ceps_on_2_may_2022():
    actes = Pathway.objects.filter(programme__code="METZ-EFIC", contract_start__lt=datetime.date(2022, 5, 1))
    converted = actes.filter(contract_kind="CEP")

    assert actes.count() == 3 and converted.count() == 2
    assert not Pathway.objects.filter(contract_kind="ENGAGEMENT_ACT", status__in=OPEN).exists()
    assert not Pathway.objects.filter(contract_kind="ENGAGEMENT_ACT", contract_start__gte=datetime.date(2022, 5, 1)
                                      ).exists()
    for pathway in converted:
        steps = {row.transition: row.on for row in pathway.log.all()}
        assert (steps["END_ACT"], steps["CONVERT"]) == (datetime.date(2022, 5, 1), datetime.date(2022, 5, 2))
        assert datetime.date(2022, 5, 2) < pathway.exit_on < datetime.date(2023, 1, 1)
        assert pathway.hourly_pay * 100 >= smic_on(datetime.date(2022, 5, 2)) * 45
    acte = actes.get(contract_kind="ENGAGEMENT_ACT")  # released before the code pénitentiaire
    assert acte.exit_on < datetime.date(2022, 5, 1)


def test_todays_metz_workshop_has_eleven_people_with_their_hours_to_the_end_of_last_month():
    today = timezone.localdate()
    last_month = today.replace(day=1) - relativedelta(months=1)
    in_workshop = Pathway.objects.filter(programme__code="METZ-EFIC", status="IN_WORKSHOP")

    assert in_workshop.count() == 11
    assert in_workshop.filter(contract_start__lt=today - relativedelta(years=1)).count() == 1  # a long stay
    assert_hours_every_month_to(last_month, in_workshop)
    # Over the last twelve full months, the hours make about 60 % of the 7 ETP of the annexes (1 820 h an ETP).
    assert Decimal("0.45") <= yearly_etp("METZ-EFIC", last_month) / 7 <= Decimal("0.75")


def assert_hours_every_month_to(last_month: datetime.date, pathways) -> None:
    for pathway in pathways:
        months = set(pathway.events.filter(kind="HOURS_WORKED").values_list("on", flat=True))
        first = pathway.contract_start.replace(day=1)
        assert max(months) == last_month and min(months) == first
        assert len(months) == (last_month.year - first.year) * 12 + last_month.month - first.month + 1


def yearly_etp(code: str, last_month: datetime.date) -> Decimal:
    """The hours of the twelve full months up to ``last_month``, in ETP (1 820 h an ETP)."""
    year = (last_month - relativedelta(months=11), last_month)
    hours = AccompanimentEvent.objects.filter(pathway__programme__code=code, kind="HOURS_WORKED",
                                              on__range=year).aggregate(total=Sum("hours"))["total"]
    return hours / 1820


def test_todays_metz_exits_of_the_last_twelve_months_and_their_follow_ups():
    today = timezone.localdate()
    exits = Pathway.objects.filter(programme__code="METZ-EFIC", exit_on__gt=today - relativedelta(years=1))

    assert dict(exits.values_list("exit_reason").annotate(n=Count("id"))) == {
        "RETURN_ORDINARY_DETENTION": 1, "TRANSFER": 1, "RELEASE_END_OF_SENTENCE": 3, "RELEASE_ADJUSTMENT": 3}
    followed = FollowUp.objects.filter(pathway__in=exits, reached=True)
    assert dict(followed.values_list("milestone").annotate(n=Count("id"))) == {3: 3, 6: 2}
    assert not followed.filter(contacted_on__gt=today).exists()


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


def test_the_people_of_2017_2018_have_all_left_meaux():
    stays = Participant.objects.filter(pathways__session__date__range=PERIOD).distinct()

    assert stays.count() > 73
    assert not stays.filter(stay_ended_on__isnull=True).exists()


def test_todays_meaux_workshop_has_thirteen_people_under_a_cep_with_their_hours_to_the_end_of_last_month():
    today = timezone.localdate()
    last_month = today.replace(day=1) - relativedelta(months=1)
    ares = Pathway.objects.filter(programme__code="MEAUX-ARES")
    in_workshop = ares.filter(status="IN_WORKSHOP")

    assert in_workshop.count() == 13
    assert set(ares.exclude(contract_kind="").values_list("contract_kind", flat=True)) == {"CEP"}
    assert set(in_workshop.values_list("participant__quartier__kind", flat=True)) == {"QNC"}
    assert not in_workshop.filter(participant__expected_release_date__lte=today + datetime.timedelta(days=30)).exists()
    assert_hours_every_month_to(last_month, in_workshop)
    # Après's 16 ETP conventioned (DEMO-77-APRES-EI-MP): an occupation between 55 and 75 % over twelve months.
    assert Decimal("0.55") <= yearly_etp("MEAUX-ARES", last_month) / 16 <= Decimal("0.75")


def test_todays_meaux_exits_of_the_last_twelve_months_and_their_follow_ups():
    today = timezone.localdate()
    ares = Pathway.objects.filter(programme__code="MEAUX-ARES")
    exits = ares.filter(exit_on__isnull=False)

    assert not exits.filter(exit_on__lte=today - relativedelta(years=1)).exists()
    assert dict(exits.values_list("exit_reason").annotate(n=Count("id"))) == {
        "RETURN_ORDINARY_DETENTION": 1, "TRANSFER": 1, "HEALTH": 1, "RELEASE_END_OF_SENTENCE": 1,
        "RELEASE_ADJUSTMENT": 2}
    assert sorted(exits.filter(exit_reason__in=RELEASES).values_list("outcome", "job_contract")) == [
        ("DURABLE", "CDI"), ("POSITIVE", "CDDI"), ("TRANSITION", "INTERIM")]
    followed = FollowUp.objects.filter(pathway__in=exits, reached=True)
    assert dict(followed.values_list("milestone").annotate(n=Count("id"))) == {3: 2, 6: 1}
    assert not followed.filter(contacted_on__gt=today).exists()
    assert set(PathwayLog.objects.filter(pathway__in=ares).values_list("by__username", flat=True)) == {
        "cpip.meaux", "siae.ares"}


def test_the_people_of_todays_meaux_share_no_name_or_ecrou_with_those_of_2017_2018():
    everyone = Participant.objects.filter(establishment__programmes__code="MEAUX-ARES").distinct()

    assert everyone.filter(pathways__programme__code="MEAUX-ARES").distinct().count() == 21  # 19 entrants, 2 declined
    assert everyone.values("ecrou_key").distinct().count() == everyone.count()
    assert everyone.values("last_name", "first_names").distinct().count() == everyone.count()


@pytest.mark.parametrize("username", ["cpip.meaux", "siae.ares"])
def test_todays_meaux_raises_no_pay_contract_or_acte_d_engagement_alert(username):
    found = alerts.alerts_for(user=User.objects.get(username=username), today=timezone.localdate())

    assert not {alert.kind for alert in found} & {alerts.PAY, alerts.CONTRACT, alerts.ENGAGEMENT_ACT, alerts.RELEASE}
