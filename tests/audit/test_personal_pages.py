"""No page shows a person without its access-log row (issue 14 item 4, S-17): a canary, a unique string, is the last
name and the écrou of two people of scope A with a full file (a session, a pathway in the workshop, a pathway ended
by a release with its follow-ups due, an item of the timeline, a document, an import report that names them). The
crawler (tests/security/crawl.py) reads every page reachable from the home page, and from the administration, as
the personas who see them; every answer that shows the canary must have written an access-log row.

The crawl must also reach every page of the URL configuration that answers a GET (or the page is listed below with
the reason it is not reached): a new page cannot escape the test for want of a link to it."""

import datetime
import uuid

import pytest
from django.test import Client
from django.urls import resolve, reverse

from audit.models import AccessLog
from audit.registry import ROUTES
from documents import services as documents
from documents.enums import DocumentKind
from documents.models import DocumentBatch
from participants import services
from participants.enums import EventKind, ExitReason, ImportStatus, PathwayStatus
from participants.models import ImportJob
from tests.accounts.factories import UserFactory
from tests.participants.factories import STEP_DAYS, counsellor, pathway_at, released_pathway
from tests.security.crawl import crawl

from .test_registry import url_names

pytestmark = pytest.mark.django_db

TOKEN = uuid.uuid4().hex[:12]
CANARY = f"Canari{TOKEN}"  # in the last names (the pages show them as typed or in capitals)
ECROU = f"9{int(TOKEN, 16) % 10**9:09d}"  # an écrou: digits, unique to this run

# Pages no GET of the crawl reaches, and why; every other named URL must be reached by some persona.
POST_ONLY = "POST seulement : redirige, ou montre à nouveau une page parcourue (testé à part)"
NO_PERSON = "ne montre aucune personne (organisations, programmes, conventions) ; pas d'objet dans ce jeu"
NOT_CRAWLED = {
    **dict.fromkeys(["accounts:logout", "participants:event_delete", "participants:session_add_candidates",
                     "participants:session_decide", "participants:import_confirm", "programmes:convention_validate",
                     "programmes:annex_validate", "documents:document_retry", "documents:programme_document_request",
                     "documents:convention_document_request", "documents:pathway_document_request",
                     "documents:activity_report_request", "documents:batch_create",
                     "accounts:account_invitation_resend"], POST_ONLY),
    **dict.fromkeys(["accounts:login", "accounts:two_factor_verify", "accounts:two_factor_setup",
                     "accounts:password_reset", "accounts:password_reset_done", "accounts:password_reset_confirm",
                     "accounts:password_reset_complete", "healthz", "readyz", "accounts:invitation_accept",
                     "accounts:invitation_done"], "avant la connexion, ou une sonde"),
    **dict.fromkeys(["partners:contact_update", "partners:role_update", "partners:meeting_detail",
                     "partners:meeting_update", "partners:decision_create", "partners:decision_update",
                     "partners:event_detail", "partners:event_update", "programmes:convention_detail",
                     "programmes:convention_update", "programmes:annex_create", "programmes:annex_update",
                     "programmes:contract_update", "programmes:funding_update", "programmes:partnership_detail",
                     "programmes:partnership_update"], NO_PERSON),
    **dict.fromkeys(["dashboards:landing", "dashboards:national", "dashboards:national_json", "dashboards:scope",
                     "dashboards:scope_json", "dashboards:release"],
                    "agrégats seulement, jamais un nom (tests/dashboards)"),
    "documents:batch_download": "le ZIP d'un lot : un fichier, journalisé comme tout fichier (test_registry)",
    **dict.fromkeys(["participants:hours_validate", "participants:hours_import"], POST_ONLY),  # issue 18, §2
}


def canary_in(text: str) -> bool:
    return CANARY.lower() in text.lower() or ECROU in text


@pytest.fixture
def canary_files(scope_a, settings, tmp_path):
    """Two people of CP Alpha named by the canary: one in the workshop, one released with follow-ups due, both in
    the session of STEP_DAYS; an item of the first's timeline, their charter (ready, in a temporary storage), a batch
    of the session."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "files")}}}
    referent = counsellor(establishment=scope_a.establishment)
    working = pathway_at(PathwayStatus.IN_WORKSHOP, programme=scope_a.programme, participant__counsellor=referent,
                         participant__last_name=f"{CANARY}a", participant__ecrou=ECROU)
    released = released_pathway(scope_a.programme, exit_on=STEP_DAYS["exit"], reason=ExitReason.RELEASE_END_OF_SENTENCE,
                                participant__last_name=f"{CANARY}b")
    services.event_record(pathway=working, kind=EventKind.CIP_INTERVIEW, on=datetime.date(2025, 4, 7),
                          detail="Entretien", by=referent)
    charter = documents.document_request(kind=DocumentKind.ACCOMPANIMENT_CHARTER, subject=working, by=referent)
    assert documents.document_generate(charter.pk) == "ready"
    batch = DocumentBatch.objects.create(session=working.session)
    return {"working": working, "released": released, "batch": batch}


@pytest.fixture
def administrator(scope_a):
    return UserFactory(username="admin.canari", role="ADMIN", is_staff=True, is_superuser=True)


def import_report(user) -> ImportJob:
    """An import checked with errors, its report naming the person (as the import's own reports do)."""
    return ImportJob.objects.create(
        created_by=user, file_name="suivi.csv", status=ImportStatus.INVALID, total_rows=1, processed_rows=1,
        report={"rows": 1, "error_count": 1, "errors": [
            {"line": 2, "column": "numero_ecrou", "message": f"le numéro d'écrou « {ECROU} » est déjà pris"}]})


class Counting:
    """A test client that notes how many access-log rows each GET wrote, by the crawler's name for the answer."""

    def __init__(self, client):
        self.client, self.rows = client, {}

    def get(self, url, **extra):
        before = AccessLog.objects.count()
        response = self.client.get(url, **extra)
        self.rows[f"{url} (htmx)" if extra.get("HTTP_HX_REQUEST") else url] = AccessLog.objects.count() - before
        return response


def crawl_as(client, starts, tmp_path, **options):
    counting = Counting(client)
    answers = crawl(counting, starts, tmp_path, limit=600, per_shape=4, **options)
    return [(answer, counting.rows.get(answer.url, 0)) for answer in answers]


def view_name(url: str) -> str:
    return resolve(url.removesuffix(" (htmx)").split("?")[0]).view_name


@pytest.fixture
def crawled(canary_files, administrator, client_as, personas, tmp_path):
    """(answer, rows written) of every GET of the crawls: the application as CPIP_A, SIAE_DIRECTOR_A and the
    administrator, then the administration as the administrator."""
    working, released = canary_files["working"], canary_files["released"]
    import_report(personas["CPIP_A"])
    import_report(administrator)
    app_starts = [reverse("accounts:home"), working.participant.get_absolute_url(), working.get_absolute_url(),
                  released.get_absolute_url(), working.session.get_absolute_url(),
                  reverse("participants:import_upload"), canary_files["batch"].get_absolute_url()]
    everything = ("/",)
    skipped = ("/static/", "/gestion/", "/deconnexion", "/tableaux-de-bord/")
    results = []
    for persona in ("CPIP_A", "SIAE_DIRECTOR_A"):
        results += crawl_as(client_as(persona), app_starts, tmp_path, prefixes=everything, skipped=skipped)
    admin_client = Client()
    admin_client.force_login(administrator)
    results += crawl_as(admin_client, app_starts, tmp_path, prefixes=everything, skipped=skipped)
    search = f'{reverse("admin:participants_participant_changelist")}?q={CANARY}'
    results += crawl_as(admin_client, [reverse("admin:index"), search], tmp_path, prefixes=("/gestion/",),
                        skipped=("/gestion/logout/",), queries=False)
    return results


def test_every_page_that_shows_a_person_writes_an_access_log_row(crawled):
    # The test is only as good as its crawl: every page answering a GET was read, and the canary was seen.
    reached = {view_name(answer.url) for answer, _rows in crawled if answer.status == 200}
    not_reached = sorted(name for name, _callback in url_names()
                         if name not in reached and name not in NOT_CRAWLED)
    assert not_reached == [], f"Not reached (add a link or a start, or say why in NOT_CRAWLED): {not_reached}"
    admin_registered = {name for name in ROUTES if name.startswith("admin:")}
    assert sorted(admin_registered - reached) == []
    shown = {view_name(answer.url) for answer, _rows in crawled if answer.status == 200 and canary_in(answer.text)}
    assert {"participants:participant_detail", "participants:session_detail", "participants:import_detail",
            "admin:participants_participant_change", "admin:participants_participant_changelist"} <= shown

    unlogged = sorted({view_name(answer.url) for answer, rows in crawled
                       if answer.status == 200 and canary_in(answer.text) and rows == 0})
    assert unlogged == [], f"Pages that show a person without an access-log row (audit/registry.py): {unlogged}"
    # and the answers refused during the crawl (403, 404) wrote nothing
    assert [answer.url for answer, rows in crawled if answer.status in (403, 404) and rows] == []
