"""The SIAE director imports a spreadsheet in Chromium (issue 14, item 1): the file renames a person of MEAUX-APRES
and names someone outside the SIAE's programmes; the check, done by a real Celery worker, refuses both lines in
French, offers no confirmation, and nothing changes. Screenshots go to var/screenshots/."""

import pytest
from playwright.sync_api import expect

from tests.participants.import_worker import import_worker  # noqa: F401 - the fixture, reused

pytestmark = [pytest.mark.browser, pytest.mark.worker]

CHECK_TIMEOUT_MS = 60_000


@pytest.fixture
def people(django_db_blocker):
    """A person of MEAUX-APRES (the SIAE reads them), and one the CPIP has just recorded in the same prison, in no
    programme yet (the SIAE gets a 404 on their page)."""
    import datetime

    from access import scope
    from accounts.models import User
    from participants import services
    from participants.models import Participant

    with django_db_blocker.unblock():
        siae = User.objects.get(username="siae.ares")
        known = scope.participants_for(siae).filter(pathways__programme__code="MEAUX-APRES").first()
        hidden = services.participant_save(participant=Participant(
            establishment=known.establishment, ecrou="77001234", last_name="Nouveau", first_names="Arrivant",
            birth_date=datetime.date(1994, 3, 2), sex="M"), by=User.objects.get(username="cpip.meaux"))
    yield known, hidden
    with django_db_blocker.unblock():
        Participant.objects.filter(pk=hidden.pk).delete()


def line(person, last_name: str) -> str:
    return ";".join(["MEAUX-APRES", person.ecrou, last_name, person.first_names,
                     person.birth_date.strftime("%d/%m/%Y"), person.sex, "15/01/2018", "retenu"])


def test_an_siae_director_cannot_rename_or_reach_a_person_by_import(
    import_worker, people, page, page_log, demo_site, sign_in_as, django_db_blocker, screenshot_dir, tmp_path  # noqa: F811 - the fixture imported above
):
    known, hidden = people
    header = "programme;numero_ecrou;nom;prenom;date_naissance;sexe;date_session;decision_session"
    upload = tmp_path / "parcours-ares.csv"
    upload.write_text("\r\n".join([header, line(known, "Renommé"), line(hidden, "Pirate")]) + "\r\n",
                      encoding="utf-8")

    sign_in_as(page, "siae.ares")
    page.goto(demo_site.url + "/participants/import/")
    page.get_by_label("Fichier des parcours").set_input_files(str(upload))
    page.get_by_role("button", name="Vérifier le fichier").click()

    expect(page.get_by_text("diffère du dossier de la personne").first).to_be_visible(timeout=CHECK_TIMEOUT_MS)
    expect(page.get_by_text("aucune personne de vos programmes n'a le numéro d'écrou").first).to_be_visible()
    expect(page.get_by_role("button", name="Confirmer l'import")).to_have_count(0)
    assert hidden.last_name not in page.content()  # the refusal names no one
    page.screenshot(path=str(screenshot_dir / "import-siae-refused.png"), full_page=True)
    assert page_log.js_errors == [] and page_log.outside_requests == []

    with django_db_blocker.unblock():
        known.refresh_from_db()
        hidden.refresh_from_db()
    assert known.last_name != "Renommé" and hidden.last_name != "Pirate"


def test_a_counsellor_starts_from_the_template_and_scrolls_the_whole_preview(
    import_worker, page, page_log, demo_site, sign_in_as, screenshot_dir, tmp_path  # noqa: F811 - the fixture imported above
):
    """Issue 18, §5: the import page offers the template (XLSX and CSV, the format's columns in its order), and the
    checked file's preview scrolls within its frame: every column can be reached, the page itself does not widen."""
    from openpyxl import load_workbook

    from participants.importing import COLUMN_NAMES

    sign_in_as(page, "cpip.meaux")
    page.goto(demo_site.url + "/participants/import/")
    with page.expect_download() as download:
        page.get_by_role("link", name="modèle XLSX").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    header = [cell.value for cell in next(load_workbook(template).active.iter_rows(max_row=1))]
    assert download.value.suggested_filename == "modele-import-parcours.xlsx" and header == list(COLUMN_NAMES)

    values = {"programme": "MEAUX-APRES", "numero_ecrou": "77009876", "nom": "Modèle", "prenom": "Camille",
              "date_naissance": "02/03/1991", "sexe": "F", "date_session": "15/01/2018",
              "decision_session": "non_retenu"}
    upload = tmp_path / "parcours-modele.csv"
    upload.write_text(";".join(COLUMN_NAMES) + "\r\n" + ";".join(values.get(name, "") for name in COLUMN_NAMES)
                      + "\r\n", encoding="utf-8")
    page.get_by_label("Fichier des parcours").set_input_files(str(upload))
    page.get_by_role("button", name="Vérifier le fichier").click()
    preview = page.locator("table.app-import-preview")
    expect(preview).to_be_visible(timeout=CHECK_TIMEOUT_MS)

    frame = preview.evaluate_handle("table => { let node = table.parentElement; while (node && "
                                    "!['auto', 'scroll'].includes(getComputedStyle(node).overflowX)) "
                                    "node = node.parentElement; return node; }")
    assert frame.evaluate("node => node !== null && node.scrollWidth > node.clientWidth"), "the preview does not scroll"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # the page does not widen
    frame.evaluate("node => { node.scrollIntoView(); node.scrollLeft = node.scrollWidth; }")
    last, box = preview.locator("thead th").last.bounding_box(), frame.evaluate(
        "node => { const r = node.getBoundingClientRect(); return {left: r.left, right: r.right}; }")
    assert box["left"] <= last["x"] and last["x"] + last["width"] <= box["right"] + 1  # the last column is shown
    page.screenshot(path=str(screenshot_dir / "import-preview-scrolled.png"), full_page=True)
    assert page_log.js_errors == [] and page_log.outside_requests == []
