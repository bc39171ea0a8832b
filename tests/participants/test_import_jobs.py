"""The import's jobs without HTTP (participants.importing.jobs): creation, confirmation and run; the pages that
use them are in test_import_pages.py."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.enums import Role
from participants import tasks
from participants.enums import ImportStatus
from participants.importing import jobs
from participants.models import ImportJob
from tests.accounts.factories import UserFactory
from tests.participants.test_import import csv_file, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatched(monkeypatch):
    """The tasks the jobs send on commit, by name, instead of going to the broker."""
    sent = []
    for name in ("check_import", "import_pathways"):
        monkeypatch.setattr(getattr(tasks, name), "delay", lambda *args, name=name: sent.append((name, args)))
    return sent


def test_a_new_job_keeps_the_file_under_a_random_name_and_sends_its_check_after_commit(
        scope_a, personas, dispatched, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.STORAGES = {**settings.STORAGES, "default": {  # a private storage of the test's own
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    cpip = personas["CPIP_A"]

    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.import_job_create(upload=SimpleUploadedFile("suivi Martin.csv", csv_file([row()])), by=cpip)

    assert (job.status, job.file_name, job.created_by) == (ImportStatus.CHECKING, "suivi Martin.csv", cpip)
    assert "Martin" not in job.file_path and (tmp_path / job.file_path).exists()
    assert dispatched == [("check_import", (str(job.pk), cpip.pk))]


def test_confirming_a_job_that_is_not_checked_is_refused_in_french_and_sends_nothing(
        scope_a, personas, dispatched, django_capture_on_commit_callbacks):
    job = ImportJob.objects.create(created_by=personas["CPIP_A"], file_name="p.csv", file_path="imports/p.csv")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as refused:
        jobs.import_job_confirm(job=job, by=personas["CPIP_A"])

    assert refused.value.messages == [jobs.NOT_WAITING]
    assert dispatched == []
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKING


def test_confirming_a_checked_job_starts_the_import_once(scope_a, personas, dispatched,
                                                        django_capture_on_commit_callbacks):
    cpip = personas["CPIP_A"]
    job = ImportJob.objects.create(created_by=cpip, file_name="p.csv", file_path="imports/p.csv",
                                   status=ImportStatus.CHECKED)

    with django_capture_on_commit_callbacks(execute=True):
        jobs.import_job_confirm(job=job, by=cpip)
    with pytest.raises(ValidationError):
        jobs.import_job_confirm(job=job, by=cpip)  # a double click

    assert dispatched == [("import_pathways", (str(job.pk), cpip.pk))]
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTING


def test_a_run_for_a_job_in_another_status_is_skipped(scope_a, personas):
    job = ImportJob.objects.create(created_by=personas["CPIP_A"], file_name="p.csv", file_path="imports/p.csv",
                                   status=ImportStatus.CHECKED)

    assert jobs.import_job_run(job_id=str(job.pk), user_id=personas["CPIP_A"].pk, wet_run=True) == "skipped"
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


def test_a_run_for_a_user_whose_role_no_longer_imports_writes_nothing_and_says_why(scope_a):
    user = UserFactory(role=Role.NATIONAL)
    job = ImportJob.objects.create(created_by=user, file_name="p.csv", file_path="imports/p.csv")

    status = jobs.import_job_run(job_id=str(job.pk), user_id=user.pk, wet_run=False)

    job.refresh_from_db()
    assert status == job.status == ImportStatus.INVALID
    assert job.report["errors"][0]["message"] == ("Votre compte ne permet plus d'importer des parcours : rien n'a "
                                                  "été importé.")
