"""Two people editing the same record (issue 4, section 3): the second gets a clear French conflict message,
their input is kept, nothing is overwritten silently and nothing is half-saved.

The first tests replay the two editors one after the other (any database). The race tests run two threads
at the same time against PostgreSQL, whose row locks (SELECT ... FOR UPDATE) are what the services rely on.
"""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from participants import services
from participants.enums import EventKind, ExitReason, Outcome, PathwayStatus, SuspensionReason, Transition
from participants.models import AccompanimentEvent, Participant, Pathway, PathwayLog, Suspension
from participants.services import EditConflict
from tests.participants.factories import ParticipantFactory, counsellor, pathway_at
from tests.programmes.factories import ProgrammeFactory

LATER = datetime.date(2025, 6, 2)
ON_POSTGRESQL = connection.vendor == "postgresql"
NEEDS_POSTGRESQL = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="needs PostgreSQL: SQLite locks the whole database, so two threads cannot race on one row "
           "(run it through scripts/test-services.sh)",
)


def assert_conflict_message(error):
    text = " ".join(error.messages)
    assert "modifié par quelqu'un d'autre" in text
    assert "Rien n'a été enregistré" in text
    assert "Votre saisie est conservée" in text
    assert timezone.localdate().strftime("%d/%m/%Y") in text  # when the other person saved


# --- Stale version, one editor after the other -------------------------------------------------------------


@pytest.mark.django_db
def test_second_editor_of_a_participant_gets_a_conflict_and_the_first_edit_stays():
    first_user, second_user = counsellor(), counsellor(first_name="Samir", last_name="Benali")
    participant = ParticipantFactory(last_name="Lefèvre", ecrou="9001")
    first, second = Participant.objects.get(pk=participant.pk), Participant.objects.get(pk=participant.pk)
    seen = first.version
    first.last_name = "Lefebvre"
    services.participant_save(participant=first, by=first_user, expected_version=seen)
    second.last_name, second.ecrou = "Lefeuvre", "9002"

    with pytest.raises(EditConflict) as error:
        services.participant_save(participant=second, by=second_user, expected_version=seen)

    assert isinstance(error.value, ValidationError)
    assert_conflict_message(error.value)
    row = Participant.objects.get(pk=participant.pk)
    assert (row.last_name, row.ecrou, row.ecrou_key, row.version) == ("Lefebvre", "9001", "9001", seen + 1)
    assert (second.last_name, second.ecrou) == ("Lefeuvre", "9002")  # the second editor's input, to show again


@pytest.mark.django_db
def test_participant_saved_with_the_current_version_after_a_conflict_goes_through():
    cpip = counsellor()
    participant = ParticipantFactory(last_name="Lefèvre")
    stale = Participant.objects.get(pk=participant.pk)
    services.participant_save(participant=Participant.objects.get(pk=participant.pk), by=cpip,
                              expected_version=participant.version)
    stale.last_name = "Lefeuvre"
    with pytest.raises(EditConflict):
        services.participant_save(participant=stale, by=cpip, expected_version=participant.version)

    services.participant_save(participant=stale, by=cpip, expected_version=participant.version + 1)

    assert Participant.objects.get(pk=participant.pk).last_name == "Lefeuvre"


@pytest.mark.django_db
def test_a_release_recorded_while_the_participant_form_is_open_makes_its_save_a_conflict():
    cpip = counsellor()
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, by=cpip)
    form_copy = Participant.objects.get(pk=pathway.participant_id)
    seen = form_copy.version
    services.pathway_exit(pathway=pathway, on=LATER, reason=ExitReason.RELEASE_END_OF_SENTENCE,
                          outcome=Outcome.OTHER, by=cpip)
    form_copy.expected_release_date = datetime.date(2027, 1, 1)

    with pytest.raises(EditConflict):
        services.participant_save(participant=form_copy, by=cpip, expected_version=seen)

    row = Participant.objects.get(pk=pathway.participant_id)
    assert row.stay_ended_on == LATER  # the release is not undone by the stale form
    assert row.expected_release_date is None


@pytest.mark.django_db
def test_second_editor_of_a_pathway_step_gets_a_conflict_and_nothing_is_saved():
    first_user, second_user = counsellor(), counsellor(first_name="Samir", last_name="Benali")
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, by=first_user)
    seen = pathway.version
    services.pathway_update_contract(pathway=pathway, signed_on=None, hours_per_week=Decimal("30"),
                                     hourly_pay=Decimal("6.40"), by=first_user, expected_version=seen)

    with pytest.raises(EditConflict) as error:
        services.pathway_exit(pathway=pathway, on=LATER, reason=ExitReason.RELEASE_END_OF_SENTENCE,
                              outcome=Outcome.OTHER, by=second_user, expected_version=seen)

    assert_conflict_message(error.value)
    row = Pathway.objects.get(pk=pathway.pk)
    assert (row.status, row.version, row.hours_per_week, row.hourly_pay) == (
        PathwayStatus.IN_WORKSHOP, seen + 1, Decimal("30"), Decimal("6.40"))
    assert row.exit_on is None
    assert not row.log.filter(transition=Transition.EXIT).exists()
    assert Participant.objects.get(pk=row.participant_id).stay_ended_on is None


@pytest.mark.django_db
def test_suspension_on_a_pathway_someone_else_just_closed_is_a_conflict_not_a_second_step():
    cpip = counsellor()
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, by=cpip)
    seen = pathway.version
    services.pathway_exit(pathway=pathway, on=LATER, reason=ExitReason.RESIGNATION, outcome=Outcome.OTHER,
                          by=cpip, expected_version=seen)

    with pytest.raises(EditConflict):
        services.pathway_suspend(pathway=pathway, start=LATER, reason=SuspensionReason.SUPPLY, by=cpip,
                                 expected_version=seen)

    row = Pathway.objects.get(pk=pathway.pk)
    assert row.status == PathwayStatus.EXITED
    assert not Suspension.objects.filter(pathway=row).exists()
    assert row.log.filter(transition=Transition.SUSPEND).count() == 0


# --- Real races on PostgreSQL --------------------------------------------------------------------------------


def run_together(*actions, timeout=30):
    """Start each action in its own thread at the same moment; return what each returned or raised."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def worker(index, action):
        try:
            barrier.wait(timeout=timeout)
            results[index] = action()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[index] = error
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=worker, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting (deadlock?)"
    return results


def is_refused_in_french(result):
    if isinstance(result, EditConflict):
        return "modifié par quelqu'un d'autre" in " ".join(result.messages)
    return isinstance(result, ValidationError) and "n'est possible que depuis" in " ".join(result.messages)


def exit_action(pathway_pk, by, version):
    return lambda: services.pathway_exit(
        pathway=Pathway.objects.get(pk=pathway_pk), on=LATER, reason=ExitReason.RELEASE_END_OF_SENTENCE,
        outcome=Outcome.OTHER, by=by, expected_version=version)


def suspend_action(pathway_pk, by, version):
    return lambda: services.pathway_suspend(
        pathway=Pathway.objects.get(pk=pathway_pk), start=LATER, reason=SuspensionReason.SUPPLY, by=by,
        expected_version=version)


@NEEDS_POSTGRESQL
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("with_version", [True, False], ids=["same expected version", "no expected version"])
def test_two_people_exiting_the_same_pathway_at_once_make_exactly_one_exit(with_version):
    first_user, second_user = counsellor(), counsellor(first_name="Samir", last_name="Benali")
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, by=first_user)
    version = pathway.version if with_version else None

    results = run_together(exit_action(pathway.pk, first_user, version), exit_action(pathway.pk, second_user, version))

    done = [result for result in results if isinstance(result, Pathway)]
    refused = [result for result in results if not isinstance(result, Pathway)]
    assert len(done) == 1 and len(refused) == 1, results
    assert is_refused_in_french(refused[0]), repr(refused[0])
    row = Pathway.objects.get(pk=pathway.pk)
    assert (row.status, row.version) == (PathwayStatus.EXITED, pathway.version + 1)
    assert PathwayLog.objects.filter(pathway=row, transition=Transition.EXIT).count() == 1
    assert Participant.objects.get(pk=row.participant_id).version == pathway.participant.version + 1


@NEEDS_POSTGRESQL
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_suspension_and_exit_of_the_same_pathway_at_once_keep_one_of_the_two():
    first_user, second_user = counsellor(), counsellor(first_name="Samir", last_name="Benali")
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, by=first_user)

    results = run_together(suspend_action(pathway.pk, first_user, pathway.version),
                           exit_action(pathway.pk, second_user, pathway.version))

    done = [result for result in results if isinstance(result, Pathway)]
    assert len(done) == 1, results
    assert all(is_refused_in_french(result) for result in results if not isinstance(result, Pathway))
    row = Pathway.objects.get(pk=pathway.pk)
    steps = list(PathwayLog.objects.filter(pathway=row, transition__in=[Transition.SUSPEND, Transition.EXIT])
                 .values_list("transition", flat=True))
    assert steps == [Transition.SUSPEND if row.status == PathwayStatus.SUSPENDED else Transition.EXIT]
    assert Suspension.objects.filter(pathway=row).count() == (1 if row.status == PathwayStatus.SUSPENDED else 0)


def wait_until_a_backend_waits_on_a_lock(timeout=10):
    """Poll pg_stat_activity (from the test's own connection) until another backend is blocked on a lock."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> "
                           "pg_backend_pid()")
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


def overlapping(first, second):
    """``first`` runs in a transaction kept open until ``second`` is blocked behind it, then commits.

    This is the worst case of two simultaneous saves: the second one's checks ran before the first committed.
    """
    inserted, release = threading.Event(), threading.Event()

    def hold_first():
        with transaction.atomic():
            result = first()
            inserted.set()
            release.wait(10)
        return result

    def then_second():
        inserted.wait(10)
        return second()

    def referee():
        inserted.wait(10)
        blocked = wait_until_a_backend_waits_on_a_lock()
        release.set()
        return blocked

    return run_together(hold_first, then_second, referee)


@NEEDS_POSTGRESQL
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_same_months_hours_recorded_by_two_people_at_once_give_one_row_and_a_french_message():
    first_user, second_user = counsellor(), counsellor(first_name="Samir", last_name="Benali")
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, by=first_user)

    def hours(by, amount):
        return lambda: services.event_record(pathway=pathway, kind=EventKind.HOURS_WORKED,
                                             on=datetime.date(2025, 4, 1), hours=Decimal(amount), by=by)

    first, second, blocked = overlapping(hours(first_user, "70"), hours(second_user, "12"))

    if not blocked:
        pytest.skip("the second save never waited for the first: the race did not happen this time")
    assert isinstance(first, AccompanimentEvent)
    assert AccompanimentEvent.objects.filter(pathway=pathway, kind=EventKind.HOURS_WORKED).count() == 1
    assert isinstance(second, ValidationError), repr(second)


@NEEDS_POSTGRESQL
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_candidacies_created_at_once_give_one_pathway_and_a_french_message():
    first_user, second_user = counsellor(), counsellor(first_name="Samir", last_name="Benali")
    participant = ParticipantFactory()
    programme = ProgrammeFactory(establishment=participant.establishment)

    def create(by):
        return lambda: services.pathway_create(participant=participant, programme=programme, by=by)

    first, second, blocked = overlapping(create(first_user), create(second_user))

    if not blocked:
        pytest.skip("the second save never waited for the first: the race did not happen this time")
    assert isinstance(first, Pathway)
    assert Pathway.objects.filter(participant=participant, programme=programme).count() == 1
    assert isinstance(second, ValidationError), repr(second)
