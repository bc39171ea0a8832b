"""Layout and wording of the standard documents (issue 17, §4), read back from the PDFs (pdftotext, page by page
where it matters):

- French typography: a non-breaking space before ; : ! ? », after «, before % and € and "h" (no line starts with
  them), proper names with their capitals, "au sein du CP", no doubled parentheses, "26 h" not "26,0 heures";
- agreement from the person's recorded sex ("engagé", "engagée", "née"), never "engagé·e";
- as many originals as signatories;
- a signature block never alone on its page: the last article stays with it, wherever the page breaks;
- tables that never overflow the page, however long a name;
- whose letterhead: the State's block on the State convention only, the SIAE's identity on what the SIAE issues
  (fiche-projet, dossier unique, acte d'engagement and CEP), the prison administration's on the charter and the
  implantation contract.
"""

import datetime
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from documents import renderer
from documents.enums import DocumentKind
from documents.registry import spec_of
from participants import services as pathway_services
from participants.enums import SessionDecision, Sex
from partners.enums import OrganisationKind as OK
from partners.enums import PartnerRoleKind
from partners.models import Contact, PartnerRole
from programmes.models import Department, Disp, Region
from tests.participants.factories import PathwayFactory, counsellor, enter_workshop
from tests.partners.factories import OrganisationFactory
from tests.programmes.convention_factories import make_annex, make_contract, make_convention, make_funding
from tests.programmes.factories import EstablishmentFactory, ProgrammeFactory, SiaeFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"),
]

D = datetime.date
TODAY = D(2026, 11, 27)
HEAD = "Directeur du centre pénitentiaire de Meaux-Chauconin"
SPIP = "SPIP de Seine-et-Marne (77)"
SIAE = "Après (Groupe ARES)"
A4_WIDTH, RIGHT_MARGIN = 595.28, 51.0  # points; documents.css: margin 1.8 cm left and right
WORDS = {2: "deux", 3: "trois"}
LAST_ARTICLE = {"charter": "Article 7 — Durée", "acte": "Article 5 — Durée, suspension et fin de l'engagement",
                "cep": "Article 9 — Rupture"}


@pytest.fixture
def world(db):
    seine_et_marne = Department.objects.get(code="77")
    establishment = EstablishmentFactory(name="CP de Meaux-Chauconin", address="Route de Barcy\n77124 Chauconin")
    siae = SiaeFactory(name=SIAE, kind="EI", legal_form="SAS", address="2 rue de l'Écluse\n77100 Meaux",
                       director_name="Thibault Guilluy")
    programme = ProgrammeFactory(code="MEAUX-APRES", siae=siae, establishment=establishment,
                                 activity="Conditionnement", places_planned=30, etp_planned=Decimal("16"))
    disp = OrganisationFactory(kind=OK.DISP, name="DISP de Paris", disp=Disp.objects.get(code="DISP_PARIS"))
    Contact.objects.create(organisation=disp, first_name="Laurent", last_name="Ridel",
                           function="Directeur interrégional des services pénitentiaires")
    prison = OrganisationFactory(kind=OK.ESTABLISHMENT, name=establishment.name, establishment=establishment,
                                 department=seine_et_marne)
    Contact.objects.create(organisation=prison, first_name="Pascal", last_name="Bruneau", function=HEAD,
                           phone="01 60 00 00 01")
    spip = OrganisationFactory(kind=OK.SPIP, name=SPIP, department=seine_et_marne,
                               served_establishments=[establishment])
    OrganisationFactory(kind=OK.DREETS, name="DRIEETS Île-de-France", region=Region.objects.get(code="11"))
    ddets = OrganisationFactory(kind=OK.DDETS, name="DDETS de Seine-et-Marne (77)", department=seine_et_marne)
    convention = make_convention(siae=siae, authority=ddets, start=D(2025, 1, 22), end=D(2028, 1, 21),
                                 reference="DEMO-77-APRES")
    make_annex(convention, asp_number="EI077250003", measure="EI_MP", year=2025, start=D(2025, 1, 22),
               end=D(2025, 12, 31), etp="10", aid_amount="98000")
    make_contract(programme, regime="R2016", start=D(2017, 7, 1), end=D(2030, 12, 31), premises="Atelier de 400 m²",
                  weekly_hours="26", signed_on=D(2017, 6, 20))
    return {"programme": programme, "siae": siae, "spip": spip, "convention": convention, "ddets": ddets}


def in_workshop(world, start: datetime.date, *, sex=Sex.M, ecrou="58213", last_name="Lefèvre"):
    referent = counsellor(first_name="Camille", last_name="Morel")
    referent.organisation = world["spip"]
    referent.save()
    names = {"participant__first_names": "Nadia" if sex == Sex.F else "Jérôme"}
    pathway = PathwayFactory(programme=world["programme"], session__date=start - datetime.timedelta(days=30),
                             participant__ecrou=ecrou, participant__sex=sex, participant__last_name=last_name,
                             participant__counsellor=referent, **names)
    pathway = pathway_services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    return enter_workshop(pathway, start, hours_per_week=Decimal("26"), hourly_pay=Decimal("5.50"))


def pdf_of(kind, subject, tmp_path, name="document") -> bytes:
    spec = spec_of(kind)
    assert spec.missing(subject) == [], spec.missing(subject)
    snapshot = json.loads(json.dumps(spec.build(subject, TODAY)))
    pdf = renderer.render_document(kind, snapshot)
    (tmp_path / f"{name}.pdf").write_bytes(pdf)
    return pdf


def pages(tmp_path, name="document") -> list[str]:
    """The text of each page (pdftotext -layout -f N -l N), whitespace made single."""
    path = str(tmp_path / f"{name}.pdf")
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", path], check=True, capture_output=True,  # noqa: S603, S607
                                                              text=True).stdout).group(1))
    texts = []
    for number in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-f", str(number), "-l", str(number),  # noqa: S603, S607
                               path, "-"], check=True, capture_output=True, text=True).stdout
        texts.append(text)
    return texts


def flat(text: str) -> str:
    return " ".join(re.sub(r"-\n\s*", "-", text).split())


def every_document(world, tmp_path) -> dict[str, list[str]]:
    """Each kind of the world, man and woman for the participant documents: name -> pages' text (layout)."""
    programme = world["programme"]
    acte = in_workshop(world, D(2021, 9, 13))
    cep = in_workshop(world, D(2025, 3, 24), sex=Sex.F, ecrou="58214", last_name="Mérieux")
    subjects = {
        "fiche": (DocumentKind.PROJECT_SHEET, programme), "dui": (DocumentKind.APPLICATION_FILE, programme),
        "convention": (DocumentKind.STATE_CONVENTION, world["convention"]),
        "implantation": (DocumentKind.IMPLANTATION_CONTRACT, programme),
        "charter": (DocumentKind.ACCOMPANIMENT_CHARTER, acte), "acte": (DocumentKind.WORK_CONTRACT, acte),
        "cep": (DocumentKind.WORK_CONTRACT, cep), "charter-woman": (DocumentKind.ACCOMPANIMENT_CHARTER, cep),
    }
    result = {}
    for name, (kind, subject) in subjects.items():
        pdf_of(kind, subject, tmp_path, name)
        result[name] = pages(tmp_path, name)
    return result


# --- French typography -----------------------------------------------------------------------------------


def test_french_spacing_sets_non_breaking_spaces_in_the_text_only():
    html = ("<p>Référence : <strong>X</strong> ; ci-après « la SIAE » : 50,5 % et 26 h, 12 081,50 € (n° 2016-531) ?</p>"
            "<style>p :first-child { margin: 0 }</style><a title=\"a : b\">c !</a>")

    assert renderer.french_spacing(html) == (
        "<p>Référence\u00a0: <strong>X</strong>\u00a0; ci-après «\u00a0la SIAE\u00a0»\u00a0: 50,5\u00a0% et "
        "26\u00a0h, 12 081,50\u00a0€ (n°\u00a02016-531)\u00a0?</p>"
        "<style>p :first-child { margin: 0 }</style><a title=\"a : b\">c\u00a0!</a>")


def test_the_printed_html_has_no_breakable_space_before_a_colon_or_a_unit(world):
    for kind, subject in ((DocumentKind.IMPLANTATION_CONTRACT, world["programme"]),
                          (DocumentKind.STATE_CONVENTION, world["convention"]),
                          (DocumentKind.PROJECT_SHEET, world["programme"])):
        spec = spec_of(kind)
        html = render_to_string(spec.template, {"doc": spec.build(subject, TODAY), "template_version": "t"})
        text_parts = renderer.MARKUP.split(renderer.french_spacing(html))[::2]
        offenders = [match.group(0) for part in text_parts
                     for match in re.finditer(r".{0,15}[ \t\n](?:[;:!?»%€]|h\b).{0,5}", part)]
        assert offenders == [], (kind, offenders)


def test_no_line_starts_with_a_colon_a_closing_quote_or_a_unit(world, tmp_path):
    for name, texts in every_document(world, tmp_path).items():
        lines = [line.strip() for text in texts for line in text.splitlines()]
        assert [line for line in lines if re.match(r"(?:[;:!?»%€]|h\b)", line)] == [], name


def test_proper_names_keep_their_capitals_and_articles_agree(world, tmp_path):
    documents = {name: flat("\n".join(texts)) for name, texts in every_document(world, tmp_path).items()}

    assert "représenté par Pascal Bruneau, directeur du centre pénitentiaire de Meaux-Chauconin" in (
        documents["charter"])
    assert "au sein du CP de Meaux-Chauconin" in documents["charter"]
    assert "exercée au sein du CP de Meaux-Chauconin" in documents["cep"]
    assert "dans les locaux de l'atelier du CP de Meaux-Chauconin" in documents["cep"]
    assert "prise par le chef d'établissement du CP de Meaux-Chauconin" in documents["cep"]
    for name, text in documents.items():
        assert "meaux-chauconin" not in text, name
        assert not re.search(r"\b(?:de|à|au sein de) CP\b", text), name
        # no parenthesis inside another: "(SPIP de Seine-et-Marne (77))"
        assert not re.search(r"\([^()]*\([^()]*\)[^()]*\)", text), (name, re.findall(r"\([^()]*\([^()]*\)", text))
        assert ",0 heures" not in text and "26,0" not in text, name
    for name in ("dui", "implantation", "cep"):
        assert "26 h par semaine" in documents[name], name


def test_the_person_s_documents_agree_with_their_recorded_sex(world, tmp_path):
    documents = {name: flat("\n".join(texts)) for name, texts in every_document(world, tmp_path).items()}

    assert "LEFÈVRE Jérôme est engagé pour travailler" in documents["acte"]
    assert "Monsieur LEFÈVRE Jérôme né le" in documents["acte"]
    assert "ci-après désigné « la personne détenue »" in documents["acte"]
    assert "Madame MÉRIEUX Nadia née le" in documents["cep"]
    assert "ci-après désignée « l'opérateur »" in documents["cep"]
    assert "ci-après désignée « la personne accompagnée »" in documents["charter-woman"]
    assert "ci-après désigné « la personne accompagnée »" in documents["charter"]
    for name in ("charter", "charter-woman", "acte", "cep"):
        assert "·" not in documents[name], name  # no "engagé·e", "référent·e" in a document about one person


def test_a_woman_under_an_acte_d_engagement_is_engagee(world, tmp_path):
    pathway = in_workshop(world, D(2021, 9, 13), sex=Sex.F, ecrou="58215", last_name="Durand")
    pdf_of(DocumentKind.WORK_CONTRACT, pathway, tmp_path)

    assert "DURAND Nadia est engagée pour travailler" in flat("\n".join(pages(tmp_path)))


def test_as_many_originals_as_signatories(world, tmp_path):
    for name, texts in every_document(world, tmp_path).items():
        text = flat("\n".join(texts))
        if name in ("fiche", "dui"):
            assert "exemplaires" not in text, name  # no agreement: nothing to sign in originals
            continue
        signing = next(page for page in texts if "exemplaires originaux" in page)
        signatories = len(re.findall(r"\bSignature\b", flat(signing).split("exemplaires originaux")[1]))
        if name == "convention":
            signatories = 2  # the annexes' blocks follow on their own pages
        assert f"en {WORDS[signatories]} exemplaires originaux" in text, name
    assert WORDS[3] == "trois"  # the charter and the 2016 implantation contract: three signatories


# --- A signature block never alone on its page ---------------------------------------------------------


@pytest.mark.parametrize("document", ["charter", "acte", "cep"])
def test_the_signatures_keep_the_last_article_wherever_the_page_breaks(world, tmp_path, document):
    """The activity's name made longer and longer in the snapshot (the data a form takes is capped; the template
    is not) pushes the page break through the last articles: the signatures' page always holds the last
    article's heading, and in some variant that page follows a page break."""
    start = D(2025, 3, 24) if document == "cep" else D(2021, 9, 13)
    pathway = in_workshop(world, start)
    kind = DocumentKind.ACCOMPANIMENT_CHARTER if document == "charter" else DocumentKind.WORK_CONTRACT
    frozen = json.dumps(spec_of(kind).build(pathway, TODAY), ensure_ascii=False)
    moved = False
    for words in range(0, 420, 30):
        activity = " ".join(["Conditionnement"] + ["et étiquetage"] * words)
        snapshot = json.loads(frozen.replace('"Conditionnement', json.dumps(activity, ensure_ascii=False)[:-1]))
        (tmp_path / "document.pdf").write_bytes(renderer.render_document(kind, snapshot))
        texts = [flat(text) for text in pages(tmp_path)]
        signing = [number for number, text in enumerate(texts) if "exemplaires originaux" in text]
        assert len(signing) == 1, (words, signing)
        page = texts[signing[0]]
        assert LAST_ARTICLE[document] in page, (words, page[:300])
        assert "Signature" in page.split("exemplaires originaux")[1], words
        moved = moved or LAST_ARTICLE[document] not in texts[signing[0] - 1]
    assert moved, "no variant put the signatures after a page break"


def test_the_implantation_contract_and_the_convention_keep_their_last_article_with_the_signatures(world, tmp_path):
    for name, texts in every_document(world, tmp_path).items():
        heading = {"implantation": "Article 7 — Modification et résiliation",
                   "convention": "Article 9 — Protection des données personnelles",
                   "dui": "10. Pièces jointes"}.get(name)
        if heading is None:
            continue
        signing = next(flat(text) for text in texts if "Fait à" in text)
        assert heading in signing, name


# --- Tables never overflow -------------------------------------------------------------------------------


def words_beyond_the_margin(path) -> list[str]:
    """Words whose box ends right of the page's text area (pdftotext -bbox)."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout  # noqa: S603, S607
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", out).replace("xmlns=\"http://www.w3.org/1999/xhtml\"", ""))
    limit = A4_WIDTH - RIGHT_MARGIN + 1
    return [word.text for word in root.iter("word") if float(word.get("xMax")) > limit]


def test_tables_never_overflow_however_long_a_name(world, tmp_path):
    programme = world["programme"]
    long_name = "Communautéd'agglomérationduPaysdeMeaux" * 3  # 114 letters without a space
    agency = OrganisationFactory(kind=OK.OTHER, name=long_name)
    Contact.objects.create(organisation=agency, first_name="Anne", last_name="Long", function="Chargée de mission",
                           email="anne.long.charge-de-mission-insertion@agglomeration-pays-de-meaux.invalid")
    role = PartnerRole.objects.create(programme=programme, organisation=agency, role=PartnerRoleKind.FUNDER,
                                      start_date=D(2017, 7, 1), contact=agency.contacts.get())
    make_funding(programme, year=2025, funder="OTHER", amount="1234567.89", organisation=agency)
    assert role.pk

    for kind, name in ((DocumentKind.PROJECT_SHEET, "fiche"), (DocumentKind.APPLICATION_FILE, "dui")):
        pdf_of(kind, programme, tmp_path, name)
        assert words_beyond_the_margin(tmp_path / f"{name}.pdf") == [], name
        assert "1 234 567,89 €" in flat("\n".join(pages(tmp_path, name))), name


# --- Whose letterhead ------------------------------------------------------------------------------------


def header_of(texts: list[str]) -> str:
    """The first page's text above the document's title block."""
    return flat(texts[0].split("\n\n\n")[0])


def test_each_document_carries_the_letterhead_of_who_issues_it(world, tmp_path):
    documents = every_document(world, tmp_path)
    siret = world["siae"].siret
    siae_identity = [SIAE, "2 rue de l'Écluse, 77100 Meaux",
                     f"SIRET {siret[0:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"]
    justice = ["Ministère de la Justice", "Direction de l'administration pénitentiaire", "DISP de Paris",
               "CP de Meaux-Chauconin"]
    for name, texts in documents.items():
        header = header_of(texts)
        state = "RÉPUBLIQUE" in flat(texts[0]) and "FRANÇAISE" in flat(texts[0])
        assert state is (name == "convention"), name  # the State's block on the State convention and its annexes
        if name == "convention":
            assert "DDETS de Seine-et-Marne (77)" in header
        elif name in ("fiche", "dui", "acte", "cep"):
            assert [value for value in siae_identity if value not in header] == [], (name, header)
            assert "Ministère de la Justice" not in header, name
        else:  # the charter and the implantation contract
            assert [value for value in justice if value not in header] == [], (name, header)
            assert "SIRET" not in header, name
