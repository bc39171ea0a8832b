"""S-15: upload limits and file names, on the only upload of the site (the pathway import, 5 MB at most).

Exactly 5 MB is accepted, one byte more refused in French; more than DATA_UPLOAD_MAX_NUMBER_FILES files in one
request (10; 101 in security.md's table) and a form field above DATA_UPLOAD_MAX_MEMORY_SIZE are refused with a
400; a name with ../ is reduced to its last part and the file stored under a random name; HTML in a file name
or in a .csv never comes back as markup. No answer is a 5xx.
"""

import html

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participants import tasks
from participants.import_forms import MAX_UPLOAD_BYTES
from participants.models import ImportJob
from tests.participants.test_import import csv_file, row

UPLOAD_URL = reverse("participants:import_upload")
BOUNDARY = "----iae-boundary-7"


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "private")}}}
    return tmp_path / "private"


@pytest.fixture
def dispatched(monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.check_import, "delay", lambda *args: sent.append(args))
    return sent


@pytest.fixture
def cpip(client_as, scope_a, personas):
    return client_as("CPIP_A")


def post_upload(client, capture, **data):
    with capture(execute=True):
        return client.post(UPLOAD_URL, data)


def raw_multipart(client, capture, file_name: str, content: bytes):
    """A multipart body written by hand: the test client would strip the directories from the name itself."""
    body = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + content + f"\r\n--{BOUNDARY}--\r\n".encode()
    with capture(execute=True):
        return client.generic("POST", UPLOAD_URL, body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


def test_the_limits_are_set_on_purpose():
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 10
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o640
    assert MAX_UPLOAD_BYTES == 5 * 1024 * 1024


def test_exactly_5_mb_is_accepted(cpip, dispatched, django_capture_on_commit_callbacks, private_storage):
    data = csv_file([row()])
    data += b"x" * (MAX_UPLOAD_BYTES - len(data))

    response = post_upload(cpip, django_capture_on_commit_callbacks, file=SimpleUploadedFile("parcours.csv", data))

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (private_storage / job.file_path).stat().st_size == MAX_UPLOAD_BYTES


def test_one_byte_more_is_refused_in_french(cpip, dispatched, django_capture_on_commit_callbacks):
    data = b"x" * (MAX_UPLOAD_BYTES + 1)

    response = post_upload(cpip, django_capture_on_commit_callbacks, file=SimpleUploadedFile("parcours.csv", data))

    assert response.status_code == 200
    assert "5 Mo au plus" in html.unescape(response.content.decode())
    assert ImportJob.objects.count() == 0 and dispatched == []


@pytest.mark.parametrize("count", [11, 101])
def test_too_many_files_in_one_request_are_refused(count, cpip, dispatched, django_capture_on_commit_callbacks):
    files = [SimpleUploadedFile(f"parcours{n}.csv", csv_file([row()])) for n in range(count)]

    response = post_upload(cpip, django_capture_on_commit_callbacks, file=files)

    assert response.status_code == 400
    assert ImportJob.objects.count() == 0 and dispatched == []


def test_ten_files_are_still_read(cpip, dispatched, django_capture_on_commit_callbacks):
    """The control of the limit above: at the limit the request is read (the form keeps one file)."""
    files = [SimpleUploadedFile(f"parcours{n}.csv", csv_file([row()])) for n in range(10)]

    response = post_upload(cpip, django_capture_on_commit_callbacks, file=files)

    assert response.status_code == 302 and ImportJob.objects.count() == 1


def test_a_form_field_over_the_memory_limit_is_refused(cpip, dispatched, django_capture_on_commit_callbacks):
    response = post_upload(cpip, django_capture_on_commit_callbacks,
                           file=SimpleUploadedFile("parcours.csv", csv_file([row()])),
                           note="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))

    assert response.status_code == 400
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize(("sent_name", "kept_name"), [
    ("../../etc/passwd.csv", "passwd.csv"),
    ("..\\..\\windows\\parcours.csv", "parcours.csv"),
    ("/var/www/static/parcours.csv", "parcours.csv"),
    ("%2e%2e%2fparcours.csv", "%2e%2e%2fparcours.csv"),  # not decoded: a plain (odd) name, stored under a random one
])
def test_a_path_in_the_file_name_is_neutralised(sent_name, kept_name, cpip, dispatched,
                                                django_capture_on_commit_callbacks, private_storage, tmp_path):
    response = raw_multipart(cpip, django_capture_on_commit_callbacks, sent_name, csv_file([row()]))

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.file_name == kept_name
    assert job.file_path.startswith("imports/") and job.file_path.endswith(".csv") and ".." not in job.file_path
    # the only file written is the one under private/imports/, with its random name
    written = sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*") if path.is_file())
    assert written == [f"private/{job.file_path}"]


def test_html_in_a_file_name_is_shown_as_text(cpip, dispatched, django_capture_on_commit_callbacks):
    # (no "/" in these names: Django keeps what follows the last one, see the test above)
    response = raw_multipart(cpip, django_capture_on_commit_callbacks, "<b>gras<img src=x onerror=alert(1)>.txt",
                             b"a;b\r\n")

    body = response.content.decode()
    assert response.status_code == 200
    assert "<b>gras" not in body and "<img src=x" not in body
    assert "« &lt;b&gt;gras&lt;img src=x onerror=alert(1)&gt;.txt » n&#x27;est ni un CSV" in body  # as text
    assert ImportJob.objects.count() == 0


def test_html_in_a_csv_is_harmless(cpip, dispatched, django_capture_on_commit_callbacks):
    payload = '<script>alert("csv")</script>'
    data = csv_file([row(nom=payload, prenom="<img src=x onerror=alert(2)>", programme=payload)])

    response = raw_multipart(cpip, django_capture_on_commit_callbacks, "<i>parcours<i>.csv", data)
    job = ImportJob.objects.get()
    tasks.check_import(*dispatched[0])  # the check the page dispatched, run here
    page = cpip.get(job.get_absolute_url())

    assert response.status_code == 302 and page.status_code == 200
    body = page.content.decode()
    assert job.file_name == "<i>parcours<i>.csv"
    assert "&lt;i&gt;parcours&lt;i&gt;.csv" in body  # the name, as text
    assert "<i>parcours" not in body and payload not in body and "<img src=x" not in body
    assert "Programme « &lt;script&gt;alert(&quot;csv&quot;)&lt;/script&gt;" in body  # its error, as text
