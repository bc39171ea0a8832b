"""generate_synthetic --scale small: coherent data (constraints, dates, exits, outcomes, timelines), the counts it
prints, obviously fake identities, the same data for the same seed, and its refusal to write beside real pathways.

The dataset is generated once for the module, by the command, in a transaction rolled back at the end.
"""

import re
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import CheckConstraint, Count
from django.utils import timezone

from dashboards import indicators, periods, summaries
from dashboards.models import MonthlySummary
from participants import rules
from participants.enums import DEFAULT_OUTCOME, RELEASE_REASONS, STAY_ENDING_REASONS, EventKind, PathwayStatus
from participants.models import AccompanimentEvent, FollowUp, Participant, Pathway, RecruitmentSession, Suspension
from partners.models import Organisation
from programmes import rates
from programmes.models import (
    Establishment,
    FinancialAnnex,
    FundingLine,
    Programme,
    Siae,
    SmicRate,
    StateConvention,
)
from programmes.validators import validate_siret
from tests.participants.factories import PathwayFactory

pytestmark = pytest.mark.django_db

# The command's summary: label -> the rows it counts.
PRINTED = {
    "établissements": Establishment, "SIAE": Siae, "programmes": Programme,
    "conventions avec l'État": StateConvention, "annexes financières": FinancialAnnex,
    "lignes de financement": FundingLine, "sessions de recrutement": RecruitmentSession,
    "participant·es": Participant, "parcours": Pathway, "actions d'accompagnement": AccompanimentEvent,
    "suivis après la libération": FollowUp, "suspensions": Suspension,
}
WRITTEN = [Organisation, Establishment, Siae, Programme, StateConvention, FinancialAnnex, FundingLine,
           RecruitmentSession, Participant, Pathway, Suspension, AccompanimentEvent, FollowUp]


def _generate(**options) -> str:
    out = StringIO()
    call_command("generate_synthetic", scale="small", stdout=out, **options)
    return out.getvalue()


def _printed_counts(output: str) -> dict:
    counts = {}
    for line in output.splitlines():
        match = re.fullmatch(r"  (.+?)\s+([\d\u202f]+)", line)
        if match and match[1] in PRINTED:
            counts[match[1]] = int(match[2].replace("\u202f", ""))
    return counts


@pytest.fixture(scope="module")
def output(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield _generate(seed=5)
        transaction.set_rollback(True)


def test_the_command_prints_what_it_wrote(output):
    printed = _printed_counts(output)
    assert set(printed) == set(PRINTED)
    for label, model in PRINTED.items():
        assert printed[label] == model.objects.count(), label
    assert "Données synthétiques écrites" in output


def test_the_small_scale_is_four_establishments_and_eight_programmes_in_two_interregions(output):
    assert Establishment.objects.count() == 4
    assert Programme.objects.count() == 8
    disps = set(Programme.objects.values_list("establishment__department__region__disp_id", flat=True))
    assert disps == {"DISP_PARIS", "DISP_STRASBOURG"}
    assert 1980 <= Pathway.objects.count() <= 2020
    # About 0.8 person per pathway: some apply again after a refusal or a return to ordinary detention.
    assert 0.7 < Participant.objects.count() / Pathway.objects.count() < 0.9
    statuses = set(Pathway.objects.values_list("status", flat=True))
    assert {PathwayStatus.EXITED, PathwayStatus.IN_WORKSHOP, PathwayStatus.NOT_SELECTED,
            PathwayStatus.WITHDRAWN} <= statuses


@pytest.mark.parametrize("model", WRITTEN, ids=lambda model: model.__name__)
def test_every_check_constraint_holds(output, model):
    checks = [c for c in model._meta.constraints if isinstance(c, CheckConstraint)]
    for constraint in checks:
        assert not model.objects.exclude(constraint.condition).exists(), constraint.name


def test_foreign_keys_and_unique_constraints_hold(output):
    connection.check_constraints()  # SQLite's PRAGMA foreign_key_check; PostgreSQL's deferred checks, now
    # At most one open pathway per person and programme, one follow-up per milestone, one hours row per month.
    open_pathways = (Pathway.objects.exclude(status__in=[PathwayStatus.EXITED, PathwayStatus.NOT_SELECTED,
                                                         PathwayStatus.WITHDRAWN])
                     .values("participant", "programme").annotate(n=Count("pk")).filter(n__gt=1))
    assert not open_pathways.exists()


def test_every_exited_pathway_has_its_dates_and_an_outcome_that_goes_with_its_reason(output):
    today = timezone.localdate()
    exited = Pathway.objects.filter(status=PathwayStatus.EXITED).select_related("participant")
    assert exited.count() > 900
    for pathway in exited:
        assert pathway.contract_start and pathway.exit_on and pathway.exit_reason and pathway.outcome
        assert rules.check_exit(on=pathway.exit_on, entry=pathway.contract_start, reason=pathway.exit_reason,
                                outcome=pathway.outcome, adjustment=pathway.adjustment,
                                return_reason=pathway.return_reason, job_contract=pathway.job_contract,
                                job_months=pathway.job_months, today=today) == {}
        if pathway.exit_reason in DEFAULT_OUTCOME:
            assert pathway.outcome == DEFAULT_OUTCOME[pathway.exit_reason]
        if pathway.exit_reason in STAY_ENDING_REASONS:
            assert pathway.participant.stay_ended_on == pathway.exit_on


def test_each_step_comes_after_the_previous_one_and_none_is_in_the_future(output):
    today = timezone.localdate()
    smic = list(SmicRate.objects.all())
    for pathway in Pathway.objects.select_related("session"):
        steps = [pathway.session.date, pathway.classified_on, pathway.assigned_on, pathway.contract_start,
                 pathway.exit_on]
        present = [day for day in steps if day is not None]
        assert present == sorted(present) and present[-1] <= today
        if pathway.contract_start:
            assert pathway.contract_kind == rules.contract_kind_on(pathway.contract_start)
            assert pathway.hourly_pay >= rates.pay_floor(rates.smic_in_force(smic, pathway.contract_start))
        else:
            assert pathway.status not in (PathwayStatus.IN_WORKSHOP, PathwayStatus.SUSPENDED, PathwayStatus.EXITED)


def test_hours_are_recorded_on_the_first_of_each_month_in_the_workshop(output):
    today = timezone.localdate()
    hours = {}
    for pathway_id, on in AccompanimentEvent.objects.filter(kind=EventKind.HOURS_WORKED).values_list("pathway",
                                                                                                      "on"):
        hours.setdefault(pathway_id, []).append(on)
    entered = Pathway.objects.filter(contract_start__isnull=False).exclude(status=PathwayStatus.SUSPENDED)
    for pathway in entered:
        last = pathway.exit_on or today
        months = (last.year - pathway.contract_start.year) * 12 + last.month - pathway.contract_start.month + 1
        first = pathway.contract_start.replace(day=1)
        assert sorted(hours[pathway.pk]) == [first + relativedelta(months=n) for n in range(months)]
    others = AccompanimentEvent.objects.exclude(kind=EventKind.HOURS_WORKED).select_related("pathway")
    for event in others:
        assert event.pathway.contract_start <= event.on <= (event.pathway.exit_on or today)


def test_follow_ups_are_for_releases_once_due(output):
    follow_ups = FollowUp.objects.select_related("pathway")
    assert follow_ups.filter(milestone=6).exists() and follow_ups.filter(milestone=12).exists()
    for follow_up in follow_ups:
        assert follow_up.pathway.exit_reason in RELEASE_REASONS
        assert follow_up.contacted_on >= follow_up.pathway.exit_on + relativedelta(months=follow_up.milestone)


def test_identities_are_obviously_fake(output):
    assert not Participant.objects.exclude(last_name__regex=r"^SYNTH-[0-9]{6}$").exists()
    assert set(Participant.objects.values_list("first_names", flat=True)) == {"Fictif", "Fictive"}
    assert not Participant.objects.exclude(ecrou__regex=r"^S[0-9]{7}$").exists()
    assert not Establishment.objects.exclude(name__startswith="SYNTH ").exists()
    assert not Programme.objects.exclude(code__regex=r"^SYN-[0-9]{4}$").exists()
    for siret in Siae.objects.values_list("siret", flat=True):
        validate_siret(siret)


def test_the_generator_leaves_the_dashboards_summaries_equal_to_its_rows(output):
    """COPY sends no signal: the generator recomputes the summaries of its programmes in its own transaction, so a
    period of whole months (read from them) counts what the raw tables hold."""
    assert summaries.differences() == []
    assert MonthlySummary.objects.filter(entrants__gt=0).count() > 12


def test_the_dashboards_find_plausible_figures(output):
    values = indicators.totals(Programme.objects.all(), periods.default_period())
    assert values["entrants"] > 100 and values["exits"] > 100 and values["in_pathway"] > 50
    assert 10 < values["rate_dynamic_exits"] < 60
    assert values["hours_worked"] > 0 and values["etp_conventioned"] > 0
    assert 50 < values["occupation_rate"] < 150


def test_the_same_seed_gives_the_same_data_and_replaces_it(output):
    before = indicators.totals(Programme.objects.all(), periods.year(2022))
    counts = {model: model.objects.count() for model in WRITTEN}
    again = _generate(seed=5)
    assert _printed_counts(again) == _printed_counts(output)
    assert {model: model.objects.count() for model in WRITTEN} == counts  # replaced, not added
    assert indicators.totals(Programme.objects.all(), periods.year(2022)) == before
    _generate(seed=6)
    assert indicators.totals(Programme.objects.all(), periods.year(2022)) != before


def test_it_refuses_a_database_that_holds_real_pathways(output):
    real = PathwayFactory()
    synthetic_before = Pathway.objects.filter(participant__last_name__startswith="SYNTH-").count()
    with pytest.raises(CommandError, match="contient 1 parcours réel "):
        _generate(seed=5)
    assert Pathway.objects.filter(participant__last_name__startswith="SYNTH-").count() == synthetic_before
    _generate(seed=5, force=True)  # --force writes beside them, and leaves them alone
    assert Pathway.objects.filter(pk=real.pk).exists()


def test_it_refuses_an_unknown_scale(output):
    with pytest.raises(CommandError):
        call_command("generate_synthetic", scale="planetary", stdout=StringIO())


def test_the_generator_writes_no_pathway_log_and_no_user(output):
    """A generator, not the services path: no log of steps that no one took."""
    assert not Pathway.objects.filter(log__isnull=False).exists()
    assert not AccompanimentEvent.objects.filter(recorded_by__isnull=False).exists()
