"""The contract's whole life as documents (issue 17 §3), rendered and read back from the PDF (pdftotext): the
suspension (the latest one of the pathway), the end of the contract and the attestation de fin de parcours.

One person, Monsieur Jérôme Élie LEFÈVRE, on a CEP from 24 March 2025 (24 h a week) at MEAUX-APRES: suspended from
14 April to 5 May 2025 (economic difficulties), then from 2 June 2025 for security (still open when the notice is
printed), then released on 30 September 2025, with 3 months of hours (62 + 70,5 + 80 h), a training, a
certification and an immersion on his timeline. A woman under an acte d'engagement (2021) checks the agreement and
the prison administration's letterhead by its name on each document's date. What the data lacks refuses the request,
each item with its form; the pathway page lists the three kinds with what each still needs.
"""

import datetime
import html
import re
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse

from documents import renderer, services
from documents.enums import Audience, DocumentKind
from documents.models import GeneratedDocument
from documents.registry import spec_of
from participants import services as pathway_services
from participants.enums import (
    DEFAULT_OUTCOME,
    EventKind,
    ExitReason,
    Outcome,
    ReturnReason,
    SessionDecision,
    Sex,
    SuspensionReason,
)
from partners.enums import OrganisationKind
from partners.models import OrganisationFormerName
from tests.accounts.factories import UserFactory
from tests.documents.matrix_documents import complete_pathway
from tests.participants.factories import PathwayFactory, counsellor, enter_workshop
from tests.partners.factories import OrganisationFactory
from tests.programmes.factories import EstablishmentFactory, ProgrammeFactory, SiaeFactory, luhn_siret

from .factories import pdf_text
from .test_pdfa import NS, inflated_streams, pdfinfo, xmp_of

pytestmark = pytest.mark.django_db

SUSPENSION, END, CERTIFICATE = (DocumentKind.CONTRACT_SUSPENSION, DocumentKind.CONTRACT_END,
                                DocumentKind.RELEASE_CERTIFICATE)
D = datetime.date
TODAY = D(2026, 11, 16)
SIRET = luhn_siret(4_428_170_000_001)
SIRET_PRINTED = f"{SIRET[0:3]} {SIRET[3:6]} {SIRET[6:9]} {SIRET[9:]}"
# What an attestation shown to an employer never says (checked case-insensitively, accents folded).
JUDICIAL_WORDS = ("detention", "detenu", "ecrou", "prison", "penitentiaire", "etablissement", "spip", "cpip",
                  "incarcer", "peine", "justice", "liberation", "juge", "jap", "operateur", "chauconin", "cp de",
                  "58213")


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def folded(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))


def render_pages(kind, pathway, tmp_path) -> tuple[dict, list[str]]:
    """The snapshot and the text of each page of its PDF (pdftotext separates pages with a form feed)."""
    spec = spec_of(kind)
    assert spec.missing(pathway) == []
    snapshot = spec.build(pathway, TODAY)
    text = pdf_text(renderer.render_document(kind, snapshot), tmp_path)
    return snapshot, [flat(page) for page in text.split("\f") if page.strip()]


def render(kind, pathway, tmp_path) -> tuple[dict, str]:
    snapshot, pages = render_pages(kind, pathway, tmp_path)
    return snapshot, " ".join(pages)


def signing_page(pages: list[str]) -> str:
    """The page of the signatures ("Fait à …, en deux exemplaires originaux"), which must hold the last article."""
    [page] = [page for page in pages if "Fait à" in page]
    return page


def ref(pathway) -> str:
    return str(pathway.pk).replace("-", "")[:8].upper()


@pytest.fixture
def programme():
    establishment = EstablishmentFactory(name="CP de Meaux-Chauconin", address="Route de Varreddes, 77100 Meaux")
    siae = SiaeFactory(name="Après — Groupe ARES", kind="EI", siret=SIRET, legal_form="Association loi 1901",
                       address="2 rue de l'Écluse\n77100 Meaux", director_name="Hélène Dubœuf")
    return ProgrammeFactory(code="MEAUX-APRES", siae=siae, establishment=establishment,
                            activity="Logistique et conditionnement", sector="Logistique")


def person(programme, **fields) -> dict:
    values = {"establishment": programme.establishment, "last_name": "Lefèvre", "first_names": "Jérôme Élie",
              "ecrou": "58213", "birth_date": D(1990, 4, 12), "sex": Sex.M,
              "counsellor": counsellor(first_name="Anaïs", last_name="Cœurderoy",
                                       establishment=programme.establishment)}
    return {f"participant__{name}": value for name, value in {**values, **fields}.items()}


def in_workshop(programme, start, **fields):
    pathway = PathwayFactory(programme=programme, session__date=start - datetime.timedelta(days=21),
                             **person(programme, **fields))
    pathway = pathway_services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    return enter_workshop(pathway, start, hours_per_week=Decimal("24"), hourly_pay=Decimal("6.00"))


@pytest.fixture
def cep(programme):
    return in_workshop(programme, D(2025, 3, 24))


def timeline(pathway):
    record = pathway_services.event_record
    for month, hours in ((D(2025, 6, 1), Decimal("62")), (D(2025, 7, 1), Decimal("70.5")),
                         (D(2025, 8, 1), Decimal("80"))):
        record(pathway=pathway, kind=EventKind.HOURS_WORKED, on=month, hours=hours, by=None)
    record(pathway=pathway, kind=EventKind.TRAINING, on=D(2025, 6, 16), end_on=D(2025, 6, 20),
           detail="Sauveteur secouriste du travail (SST)", by=None)
    record(pathway=pathway, kind=EventKind.CERTIFICATION, on=D(2025, 7, 10),
           detail="CACES R489 catégorie 3 (chariots élévateurs)", by=None)
    record(pathway=pathway, kind=EventKind.PMSMP, on=D(2025, 9, 8), end_on=D(2025, 9, 12),
           detail="Préparateur de commandes chez Logidis, Meaux", by=None)
    # never on an attestation: a step of the sentence's adjustment
    record(pathway=pathway, kind=EventKind.ADJUSTMENT_REQUEST, on=D(2025, 8, 4), detail="Requête au JAP", by=None)


# --- The suspension -------------------------------------------------------------------------------------------


def test_the_suspension_notice_is_about_the_latest_suspension_with_its_reason_dates_and_signatures(cep, tmp_path):
    pathway = pathway_services.pathway_suspend(pathway=cep, start=D(2025, 4, 14), reason=SuspensionReason.ECONOMIC,
                                               by=None)
    pathway = pathway_services.pathway_resume(pathway=pathway, on=D(2025, 5, 5), by=None)

    snapshot, text = render(SUSPENSION, pathway, tmp_path)

    assert snapshot["title"] == f"Suspension du contrat — programme MEAUX-APRES — parcours {ref(pathway)}"
    assert "Suspension du contrat d'emploi pénitentiaire" in text
    assert "Dernière suspension enregistrée du parcours, à compter du 14 avril 2025" in text
    assert "Après — Groupe ARES" in text and f"SIRET {SIRET_PRINTED}" in text and "« le donneur d'ordre »" in text
    assert "Monsieur LEFÈVRE Jérôme Élie" in text and "« l'opérateur »" in text
    assert ("Vu le contrat d'emploi pénitentiaire du 24 mars 2025, signé le 24 mars 2025 (programme MEAUX-APRES) ;"
            in text)
    assert "Motif Difficultés économiques" in text
    assert "Décidée par le donneur d'ordre, avec l'accord de l'administration pénitentiaire" in text
    assert "Premier jour de la suspension 14 avril 2025" in text
    assert "Reprise du travail 5 mai 2025 (suspension de 21 jours)" in text
    assert ("L'exécution du contrat est suspendue à compter du 14 avril 2025, pour le motif suivant : difficultés "
            "économiques.") in text
    assert "en deux exemplaires originaux" in text and text.count("Signature") == 2

    # a second suspension, for security, still open: the notice is about it, the establishment signs too
    pathway = pathway_services.pathway_suspend(pathway=pathway, start=D(2025, 6, 2),
                                               reason=SuspensionReason.DISCIPLINE_SECURITY, by=None)
    snapshot, pages = render_pages(SUSPENSION, pathway, tmp_path)
    text = " ".join(pages)
    assert "Article 3 — Effets" in signing_page(pages)  # the signatures never alone on their page

    assert "à compter du 2 juin 2025" in text and "14 avril 2025" not in text
    assert "Motif Motif disciplinaire ou de sécurité" in text
    assert "Décidée par l'administration pénitentiaire (chef d'établissement)" in text
    assert "Reprise du travail à la date notifiée par écrit à l'opérateur" in text
    assert ("La suspension dure jusqu'à la reprise du travail, dont la date est notifiée par écrit à l'opérateur."
            in text)
    assert "Pour l'établissement pénitentiaire" in text
    assert "en trois exemplaires originaux" in text and text.count("Signature") == 3


def test_without_a_suspension_or_an_exit_the_documents_are_refused_naming_the_step(cep):
    step = reverse("participants:pathway_step", args=[cep.pk, "suspension"])
    exit_step = reverse("participants:pathway_step", args=[cep.pk, "sortie"])

    assert [(m.label, m.url) for m in spec_of(SUSPENSION).missing(cep)] == [
        ("une suspension du contrat (l'étape « Suspension » du parcours)", step)]
    assert [(m.label, m.url) for m in spec_of(END).missing(cep)] == [
        ("la sortie du programme (sa date et son motif)", exit_step)]
    assert [m.label for m in spec_of(CERTIFICATE).missing(cep)] == [
        "la sortie du programme (sa date et son motif)",
        "les heures travaillées (les heures du mois, dans la chronologie du parcours)"]
    with pytest.raises(services.MissingData):
        services.document_request(kind=SUSPENSION, subject=cep, by=UserFactory())


# --- The end of the contract and the attestation ----------------------------------------------------------------


@pytest.fixture
def released(cep):
    pathway = pathway_services.pathway_suspend(pathway=cep, start=D(2025, 4, 14), reason=SuspensionReason.ECONOMIC,
                                               by=None)
    pathway = pathway_services.pathway_resume(pathway=pathway, on=D(2025, 5, 5), by=None)
    timeline(pathway)
    return pathway_services.pathway_exit(pathway=pathway, on=D(2025, 9, 30), reason=ExitReason.RELEASE_ADJUSTMENT,
                                         adjustment="LC", outcome=Outcome.TRANSITION, job_contract="CDD",
                                         job_months=4, note="Libération conditionnelle accordée par le JAP", by=None)


def test_the_end_of_contract_gives_its_last_day_its_reason_its_length_and_the_hours(released, tmp_path):
    snapshot, pages = render_pages(END, released, tmp_path)
    text = " ".join(pages)
    assert len(pages) == 2 and "Article 2 — Solde et suites du parcours" in signing_page(pages)

    assert snapshot["title"] == f"Fin du contrat — programme MEAUX-APRES — parcours {ref(released)}"
    assert "Fin du contrat d'emploi pénitentiaire" in text
    assert "Monsieur LEFÈVRE Jérôme Élie" in text and "« l'opérateur »" in text and "« le donneur d'ordre »" in text
    assert ("Contrat Contrat d'emploi pénitentiaire du 24 mars 2025, signé le 24 mars 2025 — programme MEAUX-APRES"
            in text)
    assert "Premier jour 24 mars 2025 Dernier jour 30 septembre 2025" in text
    assert "Durée d'exécution 6 mois et 7 jours" in text
    assert "Fin du contrat De plein droit Motif La libération de l'opérateur" in text
    assert "Heures travaillées au cours du parcours 212,5 h" in text
    assert ("Le contrat d'emploi pénitentiaire du 24 mars 2025, signé le 24 mars 2025 (programme MEAUX-APRES) prend "
            "fin le 30 septembre 2025, de plein droit. Motif : la libération de l'opérateur.") in text
    assert "soit 212,5 h au cours du parcours" in text
    assert "en deux exemplaires originaux" in text and text.count("Signature") == 2
    # the SPIP's data stays out: the kind of adjustment, the note of the exit, the outcome
    for private in ("conditionnelle", "JAP", "CDD", "Emploi de transition"):
        assert private not in text


@pytest.mark.parametrize(("reason", "return_reason", "initiative", "why"), [
    (ExitReason.RESIGNATION, "", "à l'initiative de l'opérateur", "la démission de l'opérateur, par demande écrite"),
    (ExitReason.TERMINATION, "", "à l'initiative du donneur d'ordre",
     "la rupture décidée par le donneur d'ordre, après un entretien préalable"),
    (ExitReason.RETURN_ORDINARY_DETENTION, ReturnReason.ACCOMPANIMENT, "à l'initiative du donneur d'ordre",
     "le non-respect de l'accompagnement socio-professionnel, après un entretien préalable"),
    (ExitReason.RETURN_ORDINARY_DETENTION, ReturnReason.SECURITY, "par décision de l'administration pénitentiaire",
     "la fin de l'affectation pour un motif de sécurité"),
    (ExitReason.TRANSFER, "", "de plein droit", "le transfert de l'opérateur vers un autre établissement"),
])
def test_the_end_of_contract_says_who_ends_it_and_why(cep, reason, return_reason, initiative, why):
    pathway = pathway_services.pathway_exit(pathway=cep, on=D(2025, 6, 30), reason=reason,
                                            outcome=DEFAULT_OUTCOME.get(reason, Outcome.OTHER),
                                            return_reason=return_reason, by=None)

    snapshot = spec_of(END).build(pathway, TODAY)

    assert (snapshot["initiative"], snapshot["reason"]) == (initiative, why)


def test_the_attestation_names_the_employer_post_dates_hours_trainings_and_immersions_and_no_judicial_word(
        released, tmp_path):
    snapshot, text = render(CERTIFICATE, released, tmp_path)

    assert snapshot["title"] == f"Attestation de fin de parcours — programme MEAUX-APRES — parcours {ref(released)}"
    assert text.startswith("Après — Groupe ARES 2 rue de l'Écluse, 77100 Meaux SIRET " + SIRET_PRINTED)
    assert ("La structure d'insertion par l'activité économique Après — Groupe ARES, entreprise d'insertion (EI), "
            f"association loi 1901, SIRET {SIRET_PRINTED}, dont le siège est situé 2 rue de l'Écluse, 77100 Meaux, "
            "représentée par Hélène Dubœuf, atteste que : Monsieur Jérôme Élie LEFÈVRE, né le 12 avril 1990, a occupé "
            "un poste de travail en insertion au sein de la structure du 24 mars 2025 au 30 septembre 2025") in text
    assert "y a travaillé 212,5 h au total" in text
    assert "Poste occupé Logistique et conditionnement (secteur : Logistique)" in text
    assert "Période du 24 mars 2025 au 30 septembre 2025 Durée du parcours 6 mois et 7 jours" in text
    assert "Durée hebdomadaire du travail 24 h par semaine Heures travaillées 212,5 h" in text
    assert "Certification : CACES R489 catégorie 3 (chariots élévateurs), le 10 juillet 2025" in text
    assert "Formation : Sauveteur secouriste du travail (SST), du 16 juin 2025 au 20 juin 2025" in text
    assert "Préparateur de commandes chez Logidis, Meaux, du 8 septembre 2025 au 12 septembre 2025" in text
    assert "délivrée à l'intéressé pour servir et valoir ce que de droit" in text
    assert "Pour Après — Groupe ARES Hélène Dubœuf Signature et cachet" in text and text.count("Signature") == 1
    assert "exemplaires" not in text  # one signatory, one original
    words = folded(text)
    assert [word for word in JUDICIAL_WORDS if re.search(rf"\b{word}", words)] == []
    # nor in its title, footer or properties
    assert [word for word in JUDICIAL_WORDS if word in folded(" ".join(snapshot["metadata"].values()))] == []



def test_each_request_makes_a_new_version_rendered_by_the_pipeline(released, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    director = UserFactory()
    for kind in (SUSPENSION, END, CERTIFICATE):
        first = services.document_request(kind=kind, subject=released, by=director)
        second = services.document_request(kind=kind, subject=released, by=director)
        assert services.document_generate(second.pk) == "ready"  # what the worker does with the message
        second.refresh_from_db()

        assert (first.version, second.version) == (1, 2), kind
        assert second.title == spec_of(kind).title(released) and "LEFÈVRE" not in second.title
        assert second.audience == Audience.INTERNAL  # read in the application by the programme's readers only
        with second.file.open("rb") as handle:
            assert len(handle.read()) == second.size > 0


# --- A woman under an acte d'engagement: agreement, letterhead by its name on each document's date --------------


def test_under_an_acte_d_engagement_the_documents_agree_and_name_the_administration_as_on_their_date(programme,
                                                                                                      tmp_path):
    disp = OrganisationFactory(kind=OrganisationKind.DISP, name="DISP de Paris",
                               disp=programme.establishment.department.region.disp)
    OrganisationFormerName.objects.create(organisation=disp, name="DISP de Paris (ancien nom)",
                                          valid_until=D(2021, 10, 31))
    pathway = in_workshop(programme, D(2021, 9, 6), sex=Sex.F, first_names="Inès", last_name="Aït-Saïd")
    pathway = pathway_services.pathway_suspend(pathway=pathway, start=D(2021, 10, 4),
                                               reason=SuspensionReason.SUPPLY, by=None)
    pathway = pathway_services.pathway_resume(pathway=pathway, on=D(2021, 10, 11), by=None)
    pathway_services.event_record(pathway=pathway, kind=EventKind.HOURS_WORKED, on=D(2021, 11, 1),
                                  hours=Decimal("48"), by=None)
    pathway = pathway_services.pathway_exit(pathway=pathway, on=D(2021, 12, 15), reason=ExitReason.RESIGNATION,
                                            outcome=Outcome.OTHER, by=None)

    _, suspension = render(SUSPENSION, pathway, tmp_path)
    _, end = render(END, pathway, tmp_path)
    _, certificate = render(CERTIFICATE, pathway, tmp_path)

    assert "Suspension de l'acte d'engagement" in suspension
    assert "Vu le code de procédure pénale, notamment son article 717-3 ;" in suspension  # before May 2022
    assert "code pénitentiaire" not in suspension
    assert "DISP de Paris (ancien nom)" in suspension  # 4 October 2021
    assert "Madame AÏT-SAÏD Inès" in suspension and "née le 12 avril 1990" in suspension
    assert "« la personne détenue »" in suspension
    assert "Décidée par le chef d'établissement" in suspension
    assert "Fin de l'acte d'engagement" in end
    assert "DISP de Paris" in end and "(ancien nom)" not in end  # 15 December 2021
    assert "à l'initiative de la personne détenue. Motif : la démission de la personne détenue" in end
    assert "Madame Inès AÏT-SAÏD, née le 12 avril 1990" in certificate
    assert "délivrée à l'intéressée" in certificate and "48 h au total" in certificate


def test_an_acte_turned_into_a_cep_is_the_acte_before_the_cep_s_first_day_and_the_cep_after(programme):
    pathway = in_workshop(programme, D(2021, 9, 6))
    pathway = pathway_services.pathway_suspend(pathway=pathway, start=D(2022, 1, 10), reason=SuspensionReason.SUPPLY,
                                               by=None)
    pathway = pathway_services.pathway_resume(pathway=pathway, on=D(2022, 1, 17), by=None)
    pathway = pathway_services.pathway_convert_to_cep(pathway=pathway, on=D(2023, 1, 2), hours_per_week=Decimal("26"),
                                                      hourly_pay=Decimal("5.20"), signed_on=D(2022, 12, 20), by=None)
    pathway = pathway_services.pathway_exit(pathway=pathway, on=D(2023, 3, 31), reason=ExitReason.RESIGNATION,
                                            outcome=Outcome.OTHER, by=None)

    suspension, end = spec_of(SUSPENSION).build(pathway, TODAY), spec_of(END).build(pathway, TODAY)

    # the acte's own signature was not kept: the pathway's signature date is the CEP's
    assert suspension["the_contract"] == "l'acte d'engagement du 6 septembre 2021 (programme MEAUX-APRES)"
    assert [party["designation"] for party in suspension["parties"]] == ["l'administration pénitentiaire",
                                                                         "la personne détenue"]
    assert end["the_contract"] == ("le contrat d'emploi pénitentiaire du 2 janvier 2023, signé le 20 décembre 2022 "
                                   "(programme MEAUX-APRES)")
    assert ["Premier jour", "2 janvier 2023"] in end["rows"] and ["Dernier jour", "31 mars 2023"] in end["rows"]
    assert end["initiative"] == "à l'initiative de l'opérateur"


# --- The pathway page lists them --------------------------------------------------------------------------------


def test_the_pathway_page_lists_the_three_documents_and_a_request_shows_what_is_missing(
        client_as, scope_a, django_capture_on_commit_callbacks):
    pathway = complete_pathway(scope_a)
    client = client_as("SIAE_DIRECTOR_A")

    page = html.unescape(client.get(pathway.get_absolute_url()).content.decode())
    for label in ("Suspension du contrat", "Fin du contrat", "Attestation de fin de parcours"):
        assert f"{label}<" in page.replace("\n", "")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:pathway_document_request", args=[pathway.pk, "contract-suspension"]))

    text = html.unescape(response.content.decode())
    assert "Des informations manquent pour établir ce document" in text
    step = reverse("participants:pathway_step", args=[pathway.pk, "suspension"])
    assert f'<a href="{step}">Une suspension du contrat (l\'étape « Suspension » du parcours)</a>' in text
    assert not GeneratedDocument.objects.exists()


# --- PDF/A and properties -----------------------------------------------------------------------------------------


def test_the_three_documents_are_pdf_a_with_embedded_fonts_and_no_name_in_their_properties(released, tmp_path):
    for kind in (SUSPENSION, END, CERTIFICATE):
        snapshot = spec_of(kind).build(released, TODAY)
        data = renderer.render_document(kind, snapshot)
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(data)

        xmp = xmp_of(data)
        [identification] = [d for d in xmp.iter(f"{{{NS['rdf']}}}Description") if d.get(f"{{{NS['pdfaid']}}}part")]
        assert (identification.get(f"{{{NS['pdfaid']}}}part"), identification.get(f"{{{NS['pdfaid']}}}conformance")) \
            == ("3", "B"), kind
        everything = b"".join([data, *inflated_streams(data)])
        assert b"/OutputIntents" in everything and b"/Encrypt" not in everything, kind
        assert not re.search(rb"/S\s*/Transparency", everything), kind
        fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,  # noqa: S603, S607
                               text=True).stdout
        rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
        assert rows and all(row[-5] == "yes" for row in rows), fonts  # "emb", 5th column from the end

        info = pdfinfo(path)
        assert (info["Title"], info["Subject"], info["Keywords"]) == (
            snapshot["metadata"]["title"], snapshot["metadata"]["subject"], snapshot["metadata"]["keywords"])
        assert f"référence {ref(released)}" in info["Subject"]
        properties = " ".join([*info.values(), ET.tostring(xmp, encoding="unicode")])
        assert [value for value in ("LEFÈVRE", "Lefèvre", "Jérôme", "58213", "1990") if value in properties] == []
        if kind == CERTIFICATE:  # shown to an employer: its properties (Creator included) say nothing of detention
            assert [word for word in JUDICIAL_WORDS if word in folded(" ".join(info.values()))] == [], info
