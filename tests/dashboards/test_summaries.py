"""The monthly summaries (issue 19, §2): after every kind of write they equal a recomputation from the raw tables,
and a period of whole months gives the same figures from them as from the raw tables."""

import datetime
import random
import threading
import time

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import connection, transaction

from dashboards import indicators, periods, summaries
from dashboards.models import MonthlySummary
from dashboards.periods import Period
from demo import synthetic
from participants import services
from participants.enums import EducationLevel, EventKind, ExitReason, Outcome, SessionDecision
from participants.importing import run_import
from participants.models import AccompanimentEvent, Participant, Pathway, RecruitmentSession
from programmes.models import Programme
from tests.dashboards import builders as b
from tests.participants.factories import implantation_in_force

pytestmark = pytest.mark.django_db
D = datetime.date


def _consistent():
    """The stored summaries are exactly a recomputation from the raw tables (and not trivially empty)."""
    assert summaries.differences() == []


def test_every_kind_of_write_keeps_the_summaries_equal_to_the_raw_tables():
    programme = b.programme(kind="EI")
    other = b.programme()
    candidate = b.candidacy(programme, D(2024, 1, 10))
    _consistent()
    services.pathway_decide(pathway=candidate, decision=SessionDecision.SELECTED, by=None)
    _consistent()
    leaver = b.leaver(programme, D(2024, 2, 5), D(2024, 7, 20), reason=ExitReason.RELEASE_ADJUSTMENT,
                      outcome=Outcome.DURABLE, person={"sex": "F", "rsa": True, "birth_date": D(2001, 3, 3)})
    staying = b.entrant(programme, D(2024, 3, 18), person={"birth_date": D(1970, 1, 1)})
    b.entrant(other, D(2024, 3, 1))
    _consistent()
    b.hours(staying, D(2024, 4, 1), "120.5")
    b.event(staying, EventKind.TRAINING, D(2024, 4, 9))
    b.event(staying, EventKind.PMSMP, D(2024, 5, 2))
    b.follow_up(leaver, 6, reached=True, situation=Outcome.DURABLE)
    _consistent()
    row = MonthlySummary.objects.get(programme=programme, month=D(2024, 4, 1))
    assert (row.hours, row.trainings) == (120.5, 1)

    # The profile of a person who entered changes the entry month's counts.
    person = Participant.objects.get(pk=staying.participant_id)
    person.rqth, person.education_level = True, EducationLevel.NONE
    services.participant_save(participant=person, by=None)
    _consistent()
    assert MonthlySummary.objects.get(programme=programme, month=D(2024, 3, 1)).rqth == 1

    # A corrected birth date moves the age at entry (written by .update(), no signal) and so the age bands.
    person.refresh_from_db()
    person.birth_date = D(2000, 1, 1)
    services.participant_save(participant=person, by=None)
    _consistent()

    # A session moved to another month moves its candidates.
    session = RecruitmentSession.objects.get(pk=candidate.session_id)
    session.date = D(2024, 2, 12)
    services.session_save(session=session, by=None)
    _consistent()

    # Deletions: a timeline item, then a whole pathway with its timeline and follow-ups, then a person.
    services.event_delete(event=AccompanimentEvent.objects.get(pathway=staying, kind=EventKind.PMSMP), by=None)
    _consistent()
    Pathway.objects.get(pk=leaver.pk).delete()
    _consistent()
    Pathway.objects.filter(pk=staying.pk).delete()  # a queryset's deletion, with the timeline
    _consistent()
    Participant.objects.get(pk=staying.participant_id).delete()  # no pathway left: nothing counted changes
    _consistent()
    assert MonthlySummary.objects.filter(programme=other).exists()


def test_a_bulk_write_refreshed_by_hand_or_by_the_command(capsys):
    prog = b.programme()
    b.bulk_exits(prog, start=D(2023, 1, 2), exit_on=D(2023, 6, 30), outcomes={Outcome.OTHER: 3})  # refreshes
    _consistent()
    Pathway.objects.filter(programme=prog).update(outcome=Outcome.POSITIVE)  # sends no signal
    # June 2023's outcome_other, outcome_positive and releases_dynamic
    assert len(summaries.differences()) == 3

    call_command("rebuild_summaries")
    assert "1 résumé(s) à corriger" in capsys.readouterr().out
    assert len(summaries.differences()) == 3  # a dry run writes nothing
    call_command("rebuild_summaries", "--wet-run")
    _consistent()
    assert MonthlySummary.objects.get(programme=prog, month=D(2023, 6, 1)).outcome_positive == 3


def test_the_import_keeps_the_summaries_equal_to_the_raw_tables(settings, scope_a):
    Programme.objects.filter(pk=scope_a.programme.pk).update(code="MEAUX-APRES")
    implantation_in_force(scope_a.programme)  # the entries of the file need a workshop frame
    example = settings.BASE_DIR / "docs" / "examples" / "parcours-exemple.csv"

    report = run_import(example.read_bytes(), example.name, wet_run=True)

    assert report["errors"] == [] and report["counts"]["pathways"]["created"] == 8, report
    _consistent()


def test_the_nightly_check_logs_every_difference(caplog):
    prog = b.programme()
    b.entrant(prog, D(2024, 3, 18))
    assert summaries.check_sample(seed=1) == []
    MonthlySummary.objects.filter(programme=prog, month=D(2024, 3, 1)).update(entrants=7)

    found = summaries.check_sample(seed=1)

    assert [(name, stored, computed) for _p, _m, name, stored, computed in found] == [("entrants", 7, 1)]
    assert "entrants = 7, recalculé 1" in caplog.text and "rebuild_summaries" in caplog.text


def _random_period(rng: random.Random, first: D, last: D) -> Period:
    months = (last.year - first.year) * 12 + last.month - first.month
    start = first + relativedelta(months=rng.randrange(months))
    end = start + relativedelta(months=rng.randrange(1, 30)) - datetime.timedelta(days=1)
    return Period(start, end)


def test_whole_months_give_the_same_figures_from_the_summaries_as_from_the_raw_tables():
    """A seeded random walk over periods of whole months and scopes (all programmes, an establishment, a DISP, a
    random set) on the synthetic data: every indicator, grouped or not, and the quarterly trends are equal."""
    synthetic.generate(scale="small", seed=5, log=lambda line: None)
    summaries.rebuild()  # the generator writes in bulk
    _consistent()
    rng = random.Random(19)
    every = Programme.objects.all()
    ids = list(every.values_list("pk", flat=True))
    scopes = [every, every.filter(establishment=every.first().establishment_id),
              every.filter(establishment__department__region__disp="DISP_PARIS")]
    today = datetime.date(2026, 11, 16)
    checked = 0
    for _ in range(12):
        period = _random_period(rng, D(2019, 1, 1), today)
        assert period.whole_months
        programmes = rng.choice([*scopes, every.filter(pk__in=rng.sample(ids, 3))])
        group = rng.choice([None, "code", "establishment_id", "establishment__department__region__disp_id"])
        from_summaries = indicators.compute(programmes, period, by=group)
        from_raw = indicators.compute(programmes, period, by=group, raw=True)
        assert set(from_summaries) == set(from_raw)
        for key, raw_values in from_raw.items():
            assert {k: from_summaries[key][k] for k in indicators.KEYS} == {k: raw_values[k] for k in indicators.KEYS}
            checked += raw_values["entrants"] + raw_values["exits"]
        assert indicators.trends(programmes, period) == indicators.trends(programmes, period, raw=True)
        # A dashboard with children takes its totals from theirs (but the medians and the ETP conventioned).
        by = rng.choice(["code", "establishment_id", "establishment__department__region__disp_id"])
        for raw in (False, True):
            total, children = indicators.compute_with_total(programmes, period, by=by, raw=raw)
            assert total == indicators.totals(programmes, period, raw=raw), (period, by, raw)
            assert children == indicators.compute(programmes, period, by=by, raw=raw), (period, by, raw)
    assert checked > 100  # the periods did count people


def test_only_a_period_of_whole_months_reads_the_summaries():
    assert periods.year(2024).whole_months and Period(D(2024, 2, 1), D(2024, 2, 29)).whole_months
    assert not Period(D(2024, 2, 1), D(2024, 2, 28)).whole_months
    assert not Period(D(2024, 2, 2), D(2024, 3, 31)).whole_months


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes one transaction at a time")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_writes_on_a_programme_leave_exact_summaries():
    """The second writer waits for the first one's lock on the programme, then recomputes from what it committed
    (without the lock it would overwrite the month with counts that miss the first write)."""
    programme = b.programme()
    # Two people: the services lock each pathway, so two writes on one pathway would never run side by side.
    pathway, other = b.entrant(programme, D(2024, 3, 18)), b.entrant(programme, D(2024, 3, 18))
    b.event(pathway, EventKind.TRAINING, D(2024, 4, 2))  # the month's row exists: both writers update it
    refreshed, errors = threading.Event(), []

    def first():
        try:
            with transaction.atomic():
                b.event(Pathway.objects.get(pk=pathway.pk), EventKind.TRAINING, D(2024, 4, 9))
                refreshed.set()
                time.sleep(1)  # still uncommitted while the second writer arrives
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    def second():
        try:
            refreshed.wait(10)
            with transaction.atomic():
                b.event(Pathway.objects.get(pk=other.pk), EventKind.TRAINING, D(2024, 4, 23))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert errors == []
    assert MonthlySummary.objects.get(programme=programme, month=D(2024, 4, 1)).trainings == 3
    _consistent()
