"""The programme activity report: the Meaux figures of the press release (30 March 2018) frozen in the snapshot and
printed in the PDF, asked for from the dashboard through the user's scope, made by the document pipeline.

The demo (demo.programmes.load_demo) is loaded once for the module inside a transaction rolled back at the end.
Expected figures are the press release's (docs/domain.md §11.2): over June 2017 to March 2018, 8 sessions, 73 entrants,
21 returns to ordinary detention, 24 releases with a job or a training (7 durable, 9 transition, 8 training), so
73 - 21 - 24 = 28 still in the pathway, and 24 dynamic exits out of 45 exits = 53,3 %.
"""

import datetime
import html
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from django.contrib.messages import get_messages
from django.http import Http404
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from dashboards.periods import Period
from documents import services
from documents.enums import Audience, DocumentKind, DocumentStatus, SubjectType
from documents.models import GeneratedDocument
from documents.registry import spec_of
from documents.renderer import render_document
from participants.models import Participant
from programmes.models import Programme
from tests.demo import demo_for_module

pytestmark = pytest.mark.django_db

REPORT = DocumentKind.ACTIVITY_REPORT
PRESS_RELEASE = Period(datetime.date(2017, 6, 1), datetime.date(2018, 3, 31))
TITLE = "Rapport d'activité MEAUX-APRES du 01/06/2017 au 31/03/2018"
TODAY = datetime.date(2026, 1, 15)
NBSP = "\u00a0"
needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed")


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with demo_for_module(django_db_blocker):
        yield


@pytest.fixture
def meaux():
    return Programme.objects.get(code="MEAUX-APRES")


def user(username: str) -> User:
    return User.objects.get(username=username)


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


@pytest.fixture(scope="module")
def snapshot(demo, django_db_blocker):
    with django_db_blocker.unblock():
        programme = Programme.objects.get(code="MEAUX-APRES")
        # Made for the internal audience: exact figures, whoever asks (test_made_for_its_audience_not_its_requester).
        return spec_of(REPORT).build(programme, TODAY, by=user("siae.ares"), period=PRESS_RELEASE)


@pytest.fixture(scope="module")
def pdf_text(snapshot, django_db_blocker, tmp_path_factory) -> str:
    """The PDF of the snapshot as pdftotext -raw reads it (in the order it was written), on one line."""
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    path = tmp_path_factory.mktemp("report") / "rapport.pdf"
    with django_db_blocker.unblock():
        path.write_bytes(render_document(REPORT, snapshot))
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],  # noqa: S603, S607
                          check=True, capture_output=True, text=True).stdout
    return " ".join(text.split())


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    return tmp_path


@pytest.fixture
def dispatched(monkeypatch):
    """The ids sent to the workers on commit, instead of going to the broker."""
    sent = []
    monkeypatch.setattr(services, "dispatch", lambda document_id: sent.append(str(document_id)) or True)
    return sent


def personal_data(programme) -> list[str]:
    """What would identify the programme's participants: names, écrou numbers, birth dates."""
    found = []
    for person in Participant.objects.filter(pathways__programme=programme).distinct():
        found += [person.last_name, f"{person.first_names} {person.last_name}", person.ecrou,
                  person.birth_date.isoformat(), person.birth_date.strftime("%d/%m/%Y")]
    assert len(found) > 100  # the Meaux demo has its participants
    return found


def leaked(text: str, values: list[str]) -> list[str]:
    return [value for value in values if re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text)]


# --- The snapshot -------------------------------------------------------------------------------------------


def test_the_snapshot_holds_the_press_release_figures_formatted_for_print(snapshot):
    values = snapshot["indicators"]
    assert (values["sessions"], values["entrants"], values["returns_to_ordinary_detention"],
            values["releases_dynamic"], values["in_pathway"]) == ("8", "73", "21", "24", "28")
    assert (values["outcome_durable"], values["outcome_transition"], values["outcome_positive"]) == ("7", "9", "8")
    assert values["exits"] == "45"
    assert values["rate_dynamic_exits"] == f"53,3{NBSP}%"  # 24 / 45
    assert values["follow_up_6_reached_pct"] == "non calculable"  # nobody due for a follow-up in the period
    assert [item["value"] for item in snapshot["highlights"]] == ["8", "73", "21", "24", "28", f"53,3{NBSP}%"]
    assert snapshot["highlights"][-1]["base"] == "des 45 sorties hors sorties neutralisées"  # every rate, its base
    rows = dict(row for section in snapshot["sections"] for row in section["rows"])
    assert rows["Taux de sorties dynamiques à la libération"] == (
        f"100,0{NBSP}% des 24 libérations hors sorties neutralisées")


def test_the_snapshot_names_the_programme_and_the_period(snapshot):
    assert snapshot["title"] == TITLE
    assert snapshot["reference"] == "MEAUX-APRES"
    assert snapshot["period"] == {"from": "2017-06-01", "to": "2018-03-31",
                                  "label": "du 1er juin 2017 au 31 mars 2018"}
    identity = dict(snapshot["identity"])
    assert identity["Programme"] == "MEAUX-APRES"
    assert identity["Structure d'insertion"].startswith("Après (Groupe ARES)")
    assert identity["Établissement"].startswith("CP de Meaux-Chauconin")
    assert identity["Département"] == "Seine-et-Marne (77)"
    assert identity["Direction interrégionale"] == "Direction interrégionale des services pénitentiaires de Paris"
    assert identity["Période"] == "Du 1er juin 2017 au 31 mars 2018 (304 jours, bornes incluses)"
    assert snapshot["issued_on"] == "15 janvier 2026"


def test_cohorts_and_trends_add_up_to_the_period_figures(snapshot):
    cohorts = snapshot["cohorts"]
    assert len(cohorts["rows"]) == 8 and cohorts["rows"][0]["label"].startswith("Session du ")
    totals = dict(zip(cohorts["columns"], cohorts["totals"], strict=True))
    assert (totals["Entrées"], totals["dont retours en détention ordinaire"], totals["dont sorties dynamiques"],
            totals["En parcours"]) == ("73", "21", "24", "28")
    trends = snapshot["trends"]
    assert [row["label"] for row in trends["rows"]] == ["T2 2017", "T3 2017", "T4 2017", "T1 2018"]
    entrants = trends["columns"].index("Entrées")
    exits = trends["columns"].index("Sorties")
    assert sum(int(row["cells"][entrants]) for row in trends["rows"]) == 73
    assert sum(int(row["cells"][exits]) for row in trends["rows"]) == 45


def test_the_charts_are_frozen_as_accessible_svg_with_the_figures(snapshot):
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert set(snapshot["charts"]) == {"flows", "rates", "outcomes", "funnel"}
    for svg in snapshot["charts"].values():
        root = ET.fromstring(svg)
        assert root.get("role") == "img" and root.find("svg:title", ns).text
    funnel = ET.fromstring(snapshot["charts"]["funnel"]).find("svg:desc", ns).text
    assert "Entrées en atelier : 73" in funnel and "Sorties dynamiques : 24" in funnel
    outcomes = ET.fromstring(snapshot["charts"]["outcomes"])
    widths = [float(rect.get("width")) for rect in outcomes.findall(".//svg:rect[@class='bar']", ns)]
    assert len(widths) == 5  # durable 7, transition 9, positive 8, other 21, neutralised 0
    assert widths[0] / widths[3] == pytest.approx(7 / 21, rel=1e-3) and widths[4] == 0  # 2-decimal coordinates


def test_the_snapshot_holds_no_personal_data(snapshot, meaux):
    text = json.dumps(snapshot, ensure_ascii=False)
    assert leaked(text, personal_data(meaux)) == []
    requester = user("disp.paris")
    assert requester.last_name not in text and requester.username not in text


def test_made_for_its_audience_not_its_requester(snapshot, meaux):
    """Internal audience: the same exact figures for a CPIP, the DISP, the DREETS or national staff, and the
    notice that they are not to be passed on (issue 16, §4)."""
    assert snapshot["audience"] == Audience.INTERNAL
    assert snapshot["notice"] == "Chiffres exacts, à usage interne : ne pas diffuser"
    for username in ("cpip.meaux", "disp.paris", "dreets.idf", "national"):
        other = spec_of(REPORT).build(meaux, TODAY, by=user(username), period=PRESS_RELEASE)
        assert other["indicators"] == snapshot["indicators"] and other["cohorts"] == snapshot["cohorts"]


def test_an_audience_the_report_does_not_know_is_refused(meaux):
    with pytest.raises(ValueError, match="non pris en charge"):
        spec_of(REPORT).build(meaux, TODAY, by=user("disp.paris"), period=PRESS_RELEASE, audience="PRESSE")


def test_the_snapshot_goes_through_the_requester_scope(meaux):
    with pytest.raises(Http404):
        spec_of(REPORT).build(meaux, TODAY, by=user("disp.strasbourg"), period=PRESS_RELEASE)


def test_an_empty_period_says_so_without_dividing_by_zero(meaux, tmp_path):
    empty = spec_of(REPORT).build(meaux, TODAY, by=user("disp.paris"),
                                  period=Period(datetime.date(2010, 1, 1), datetime.date(2010, 12, 31)))
    assert empty["indicators"]["entrants"] == "0"
    assert empty["indicators"]["rate_dynamic_exits"] == "non calculable"
    assert empty["cohorts"]["rows"] == []
    assert "Aucune donnée sur la période" in empty["charts"]["rates"]
    pdf = render_document(REPORT, empty)
    assert pdf.startswith(b"%PDF")


# --- The PDF ----------------------------------------------------------------------------------------------------


@needs_poppler
def test_the_pdf_prints_the_title_and_the_figures(pdf_text):
    assert TITLE in pdf_text  # the running footer has it on one line
    assert "Chiffres exacts, à usage interne : ne pas diffuser." in pdf_text  # exact figures: not to be passed on
    assert "73 Entrées en atelier" in pdf_text  # the key figures
    assert "Sessions de recrutement 8" in pdf_text and "Retours en détention ordinaire 21" in pdf_text
    assert "Total 100 75 73 45 21 24 28" in pdf_text  # the cohorts' totals
    assert "T4 2017 18 17 4 3 4 6 0 64,7 % 41,2 %" in pdf_text  # a line of the trends table
    # The flows chart (its SVG text comes after the page's): legend, axis, entrants then exits per quarter.
    assert "Entrées Sorties 0 10 20 30 0 29 18 26 0 4 17 24 T2 2017 T3 2017 T4 2017 T1 2018" in pdf_text
    assert "Direction interrégionale des services pénitentiaires de Paris" in pdf_text


@needs_poppler
def test_the_pdf_holds_no_personal_data(pdf_text, meaux):
    assert leaked(pdf_text, personal_data(meaux)) == []


# --- Asking for it ------------------------------------------------------------------------------------------------


def ask(client, code="MEAUX-APRES", **data):
    return client.post(reverse("documents:activity_report_request", args=[code]), data)


def test_a_disp_officer_of_paris_asks_for_the_meaux_report_of_the_period(
        meaux, dispatched, django_capture_on_commit_callbacks):
    client = client_for("disp.paris")
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, du="2017-06-01", au="2018-03-31")

    document = GeneratedDocument.objects.get(kind=REPORT, programme=meaux)
    assert response.status_code == 302 and response.url == document.get_absolute_url()
    assert (document.title, document.subject_type, document.status) == (TITLE, SubjectType.PROGRAMME,
                                                                         DocumentStatus.PENDING)
    assert document.requested_by == user("disp.paris")
    assert document.audience == Audience.INTERNAL  # stored for the internal readers only (documents.audiences)
    assert document.snapshot["indicators"]["entrants"] == "73"
    assert dispatched == [str(document.pk)]
    page = client.get(response.url)
    assert page.status_code == 200 and TITLE in html.unescape(page.content.decode())


def test_the_pipeline_makes_the_pdf_of_the_request(meaux, dispatched, private_storage, tmp_path):
    response = ask(client_for("disp.paris"), du="2017-06-01", au="2018-03-31")
    document = GeneratedDocument.objects.get(kind=REPORT, programme=meaux)

    assert services.document_generate(document.pk) == "ready"

    document.refresh_from_db()
    assert response.status_code == 302 and document.status == DocumentStatus.READY and len(document.sha256) == 64
    if shutil.which("pdftotext"):
        path = private_storage / document.file.name
        text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,  # noqa: S603, S607
                              text=True).stdout
        assert "73" in text and "Rapport d'activité MEAUX-APRES" in text


def test_each_request_is_a_new_version(meaux, dispatched):
    client = client_for("siae.ares")
    ask(client, du="2017-06-01", au="2018-03-31")
    ask(client, periode="2017-T4")
    versions = list(GeneratedDocument.objects.filter(kind=REPORT, programme=meaux).order_by("version")
                    .values_list("version", "title"))
    assert versions == [(1, TITLE), (2, "Rapport d'activité MEAUX-APRES du 01/10/2017 au 31/12/2017")]


@pytest.mark.parametrize("username", ["national", "dreets.idf", "cpip.meaux"])
def test_every_role_that_opens_the_dashboard_may_ask_for_it(meaux, dispatched, username):
    response = ask(client_for(username), du="2017-06-01", au="2018-03-31")
    assert response.status_code == 302
    assert GeneratedDocument.objects.filter(kind=REPORT, programme=meaux, requested_by__username=username).exists()


@pytest.mark.parametrize("username", ["disp.strasbourg", "siae.efic", "cpip.metz"])
def test_a_programme_outside_the_scope_is_not_found(meaux, dispatched, username):
    response = ask(client_for(username), du="2017-06-01", au="2018-03-31")
    assert response.status_code == 404
    assert not GeneratedDocument.objects.filter(kind=REPORT).exists()


def test_an_unknown_programme_is_not_found(dispatched):
    assert ask(client_for("national"), code="NOPE-1").status_code == 404


def test_a_period_that_makes_no_sense_is_refused_in_french_back_on_the_dashboard(meaux, dispatched):
    dashboard = reverse("dashboards:scope", args=["programme", "MEAUX-APRES"])

    response = ask(client_for("disp.paris"), du="2018-03-31", au="2017-06-01")
    assert response.status_code == 302 and response.url == dashboard
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["La fin de la période précède son début."]

    back = f"http://testserver{dashboard}?du=2017-06-01&au=2018-13-01"
    response = client_for("disp.paris").post(reverse("documents:activity_report_request", args=["MEAUX-APRES"]),
                                             {"du": "2017-06-01", "au": "2018-13-01"}, headers={"referer": back})
    assert response.status_code == 302 and response.url == back
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "La date de fin « 2018-13-01 » n'est pas une date valide (attendu AAAA-MM-JJ)."]

    foreign = client_for("disp.paris").post(reverse("documents:activity_report_request", args=["MEAUX-APRES"]),
                          {"du": "x", "au": "y"}, headers={"referer": "https://ailleurs.example/piege"})
    assert foreign.url == dashboard  # never sent back to another site
    assert not GeneratedDocument.objects.filter(kind=REPORT).exists()


def test_the_dashboard_button_posts_the_period_shown(meaux):
    form = render_to_string("documents/_activity_report_form.html",
                            {"programme_code": "MEAUX-APRES", "period": PRESS_RELEASE})
    assert f'action="{reverse("documents:activity_report_request", args=["MEAUX-APRES"])}"' in form
    assert 'name="du" value="2017-06-01"' in form and 'name="au" value="2018-03-31"' in form
    assert "Rapport d'activité (PDF, chiffres exacts)" in form and "style=" not in form and "<script" not in form
    assert 'value="diffusable"' not in form  # 1 June 2017 to 31 March 2018: no calendar quarter or year
    quarter = render_to_string("documents/_activity_report_form.html",
                               {"programme_code": "MEAUX-APRES", "period": Q4_2017, "diffusable_period": True})
    assert 'name="version" value="diffusable"' in quarter and "version diffusable" in quarter


def test_the_generic_request_page_refuses_it(meaux, dispatched):
    """The report is asked for from the dashboard, with its period: the generic request URL does not know it."""
    response = client_for("disp.paris").post(
        reverse("documents:programme_document_request", args=[meaux.pk, "activity-report"]))
    assert response.status_code == 404
    assert not GeneratedDocument.objects.filter(kind=REPORT).exists()


def test_without_options_the_report_covers_the_last_twelve_months(meaux, dispatched):
    """The service (and the generate_document command) without a period: the last twelve months ended."""
    document = services.document_request(kind=REPORT, subject=meaux, by=user("disp.paris"))
    first_of_month = timezone.localdate().replace(day=1)
    assert document.snapshot["period"]["from"] == first_of_month.replace(year=first_of_month.year - 1).isoformat()
    assert document.snapshot["period"]["to"] == (first_of_month - datetime.timedelta(days=1)).isoformat()
    with pytest.raises(ValueError):
        services.document_request(kind=REPORT, subject=meaux, by=user("disp.paris"), options={"couleur": "bleu"})


@pytest.mark.parametrize("username", ["national", "cpip.meaux"])
def test_a_failed_report_is_retried_by_a_role_that_may_ask_for_it(meaux, dispatched, username):
    """The report's own permission (every dashboard role), not the programme documents' one, decides the retry."""
    document = services.document_request(kind=REPORT, subject=meaux, by=user(username),
                                         options={"period": PRESS_RELEASE})
    GeneratedDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.FAILED, error="Échec de test")

    response = client_for(username).post(reverse("documents:document_retry", args=[document.pk]))

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING


# --- The diffusable version (issue 16, §4) --------------------------------------------------------------------------

Q4_2017 = Period(datetime.date(2017, 10, 1), datetime.date(2017, 12, 31))
PEOPLE_KEYS = [key for key in ("entrants", "in_pathway", "exits", "returns_to_ordinary_detention", "releases",
                               "outcome_durable", "outcome_transition", "outcome_positive", "outcome_other",
                               "outcome_neutralised")]


@pytest.fixture(scope="module")
def diffusable(demo, django_db_blocker):
    with django_db_blocker.unblock():
        programme = Programme.objects.get(code="MEAUX-APRES")
        exact = spec_of(REPORT).build(programme, TODAY, by=user("disp.paris"), period=Q4_2017)
        shown = spec_of(REPORT).build(programme, TODAY, by=user("disp.paris"), period=Q4_2017,
                                      audience=Audience.DIFFUSABLE)
        return exact, shown


def test_the_diffusable_report_shows_no_count_from_1_to_4_and_says_s_with_its_legend(diffusable):
    """October to December 2017 at Meaux: 4 durable jobs, 3 transition, 4 positive exits (trends of the PDF above)
    are counts of 1 to 4: "s" in the diffusable version; what it publishes is the exact figure."""
    exact, shown = diffusable
    assert shown["title"] == "Rapport d'activité MEAUX-APRES du 01/10/2017 au 31/12/2017 (version diffusable)"
    assert shown["audience"] == Audience.DIFFUSABLE
    assert shown["notice"] == "Version diffusable : secret statistique appliqué"
    assert "secret statistique : moins de 5 personnes" in shown["legend"]
    values = shown["indicators"]
    assert (exact["indicators"]["outcome_durable"], values["outcome_durable"]) == ("4", "s")
    assert (exact["indicators"]["outcome_transition"], values["outcome_transition"]) == ("3", "s")
    published = {key: values[key] for key in PEOPLE_KEYS if key in values and values[key] != "s"}
    assert published and all(value == "0" or int(value) >= 5 for value in published.values()), published
    assert all(exact["indicators"][key] == value for key, value in published.items())
    for row in shown["trends"]["rows"]:
        assert all(cell in ("s", "0", "—") or not cell.isdigit() or int(cell) >= 5 for cell in row["cells"]), row
    assert shown["cohorts"] == {"withheld": True}  # sessions are not protected: not published
    if all(cell == "s" for row in shown["trends"]["rows"] for cell in row["cells"][:2]):
        assert "Valeurs protégées par le secret statistique" in shown["charts"]["flows"]  # not "Aucune donnée"


def test_the_diffusable_report_is_stored_for_its_audience_and_needs_a_calendar_period(meaux, dispatched):
    client = client_for("dreets.idf")

    response = ask(client, periode="2017-T4", version="diffusable")
    document = GeneratedDocument.objects.get(kind=REPORT, programme=meaux)
    assert response.status_code == 302 and document.audience == Audience.DIFFUSABLE
    assert document.snapshot["indicators"]["outcome_durable"] == "s"

    refused = ask(client_for("dreets.idf"), du="2017-06-01", au="2018-03-31", version="diffusable")
    assert [str(m) for m in get_messages(refused.wsgi_request)] == [
        "La version diffusable porte sur un trimestre civil ou une année civile (par exemple « 2018 » ou "
        "« 2018-T3 ») : choisissez une telle période."]
    assert GeneratedDocument.objects.filter(kind=REPORT).count() == 1


@needs_poppler
def test_the_diffusable_pdf_prints_s_and_its_legend(diffusable, tmp_path, django_db_blocker):
    _exact, shown = diffusable
    path = tmp_path / "diffusable.pdf"
    with django_db_blocker.unblock():
        path.write_bytes(render_document(REPORT, shown))
    text = " ".join(subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],  # noqa: S603, S607
                                   check=True, capture_output=True, text=True).stdout.split())
    assert "Version diffusable : secret statistique appliqué." in text
    assert "« s » : secret statistique : moins de 5 personnes, ou case qui permettrait d'en retrouver une" in text
    assert "Le détail par session n'est pas diffusé" in text
