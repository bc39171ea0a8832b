"""The upload page, the checked preview, the confirmation and the progress partial of the pathway import.

The Celery tasks run here synchronously (the task function called in the test process); the round trip through
Redis and a real worker is in test_import_worker.py.
"""

import datetime
import html
import logging

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.enums import Role
from participants import tasks
from participants.enums import ImportStatus, PathwayStatus
from participants.models import ImportJob, Pathway
from tests.accounts.factories import UserFactory
from tests.participants.test_import import csv_file, person, row

UPLOAD_URL = reverse("participants:import_upload")


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Uploaded files go to a temporary private storage during these tests."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    return tmp_path


@pytest.fixture
def dispatched(monkeypatch):
    """The tasks sent on commit, as (task name, args), instead of going to the broker."""
    sent = []
    monkeypatch.setattr(tasks.check_import, "delay", lambda *args: sent.append(("check", args)))
    monkeypatch.setattr(tasks.import_pathways, "delay", lambda *args: sent.append(("import", args)))
    return sent


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def upload(client, data: bytes, name="parcours.csv", capture=None):
    with capture(execute=True):
        return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, data)})


def checked_job(client, data, capture, dispatched, name="parcours.csv") -> ImportJob:
    """Upload through the page, then run the check task the page dispatched."""
    response = upload(client, data, name, capture)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert dispatched == [("check", (str(job.pk), job.created_by_id))]
    tasks.check_import(*dispatched[0][1])
    job.refresh_from_db()
    return job


# --- The upload page -------------------------------------------------------------------------------------------


def test_the_upload_page_shows_the_form_the_format_and_an_empty_history(client_as, scope_a):
    response = client_as("CPIP_A").get(UPLOAD_URL)

    text = text_of(response)
    assert response.status_code == 200
    assert "Importer des parcours" in text
    assert 'type="file"' in text and 'accept=".csv,.xlsx"' in text
    assert "Format attendu : 22 colonnes" in text
    assert "decision_session" in text and "retenu, non_retenu ou desiste." in text
    assert "Aucun import pour l'instant." in text


@pytest.mark.parametrize("persona", ["SIAE_STAFF_A", "ESTABLISHMENT_STAFF_A", "DISP_STAFF_A", "NATIONAL"])
def test_roles_that_may_not_import_get_403(client_as, persona):
    client = client_as(persona)

    assert client.get(UPLOAD_URL).status_code == 403
    assert client.post(UPLOAD_URL, {"file": SimpleUploadedFile("p.csv", b"x")}).status_code == 403
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize("persona", ["CPIP_A", "SPIP_MANAGER_A", "SIAE_DIRECTOR_A", "ADMIN"])
def test_the_roles_that_import_open_the_upload_page(client_as, persona):
    assert client_as(persona).get(UPLOAD_URL).status_code == 200


def test_an_upload_saves_the_file_privately_creates_a_job_and_dispatches_the_check(
        client_as, scope_a, personas, dispatched, django_capture_on_commit_callbacks, private_storage):
    response = upload(client_as("CPIP_A"), csv_file([row()]), "suivi Martin.csv", django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert response.url == reverse("participants:import_detail", args=[job.pk])
    assert (job.status, job.file_name, job.created_by) == (ImportStatus.CHECKING, "suivi Martin.csv",
                                                           personas["CPIP_A"])
    assert job.file_path.startswith("imports/") and "Martin" not in job.file_path  # a random name
    assert (private_storage / job.file_path).read_bytes() == csv_file([row()])
    assert dispatched == [("check", (str(job.pk), personas["CPIP_A"].pk))]


def test_a_file_over_5_mb_is_refused_with_a_french_message(client_as, scope_a, dispatched,
                                                           django_capture_on_commit_callbacks):
    big = csv_file([row()]) + b"x" * (5 * 1024 * 1024)

    response = upload(client_as("CPIP_A"), big, "parcours.csv", django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "Le fichier pèse 5,0 Mo : 5 Mo au plus." in text_of(response)
    assert ImportJob.objects.count() == 0 and dispatched == []


@pytest.mark.parametrize("name", ["parcours.pdf", "parcours.xls", "parcours"])
def test_a_file_other_than_csv_or_xlsx_is_refused(client_as, scope_a, name, django_capture_on_commit_callbacks):
    response = upload(client_as("CPIP_A"), csv_file([row()]), name, django_capture_on_commit_callbacks)

    expected = (f"« {name} » n'est ni un CSV ni un XLSX : enregistrez le tableau au format .csv ou .xlsx, puis "
                "déposez-le.")
    assert expected in text_of(response)
    assert ImportJob.objects.count() == 0


def test_sending_the_form_without_a_file_asks_for_one(client_as, scope_a):
    response = client_as("CPIP_A").post(UPLOAD_URL, {})

    assert "Choisissez le fichier à importer." in text_of(response)


# --- The check, the preview, the errors --------------------------------------------------------------------------


def test_a_valid_file_is_checked_and_previewed_with_a_confirm_button(client_as, scope_a, dispatched,
                                                                    django_capture_on_commit_callbacks):
    client = client_as("CPIP_A")
    data = csv_file([row(nom="Lefèvre", prenom="Hélène", sexe="F", date_entree="03/02/2025")]
                    + [person(n) for n in range(1, 25)])

    job = checked_job(client, data, django_capture_on_commit_callbacks, dispatched)
    response = client.get(job.get_absolute_url())

    text = text_of(response)
    assert job.status == ImportStatus.CHECKED
    assert (job.total_rows, job.processed_rows) == (25, 25)
    assert job.report["counts"]["pathways"] == {"created": 25, "updated": 0, "unchanged": 0}
    assert "Le fichier est prêt à être importé" in text
    assert "25 lignes vérifiées, aucune erreur." in text
    assert "Aperçu des 20 premières lignes, telles qu'elles seront lues" in text
    assert "Lefèvre" in text and "Hélène" in text and "En atelier" in text
    assert "Nom19" in text and "Nom20" not in text  # 20 rows: the first person, then Nom1 to Nom19
    assert "Confirmer l'import" in text
    assert 'hx-trigger' not in text  # finished: no more polling
    assert Pathway.objects.count() == 0  # nothing written yet


def test_a_file_with_errors_lists_every_error_and_offers_no_confirmation(client_as, scope_a, dispatched,
                                                                        django_capture_on_commit_callbacks,
                                                                        private_storage):
    client = client_as("CPIP_A")
    data = csv_file([row(), person(1, date_entree="31/02/2025"), person(2, programme="BRAVO-1")])

    job = checked_job(client, data, django_capture_on_commit_callbacks, dispatched)
    response = client.get(job.get_absolute_url())

    text = text_of(response)
    assert job.status == ImportStatus.INVALID
    assert "2 erreurs à corriger : rien n'a été importé" in text
    assert "<td>3</td><td><code>date_entree</code></td><td>La date « 31/02/2025 » n'existe pas.</td>" in text
    assert "<td>4</td><td><code>programme</code></td><td>Programme « BRAVO-1 » inconnu.</td>" in text
    assert "Confirmer l'import" not in text
    assert "Déposer le fichier corrigé" in text
    assert not (private_storage / job.file_path).exists()  # a refused file is not kept


def test_a_missing_column_is_named_on_the_page(client_as, scope_a, dispatched, django_capture_on_commit_callbacks):
    client = client_as("CPIP_A")
    data = csv_file([row()], columns=["programme", "numero_ecrou", "nom", "prenom", "date_naissance", "sexe",
                                      "decision_session"])

    job = checked_job(client, data, django_capture_on_commit_callbacks, dispatched)

    assert "La colonne obligatoire « date_session » est absente de l'en-tête." in text_of(client.get(
        job.get_absolute_url()))


# --- Confirmation --------------------------------------------------------------------------------------------------


def test_confirming_imports_the_file_and_shows_what_was_done(client_as, scope_a, personas, dispatched,
                                                             django_capture_on_commit_callbacks, private_storage):
    client = client_as("CPIP_A")
    job = checked_job(client, csv_file([row(date_entree="03/02/2025"), person(1)]),
                      django_capture_on_commit_callbacks, dispatched)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("participants:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == ImportStatus.IMPORTING
    assert dispatched[-1] == ("import", (str(job.pk), personas["CPIP_A"].pk))

    tasks.import_pathways(*dispatched[-1][1])
    job.refresh_from_db()
    text = text_of(client.get(job.get_absolute_url()))

    assert job.status == ImportStatus.DONE
    assert Pathway.objects.count() == 2
    assert Pathway.objects.get(participant__last_name="Martin").status == PathwayStatus.IN_WORKSHOP
    assert "Import terminé" in text and "Ce que l'import a fait" in text
    assert "Martin" not in text  # once imported, the job keeps the counts, not the rows
    assert not (private_storage / job.file_path).exists()


def test_a_second_confirmation_does_not_start_the_import_twice(client_as, scope_a, dispatched,
                                                               django_capture_on_commit_callbacks):
    client = client_as("CPIP_A")
    job = checked_job(client, csv_file([row()]), django_capture_on_commit_callbacks, dispatched)
    url = reverse("participants:import_confirm", args=[job.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        response = client.post(url, follow=True)

    assert [name for name, _args in dispatched] == ["check", "import"]
    assert "Cet import n'attend pas de confirmation" in text_of(response)


def test_the_import_checks_again_and_refuses_data_that_changed_since_the_check(
        client_as, scope_a, dispatched, django_capture_on_commit_callbacks):
    from tests.participants.factories import ParticipantFactory

    client = client_as("CPIP_A")
    job = checked_job(client, csv_file([row()]), django_capture_on_commit_callbacks, dispatched)
    # Meanwhile someone records another person with the same écrou in the establishment.
    ParticipantFactory(establishment=scope_a.establishment, ecrou="1001", birth_date=datetime.date(1979, 5, 1))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("participants:import_confirm", args=[job.pk]))

    tasks.import_pathways(*dispatched[-1][1])
    job.refresh_from_db()

    assert job.status == ImportStatus.INVALID
    assert "porte déjà le numéro d'écrou « 1001 »" in job.report["errors"][0]["message"]
    assert Pathway.objects.count() == 0


# --- Progress while it runs -------------------------------------------------------------------------------------


def test_the_progress_partial_polls_every_second_while_the_file_is_checked(client_as, personas):
    job = ImportJob.objects.create(created_by=personas["CPIP_A"], file_name="gros.csv", file_path="imports/x.csv",
                                   total_rows=10_000, processed_rows=4_500)

    response = client_as("CPIP_A").get(job.get_absolute_url(), HTTP_HX_REQUEST="true")

    text = text_of(response)
    assert "<html" not in text  # the partial only
    assert 'hx-trigger="load delay:1s"' in text
    assert '<progress class="app-progress" max="10000" value="4500"' in text
    assert "4\xa0500 lignes sur 10\xa0000 (45 %)" in text
    assert "Vérification du fichier, ligne par ligne" in text


def test_the_progress_partial_stops_polling_once_the_check_is_done(client_as, personas):
    job = ImportJob.objects.create(created_by=personas["CPIP_A"], file_name="f.csv", file_path="imports/x.csv",
                                   status=ImportStatus.INVALID, total_rows=3, processed_rows=3,
                                   report={"rows": 3, "errors": [{"line": 2, "column": "sexe", "message": "« X » …"}],
                                           "error_count": 1, "counts": {}, "preview": [], "warnings": []})

    text = text_of(client_as("CPIP_A").get(job.get_absolute_url(), HTTP_HX_REQUEST="true"))

    assert "hx-trigger" not in text and "<progress" not in text
    assert "1 erreur à corriger : rien n'a été importé" in text


def test_the_full_page_of_a_running_job_includes_the_polling_partial(client_as, personas):
    job = ImportJob.objects.create(created_by=personas["CPIP_A"], file_name="f.csv", file_path="imports/x.csv",
                                   status=ImportStatus.IMPORTING, total_rows=200, processed_rows=200)

    text = text_of(client_as("CPIP_A").get(job.get_absolute_url()))

    assert "Import de parcours" in text and "Fichier « f.csv »" in text
    assert f'hx-get="{job.get_absolute_url()}"' in text
    assert "Lignes vérifiées : enregistrement en cours" in text


# --- Who sees a job -----------------------------------------------------------------------------------------------


def test_only_the_uploader_and_administrators_see_a_job(client_as, scope_a, personas):
    job = ImportJob.objects.create(created_by=personas["CPIP_A"], file_name="f.csv", file_path="imports/x.csv")
    colleague = UserFactory(username="cpip_a_bis", role=Role.CPIP, organisation=scope_a.organisations["spip"])
    from django.test import Client

    other = Client()
    other.force_login(colleague)

    assert client_as("CPIP_A").get(job.get_absolute_url()).status_code == 200
    assert client_as("ADMIN").get(job.get_absolute_url()).status_code == 200
    assert other.get(job.get_absolute_url()).status_code == 404
    assert other.post(reverse("participants:import_confirm", args=[job.pk])).status_code == 404
    assert client_as("SPIP_MANAGER_A").get(job.get_absolute_url()).status_code == 404


def test_the_history_on_the_upload_page_lists_only_the_user_s_jobs(client_as, personas):
    ImportJob.objects.create(created_by=personas["CPIP_A"], file_name="mien.csv", file_path="imports/a.csv",
                             status=ImportStatus.DONE, total_rows=12)
    ImportJob.objects.create(created_by=personas["SPIP_MANAGER_A"], file_name="autre.csv", file_path="imports/b.csv")

    text = text_of(client_as("CPIP_A").get(UPLOAD_URL))

    assert "mien.csv" in text and "Importé" in text
    assert "autre.csv" not in text


# --- The tasks re-check who asks -------------------------------------------------------------------------------------


def test_the_task_refuses_a_user_whose_role_no_longer_imports(client_as, scope_a, personas, dispatched,
                                                              django_capture_on_commit_callbacks):
    upload(client_as("CPIP_A"), csv_file([row()]), "p.csv", django_capture_on_commit_callbacks)
    user = personas["CPIP_A"]
    user.role = Role.SIAE_STAFF
    user.save()

    tasks.check_import(*dispatched[0][1])

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.INVALID
    assert job.report["errors"][0]["message"] == ("Votre compte ne permet plus d'importer des parcours : rien n'a été "
                                                  "importé.")


def test_a_second_delivery_of_the_check_does_nothing(client_as, scope_a, dispatched,
                                                     django_capture_on_commit_callbacks):
    job = checked_job(client_as("CPIP_A"), csv_file([row()]), django_capture_on_commit_callbacks, dispatched)

    assert tasks.check_import(*dispatched[0][1]) == "skipped"
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


def test_a_technical_failure_ends_the_job_with_a_french_message_and_no_personal_data_in_the_log(
        client_as, scope_a, dispatched, django_capture_on_commit_callbacks, private_storage, caplog):
    upload(client_as("CPIP_A"), csv_file([row(nom="Zorglub")]), "p.csv", django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    storages["default"].delete(job.file_path)  # the file vanished

    with caplog.at_level(logging.INFO):
        status = tasks.check_import(*dispatched[0][1])

    job.refresh_from_db()
    assert status == job.status == ImportStatus.FAILED
    assert "L'import a échoué pour une raison technique : rien n'a été importé." in \
        job.report["errors"][0]["message"]
    assert str(job.pk) in caplog.text
    assert "Zorglub" not in caplog.text and "1001" not in caplog.text
