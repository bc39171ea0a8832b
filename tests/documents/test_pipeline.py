"""The document pipeline's guarantees, without a broker: documents.services and the documents.generate task.

Nothing here replaces our own code. The only stand-ins are at the edges the pipeline does not own:
- the broker: ``generate_document.apply_async`` either records the message (Redis up) or raises kombu's
  OperationalError (Redis down); ``Broker.deliver`` then plays the worker, running the task on each message;
- the database failing for a moment: Django's ``connection.execute_wrapper`` answers chosen statements with
  OperationalError, as PostgreSQL does while it restarts.
Renders are counted by the files written in the (temporary) private storage, and by the row's timestamps.
The round trip through real Redis and a real worker is in test_worker_documents.py.
"""

import datetime
import hashlib
import json
import os
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery.exceptions import Retry
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import DataError, connection, transaction
from django.db import OperationalError as DatabaseOperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from accounts.enums import Role
from documents import services
from documents.enums import DocumentKind, DocumentStatus
from documents.models import GeneratedDocument
from documents.registry import spec_of
from documents.services import MAX_ATTEMPTS, PENDING_GRACE, RUNNING_TIMEOUT, MissingData
from documents.tasks import generate_document
from tests.accounts.factories import UserFactory

from .factories import (
    BROKEN_KIND,
    PREFERRED_REAL_KINDS,
    install_test_kinds,
    kind_under_test,
    make_programme,
    pdf_text,
    real_kinds,
)

pytestmark = pytest.mark.django_db

# The private storage as configured (before the tests point it at a temporary folder).
CONFIGURED_PRIVATE_ROOT = Path(django_settings.STORAGES["default"]["OPTIONS"]["location"]).resolve()
SWEEP_AFTER_GRACE = PENDING_GRACE + datetime.timedelta(seconds=1)
SWEEP_AFTER_TIMEOUT = RUNNING_TIMEOUT + datetime.timedelta(seconds=1)
# Where the database fails, the test runs without the surrounding transaction of the other tests, in autocommit
# as the worker does (a failed UPDATE inside that transaction would break every following query).
AUTOCOMMIT = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# ---------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """The generated PDFs go to a temporary private storage, where the tests count them."""
    root = tmp_path / "private"
    root.mkdir()
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}}}
    return root


@pytest.fixture(autouse=True)
def testonly_kinds(settings, monkeypatch, tmp_path):
    install_test_kinds(settings, monkeypatch, tmp_path / "templates")


@pytest.fixture
def under_test():
    """A real kind: the State convention (registered by documents/kinds/; a missing module fails here)."""
    assert DocumentKind.STATE_CONVENTION in real_kinds(), "documents/kinds/state_convention.py is not registered"
    return kind_under_test(DocumentKind.STATE_CONVENTION)


@pytest.fixture
def user(db):
    return UserFactory()


class Broker:
    """The broker boundary. ``down``: publishing raises kombu's OperationalError, as with Redis unreachable."""

    def __init__(self):
        self.down = False
        self.sent = []  # (args, options) of each message published, in order

    def publish(self, args=None, kwargs=None, **options):
        if self.down:
            raise BrokerOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.sent.append((tuple(args or ()), options))

    def sent_ids(self) -> list[str]:
        return [args[0] for args, _options in self.sent]

    def deliver(self) -> list:
        """A worker takes the messages sent so far and runs the task on each; returns the tasks' results."""
        messages, self.sent = self.sent, []
        return [generate_document.apply(args=args).result for args, _options in messages]


@pytest.fixture
def broker(monkeypatch):
    broker = Broker()
    monkeypatch.setattr(generate_document, "apply_async", broker.publish)
    return broker


@pytest.fixture
def request_document(django_capture_on_commit_callbacks, user):
    """document_request as a view calls it, its transaction committed (so the on-commit dispatch runs)."""

    def request(kind, subject, by=None):
        with django_capture_on_commit_callbacks(execute=True):
            return services.document_request(kind=kind, subject=subject, by=by or user)

    return request


@contextmanager
def database_fails(*fragments: str, times: int | None = 1):
    """The database answers the statements containing every fragment with OperationalError, ``times`` times
    (None: until the block ends), as a PostgreSQL server does while it restarts. Nothing else is touched."""
    failures = []

    def wrapper(execute, sql, params, many, context):
        if all(fragment in sql for fragment in fragments) and (times is None or len(failures) < times):
            failures.append(sql)
            raise DatabaseOperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield failures


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def read_back(document: GeneratedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def later(delta: datetime.timedelta) -> datetime.datetime:
    return timezone.now() + delta


# ---------------------------------------------------------------------------------------------- the request


def test_a_request_creates_a_pending_row_with_the_frozen_snapshot_and_the_template_version(
        under_test, request_document, broker, user):
    subject = under_test.make("Atelier Émeraude")
    spec = spec_of(under_test.kind)

    document = request_document(under_test.kind, subject)

    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING
    assert document.version == 1
    assert document.template_version == spec.template_version
    assert document.title == spec.title(subject)
    assert document.snapshot == json.loads(json.dumps(spec.build(subject, timezone.localdate())))
    assert "Atelier Émeraude" in json.dumps(document.snapshot, ensure_ascii=False)
    assert document.subject == subject
    assert document.requested_by == user
    assert (document.file.name, document.sha256, document.size, document.attempts) == ("", "", None, 0)
    assert broker.sent_ids() == [str(document.pk)]


def test_the_message_is_sent_after_the_commit_and_never_for_a_rolled_back_request(
        under_test, broker, user, django_capture_on_commit_callbacks):
    subject = under_test.make()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = services.document_request(kind=under_test.kind, subject=subject, by=user)
    assert broker.sent == []  # a worker must not look for a row that is not committed yet
    for callback in callbacks:
        callback()
    assert broker.sent_ids() == [str(document.pk)]

    broker.sent.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            services.document_request(kind=under_test.kind, subject=subject, by=user)
            raise RuntimeError("the view failed after the request")
    assert broker.sent == []
    assert GeneratedDocument.objects.count() == 1


def test_a_second_request_makes_version_2_and_the_first_version_keeps_its_file(
        under_test, request_document, broker, private_storage):
    subject = under_test.make()
    first = request_document(under_test.kind, subject)
    broker.deliver()
    first.refresh_from_db()
    first_bytes = read_back(first)

    second = request_document(under_test.kind, subject)
    assert broker.deliver() == ["ready"]

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.status == second.status == DocumentStatus.READY
    assert first.file.name != second.file.name
    assert read_back(first) == first_bytes
    assert hashlib.sha256(read_back(first)).hexdigest() == first.sha256
    assert len(stored_files(private_storage)) == 2


def test_versions_are_counted_per_subject(under_test, request_document, broker):
    one, other = under_test.make(), under_test.make()
    assert [request_document(under_test.kind, one).version for _ in range(2)] == [1, 2]
    assert request_document(under_test.kind, other).version == 1


def test_editing_the_subject_after_the_request_changes_neither_the_snapshot_nor_the_pdf(
        under_test, request_document, broker, tmp_path):
    subject = under_test.make("Atelier Émeraude")
    document = request_document(under_test.kind, subject)
    frozen = dict(GeneratedDocument.objects.get(pk=document.pk).snapshot)

    siae = under_test.siae_of(subject)
    siae.name = "Atelier Rubis"
    siae.save()
    broker.deliver()  # the worker renders after the edit: it must print what was certified at the request

    document.refresh_from_db()
    assert document.snapshot == frozen
    text = pdf_text(read_back(document), tmp_path)
    assert "Atelier Émeraude" in text
    assert "Atelier Rubis" not in text

    subject.refresh_from_db()
    newer = request_document(under_test.kind, subject)
    assert "Atelier Rubis" in json.dumps(newer.snapshot, ensure_ascii=False)
    document.refresh_from_db()
    assert document.snapshot == frozen


def test_missing_data_refuses_the_request_with_the_list_and_creates_no_row(under_test, broker, user):
    subject = under_test.incomplete()

    with pytest.raises(MissingData) as refused:
        services.document_request(kind=under_test.kind, subject=subject, by=user)

    missing = refused.value.missing
    assert missing, "MissingData without the list of what is missing"
    assert any(under_test.missing_words in item.label for item in missing), [item.label for item in missing]
    for item in missing:
        assert item.label and item.url.startswith("/"), item
        assert item.label in refused.value.messages[0]
    assert refused.value.messages[0].startswith("Des informations manquent pour établir ce document")
    assert GeneratedDocument.objects.count() == 0
    assert broker.sent == []


# ---------------------------------------------------------------------------------------------- generation


def test_generation_makes_the_row_ready_with_its_pdf_in_private_storage(
        under_test, request_document, broker, private_storage):
    document = request_document(under_test.kind, under_test.make())

    assert services.document_generate(document.pk) == "ready"

    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    pdf = read_back(document)
    assert pdf.startswith(b"%PDF-")
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert document.size == len(pdf)
    assert document.attempts == 1
    assert document.error == ""
    assert document.started_at <= document.ready_at
    assert stored_files(private_storage) == [Path(document.file.path)]
    assert Path(document.file.path).is_relative_to(private_storage)


def test_the_private_storage_is_not_served_under_a_public_url(under_test, request_document, broker, client):
    client.force_login(UserFactory(role=Role.NATIONAL))  # sees every document; still no URL serves the file
    document = request_document(under_test.kind, under_test.make())
    broker.deliver()
    document.refresh_from_db()

    public_roots = [Path(django_settings.STATIC_ROOT), *map(Path, django_settings.STATICFILES_DIRS)]
    if django_settings.MEDIA_ROOT:
        public_roots.append(Path(django_settings.MEDIA_ROOT))
    for root in public_roots:
        assert not CONFIGURED_PRIVATE_ROOT.is_relative_to(root.resolve()), root
        assert not root.resolve().is_relative_to(CONFIGURED_PRIVATE_ROOT), root
    for prefix in ("/", f"/{django_settings.STATIC_URL.strip('/')}/", "/media/", django_settings.MEDIA_URL or "/"):
        response = client.get(f"{prefix.rstrip('/')}/{document.file.name}")
        assert response.status_code == 404, (prefix, response.status_code)


def test_a_message_delivered_twice_renders_once(under_test, request_document, broker, private_storage):
    document = request_document(under_test.kind, under_test.make())
    broker.sent.append(broker.sent[0])  # the broker delivers the same message again (acks_late, a lost ack)

    assert broker.deliver() == ["ready", "skipped"]
    first = GeneratedDocument.objects.get(pk=document.pk)
    assert services.document_generate(document.pk) == "skipped"  # and once more, directly

    again = GeneratedDocument.objects.get(pk=document.pk)
    assert len(stored_files(private_storage)) == 1
    assert (again.file.name, again.sha256, again.started_at, again.ready_at, again.attempts) == (
        first.file.name, first.sha256, first.started_at, first.ready_at, 1)
    assert hashlib.sha256(read_back(again)).hexdigest() == first.sha256


# ---------------------------------------------------------------------------------------------- broker down, sweep


def test_a_request_made_while_the_broker_is_down_succeeds_and_the_sweep_sends_it_once_it_is_back(
        under_test, request_document, broker, private_storage):
    broker.down = True
    document = request_document(under_test.kind, under_test.make())  # no exception for the user

    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING
    assert broker.sent == []
    assert services.sweep()["resent"] == 0  # within the grace period: the message may still be on its way
    assert services.sweep(now=later(SWEEP_AFTER_GRACE))["resent"] == 0  # the broker is still down
    assert GeneratedDocument.objects.get(pk=document.pk).status == DocumentStatus.PENDING  # nothing lost

    broker.down = False
    report = services.sweep(now=later(SWEEP_AFTER_GRACE))

    assert report == {"reset": 0, "failed": 0, "resent": 1, "waiting": 1}
    assert broker.sent_ids() == [str(document.pk)]
    assert broker.deliver() == ["ready"]
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert document.attempts == 1
    assert len(stored_files(private_storage)) == 1


def test_the_sweep_leaves_alone_recent_pending_rows_and_finished_rows(under_test, request_document, broker):
    waiting = request_document(under_test.kind, under_test.make())
    done = request_document(under_test.kind, under_test.make())
    broker.sent = [message for message in broker.sent if message[0][0] == str(done.pk)]
    broker.deliver()

    assert services.sweep() == {"reset": 0, "failed": 0, "resent": 0, "waiting": 0}
    assert services.sweep(now=later(SWEEP_AFTER_GRACE))["resent"] == 1
    assert broker.sent_ids() == [str(waiting.pk)]


def claimed_by_a_worker_that_dies(document: GeneratedDocument) -> None:
    """What a killed worker leaves behind: the row claimed (RUNNING, one more attempt), no file, no ack."""
    assert GeneratedDocument.objects.get(pk=document.pk).status == DocumentStatus.PENDING
    GeneratedDocument.objects.filter(pk=document.pk, status=DocumentStatus.PENDING).update(
        status=DocumentStatus.RUNNING, started_at=timezone.now(), attempts=document.attempts + 1)
    document.refresh_from_db()


def test_the_sweep_gives_back_the_rows_of_a_killed_worker_and_they_render_once(
        under_test, request_document, broker, private_storage):
    document = request_document(under_test.kind, under_test.make())
    original_message = broker.sent[0]
    broker.sent.clear()
    claimed_by_a_worker_that_dies(document)

    assert services.sweep(now=later(RUNNING_TIMEOUT / 2))["reset"] == 0  # maybe still rendering: left alone
    assert GeneratedDocument.objects.get(pk=document.pk).status == DocumentStatus.RUNNING

    report = services.sweep(now=later(SWEEP_AFTER_TIMEOUT))
    assert (report["reset"], report["resent"]) == (1, 1)
    assert GeneratedDocument.objects.get(pk=document.pk).status == DocumentStatus.PENDING

    broker.sent.append(original_message)  # redelivered too, as the killed worker never acknowledged it
    assert broker.deliver() == ["ready", "skipped"]
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert document.attempts == 2
    assert len(stored_files(private_storage)) == 1


def test_a_worker_killed_between_writing_the_pdf_and_marking_the_row_leaves_one_file_once_rendered_again(
        under_test, request_document, broker, private_storage):
    """kill -9 lands after the PDF is stored and before the row says READY: the row stays RUNNING and the file is
    listed by no row. The next attempt (after the sweep) removes it: one document, one file."""
    document = request_document(under_test.kind, under_test.make())
    broker.sent.clear()

    def killed_before_the_ready_update(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and '"sha256"' in sql:
            raise KeyboardInterrupt  # not an Exception: nothing of the worker's own clean-up runs, as with kill -9
        return execute(sql, params, many, context)

    with connection.execute_wrapper(killed_before_the_ready_update), pytest.raises(KeyboardInterrupt):
        services.document_generate(document.pk)
    document.refresh_from_db()
    assert (document.status, document.file.name, len(stored_files(private_storage))) == (
        DocumentStatus.RUNNING, "", 1)

    assert services.sweep(now=later(SWEEP_AFTER_TIMEOUT))["resent"] == 1
    assert broker.deliver() == ["ready"]
    document.refresh_from_db()
    assert (document.status, document.attempts) == (DocumentStatus.READY, 2)
    assert stored_files(private_storage) == [Path(document.file.path)]
    assert hashlib.sha256(read_back(document)).hexdigest() == document.sha256


def test_an_attempt_the_sweep_gave_up_on_cannot_finish_the_row(under_test, request_document, broker, private_storage):
    """A slow worker outlived RUNNING_TIMEOUT: the sweep gave the row back and a new attempt claimed it (RUNNING
    again). When the slow one ends, the row is not its own any more: it drops its file and leaves the row alone."""
    document = request_document(under_test.kind, under_test.make())
    broker.sent.clear()
    slow = []

    def overtaken_while_rendering(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and '"sha256"' in sql and not slow:
            slow.append(sql)
            assert services.sweep(now=later(SWEEP_AFTER_TIMEOUT))["resent"] == 1
            broker.sent.clear()
            claimed_by_a_worker_that_dies(GeneratedDocument.objects.get(pk=document.pk))  # attempt 2, still rendering
        return execute(sql, params, many, context)

    with connection.execute_wrapper(overtaken_while_rendering):
        assert services.document_generate(document.pk) == "skipped"

    document.refresh_from_db()
    assert (document.status, document.attempts, document.file.name) == (DocumentStatus.RUNNING, 2, "")
    assert stored_files(private_storage) == []
    # Attempt 2 dies too; the sweep gives the row to a third, which finishes it.
    services.sweep(now=later(SWEEP_AFTER_TIMEOUT))
    assert broker.deliver() == ["ready"]
    document.refresh_from_db()
    assert (document.status, document.attempts) == (DocumentStatus.READY, 3)
    assert stored_files(private_storage) == [Path(document.file.path)]
    assert hashlib.sha256(read_back(document)).hexdigest() == document.sha256


def test_a_row_whose_workers_keep_dying_fails_after_max_attempts_with_a_french_message(
        under_test, request_document, broker):
    document = request_document(under_test.kind, under_test.make())

    for attempt in range(1, MAX_ATTEMPTS + 1):
        claimed_by_a_worker_that_dies(document)
        report = services.sweep(now=later(SWEEP_AFTER_TIMEOUT))
        document.refresh_from_db()
        if attempt < MAX_ATTEMPTS:
            assert (report["reset"], report["failed"], document.status) == (1, 0, DocumentStatus.PENDING), attempt
    assert (report["reset"], report["failed"], report["resent"]) == (0, 1, 0)
    assert document.status == DocumentStatus.FAILED
    assert document.attempts == MAX_ATTEMPTS
    assert document.error == "La génération a échoué plusieurs fois : relancez-la."
    assert services.sweep(now=later(SWEEP_AFTER_TIMEOUT))["resent"] == 0  # a failed row waits for a person


def test_a_failed_document_can_be_retried_and_becomes_ready(
        under_test, request_document, broker, user, django_capture_on_commit_callbacks, private_storage):
    document = request_document(under_test.kind, under_test.make())
    broker.sent.clear()
    for _ in range(MAX_ATTEMPTS):
        claimed_by_a_worker_that_dies(document)
        services.sweep(now=later(SWEEP_AFTER_TIMEOUT))
        document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    broker.sent.clear()

    with django_capture_on_commit_callbacks(execute=True):
        retried = services.document_retry(document=document, by=user)

    assert (retried.status, retried.error, retried.attempts, retried.version) == (
        DocumentStatus.PENDING, "", 0, 1)
    assert broker.sent_ids() == [str(document.pk)]
    assert broker.deliver() == ["ready"]
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert len(stored_files(private_storage)) == 1


def test_only_a_failed_document_can_be_retried(under_test, request_document, broker, user):
    document = request_document(under_test.kind, under_test.make())
    broker.deliver()
    document.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        services.document_retry(document=document, by=user)

    assert refused.value.messages == ["Seul un document en échec peut être relancé."]
    assert GeneratedDocument.objects.get(pk=document.pk).status == DocumentStatus.READY


# ---------------------------------------------------------------------------------------------- the task


@AUTOCOMMIT
def test_a_transient_database_error_puts_the_row_back_to_pending_and_the_task_retries_with_backoff(
        under_test, request_document, broker):
    document = request_document(under_test.kind, under_test.make())
    broker.sent.clear()

    for retries, countdown in ((0, 1), (3, 8), (MAX_ATTEMPTS - 1, 16)):
        # The worker runs the message (its retries-th delivery); the database drops the write marking it ready.
        generate_document.push_request(id=f"message-{retries}", args=[str(document.pk)], kwargs={},
                                       retries=retries, is_eager=False, called_directly=False, delivery_info={})
        try:
            with database_fails("UPDATE", '"sha256" =') as failures, pytest.raises(Retry):
                generate_document.run(str(document.pk))
        finally:
            generate_document.pop_request()
        assert len(failures) == 1, failures
        document.refresh_from_db()
        assert (document.status, document.error) == (DocumentStatus.PENDING, "OperationalError"), failures
        ((args, options),) = broker.sent  # the retry, published with a growing delay
        assert args == (str(document.pk),)
        assert options["countdown"] == countdown
        broker.sent.clear()
    assert document.attempts == 3

    assert generate_document.apply(args=[str(document.pk)]).result == "ready"
    document.refresh_from_db()
    assert (document.status, document.error) == (DocumentStatus.READY, "")


@AUTOCOMMIT
def test_the_task_renders_once_the_database_answers_again(under_test, request_document, broker, private_storage):
    document = request_document(under_test.kind, under_test.make())
    broker.sent.clear()

    with database_fails("UPDATE", '"sha256" =', times=2):
        result = generate_document.apply(args=[str(document.pk)])  # eager: the retries run at once

    assert result.result == "ready"
    document.refresh_from_db()
    assert (document.status, document.attempts) == (DocumentStatus.READY, 3)
    assert len(stored_files(private_storage)) == 1


@AUTOCOMMIT
def test_the_task_retries_when_the_database_is_unreachable_for_every_statement(
        under_test, request_document, broker):
    """Putting the row back fails too while the database is away: the task must still retry (with backoff)
    rather than let that second error escape and leave the document to the sweep, minutes later."""
    document = request_document(under_test.kind, under_test.make())
    broker.sent.clear()

    # The claim fails, and so does the next statement (the task putting the row back): a restart, seen twice.
    with database_fails("documents_generateddocument", times=2):
        result = generate_document.apply(args=[str(document.pk)])

    assert result.result == "ready", result.result
    assert GeneratedDocument.objects.get(pk=document.pk).status == DocumentStatus.READY


@AUTOCOMMIT
def test_a_database_down_longer_than_the_retries_loses_nothing(under_test, request_document, broker):
    document = request_document(under_test.kind, under_test.make())
    broker.sent.clear()

    with database_fails("SELECT", "documents_generateddocument", times=None) as failures:
        result = generate_document.apply(args=[str(document.pk)])

    assert isinstance(result.result, DatabaseOperationalError)
    assert len(failures) == generate_document.max_retries + 1
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING  # waiting, not failed: the sweep sends it again

    services.sweep(now=later(SWEEP_AFTER_GRACE))
    assert broker.deliver() == ["ready"]
    assert GeneratedDocument.objects.get(pk=document.pk).status == DocumentStatus.READY


@AUTOCOMMIT
@pytest.mark.parametrize("error", [DatabaseOperationalError, DataError], ids=["transient", "permanent"])
def test_a_database_error_after_the_pdf_is_written_leaves_no_stray_file(
        error, under_test, request_document, broker, private_storage):
    """The PDF is stored before the row is marked READY: if that UPDATE fails, the file must not stay behind,
    referenced by no row (a certified PDF with personal data that nothing lists or deletes)."""
    document = request_document(under_test.kind, under_test.make())
    broker.sent.clear()

    def fail_the_ready_update(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and '"sha256"' in sql and not failed:
            failed.append(sql)
            raise error("could not write the row")
        return execute(sql, params, many, context)

    failed = []
    with connection.execute_wrapper(fail_the_ready_update):
        generate_document.apply(args=[str(document.pk)])

    assert failed
    document.refresh_from_db()
    if error is DatabaseOperationalError:  # retried: rendered again, and only that file is kept
        assert (document.status, document.attempts) == (DocumentStatus.READY, 2)
        assert stored_files(private_storage) == [Path(document.file.path)]
    else:
        assert (document.status, document.error) == (DocumentStatus.FAILED,
                                                      "Erreur de base de données (DataError).")
        assert (document.file.name, stored_files(private_storage)) == ("", [])


def test_a_rendering_error_marks_the_row_failed_with_a_french_message_and_no_file(
        request_document, broker, private_storage):
    document = request_document(BROKEN_KIND, make_programme())  # its template is not deployed

    (result,) = broker.deliver()

    assert isinstance(result, Exception)
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert document.error == "Le rendu du document a échoué (TemplateDoesNotExist)."
    assert (document.file.name, document.sha256, document.size) == ("", "", None)
    assert stored_files(private_storage) == []
    assert services.sweep(now=later(SWEEP_AFTER_TIMEOUT))["resent"] == 0


# ---------------------------------------------------------------------------------------------- escaping


def test_a_name_containing_html_is_printed_literally(request_document, broker, tmp_path):
    kinds = real_kinds()
    assert kinds == list(PREFERRED_REAL_KINDS), "a real kind is missing from documents/kinds/"
    name = "<script>alert(1)</script> & Fils <b>gras</b>"
    for kind in kinds:
        under_test = kind_under_test(kind)
        document = request_document(kind, under_test.make(name))
        broker.deliver()
        document.refresh_from_db()
        assert document.status == DocumentStatus.READY, (kind, document.error)

        text = pdf_text(read_back(document), tmp_path)

        assert name in text, (kind, text[:2000])
        assert "&amp;" not in text and "&lt;" not in text, kind


# ---------------------------------------------------------------------------------------------- a stalled Redis

DISPATCH_PROBE = """
import time, django
django.setup()
from documents.services import dispatch
started = time.monotonic()
sent = dispatch("00000000-0000-0000-0000-000000000001")
print(sent, round(time.monotonic() - started, 2))
"""
DISPATCH_LIMIT = 10  # seconds: the broker's socket timeouts are 2 s (settings.CELERY_BROKER_TRANSPORT_OPTIONS)


def dispatch_against(port: int, tmp_path) -> tuple[str, float] | None:
    """Run documents.services.dispatch in a fresh process whose REDIS_URL points at ``port``; (sent, seconds),
    or None when it was still blocked after twice the limit."""
    env = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:{port}/0", "IAE_VAR_DIR": str(tmp_path / "var"),
           "DJANGO_SETTINGS_MODULE": "iae_detention.settings", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    try:
        finished = subprocess.run([sys.executable, "-c", DISPATCH_PROBE], env=env, cwd=django_settings.BASE_DIR,  # noqa: S603
                                  capture_output=True, text=True, timeout=2 * DISPATCH_LIMIT, check=True)
    except subprocess.TimeoutExpired:
        return None
    sent, seconds = finished.stdout.split()[-2:]
    return sent, float(seconds)


class RefusingRedis:
    """A port where nothing listens: connections are refused at once (Redis stopped)."""

    def __enter__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        return self

    def __exit__(self, *exc):
        return False


class StalledRedis:
    """A socket that accepts connections (the kernel's backlog) and never answers (Redis stalled)."""

    def __enter__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        return self

    def __exit__(self, *exc):
        self.socket.close()
        return False


@pytest.mark.parametrize("redis", [RefusingRedis, StalledRedis], ids=["stopped", "stalled"])
def test_a_request_does_not_hang_when_redis_is_down(redis, tmp_path):
    """The row is the truth, the message a nudge: with Redis stopped or stalled, dispatch gives up within
    seconds (nothing waits on the result backend, which has no socket timeout) and the sweep sends it later."""
    with redis() as server:
        outcome = dispatch_against(server.port, tmp_path)

    assert outcome is not None, f"dispatch still blocked after {2 * DISPATCH_LIMIT} s"
    sent, seconds = outcome
    assert sent == "False"  # not sent: the row stays PENDING for the sweep
    assert seconds < DISPATCH_LIMIT, outcome
