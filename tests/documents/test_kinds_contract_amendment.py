"""The avenant au contrat for a change of weekly hours or post, and the skills on the attestation de fin de parcours
(issue 17 §3), rendered and read back from the PDF (pdftotext).

Monsieur Jérôme Élie LEFÈVRE, on a CEP from 24 March 2025 (24 h a week, post « Logistique et conditionnement ») at
MEAUX-APRES, goes to 30 h a week as « Cariste » from 1 September 2025, then leaves on 30 September 2025 with his
skills recorded. A woman under an acte d'engagement (2021) checks the parties and the administration's name on the
date of effect.
"""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from documents import renderer, services
from documents.enums import Audience, DocumentKind
from documents.models import GeneratedDocument
from documents.registry import spec_of
from participants import contract_changes
from participants import services as pathway_services
from participants.enums import ExitReason, Outcome, SessionDecision, Sex
from partners.enums import OrganisationKind
from partners.models import OrganisationFormerName
from tests.accounts.factories import UserFactory
from tests.documents.matrix_documents import complete_pathway
from tests.participants.factories import PathwayFactory, counsellor, enter_workshop
from tests.partners.factories import OrganisationFactory
from tests.programmes.factories import EstablishmentFactory, ProgrammeFactory, SiaeFactory, luhn_siret

from .factories import pdf_text
from .test_kinds_contract_life import JUDICIAL_WORDS, folded, timeline
from .test_pdfa import NS, xmp_of

pytestmark = pytest.mark.django_db

AVENANT, CERTIFICATE = DocumentKind.CONTRACT_AMENDMENT, DocumentKind.RELEASE_CERTIFICATE
D = datetime.date
TODAY = D(2026, 11, 16)
SIRET = luhn_siret(4_428_170_000_001)
SIRET_PRINTED = f"{SIRET[0:3]} {SIRET[3:6]} {SIRET[6:9]} {SIRET[9:]}"


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def render_pages(kind, pathway, tmp_path) -> tuple[dict, list[str]]:
    spec = spec_of(kind)
    assert spec.missing(pathway) == []
    snapshot = spec.build(pathway, TODAY)
    text = pdf_text(renderer.render_document(kind, snapshot), tmp_path)
    return snapshot, [flat(page) for page in text.split("\f") if page.strip()]


@pytest.fixture
def programme():
    establishment = EstablishmentFactory(name="CP de Meaux-Chauconin", address="Route de Varreddes, 77100 Meaux")
    siae = SiaeFactory(name="Après — Groupe ARES", kind="EI", siret=SIRET, legal_form="Association loi 1901",
                       address="2 rue de l'Écluse\n77100 Meaux", director_name="Hélène Dubœuf")
    return ProgrammeFactory(code="MEAUX-APRES", siae=siae, establishment=establishment,
                            activity="Logistique et conditionnement", sector="Logistique")


def in_workshop(programme, start, **fields):
    values = {"establishment": programme.establishment, "last_name": "Lefèvre", "first_names": "Jérôme Élie",
              "ecrou": "58213", "birth_date": D(1990, 4, 12), "sex": Sex.M,
              "counsellor": counsellor(establishment=programme.establishment), **fields}
    pathway = PathwayFactory(programme=programme, session__date=start - datetime.timedelta(days=21),
                             **{f"participant__{name}": value for name, value in values.items()})
    pathway = pathway_services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    return enter_workshop(pathway, start, hours_per_week=Decimal("24"), hourly_pay=Decimal("6.00"))


@pytest.fixture
def changed(programme):
    pathway = in_workshop(programme, D(2025, 3, 24))
    contract_changes.contract_change_record(pathway=pathway, valid_from=D(2025, 9, 1), hours_per_week=Decimal("30"),
                                            post="Cariste", reason="Passage à temps plein en zone d'expédition.",
                                            by=None)
    pathway.refresh_from_db()
    return pathway


def test_the_avenant_prints_the_parties_the_contract_old_and_new_values_the_date_and_the_signatures(changed,
                                                                                                     tmp_path):
    snapshot, pages = render_pages(AVENANT, changed, tmp_path)
    text = " ".join(pages)

    reference = changed.pk.hex[:8].upper()
    assert snapshot["title"] == f"Avenant au contrat — programme MEAUX-APRES — parcours {reference}"
    assert "LEFÈVRE" not in " ".join(snapshot["metadata"].values())
    assert "Avenant au contrat d'emploi pénitentiaire" in text
    assert "Modification de la durée du travail et du poste à compter du 1er septembre 2025" in text
    assert "Après — Groupe ARES" in text and f"SIRET {SIRET_PRINTED}" in text and "« le donneur d'ordre »" in text
    assert "Monsieur LEFÈVRE Jérôme Élie" in text and "« l'opérateur »" in text
    assert ("Vu le contrat d'emploi pénitentiaire du 24 mars 2025, signé le 24 mars 2025 (programme MEAUX-APRES) ;"
            in text)
    assert ("Durée hebdomadaire avant l'avenant 24 h par semaine Nouvelle durée hebdomadaire 30 h par semaine "
            "Poste avant l'avenant Logistique et conditionnement Nouveau poste Cariste "
            "Motif Passage à temps plein en zone d'expédition") in text
    assert "Date d'effet 1er septembre 2025" in text
    assert ("À compter du 1er septembre 2025, la durée hebdomadaire du travail de l'opérateur passe de 24 h à 30 h "
            "par semaine") in text
    assert "Il porte sur la durée du travail et le poste. Motif : Passage à temps plein en zone d'expédition. " in text
    assert "La rémunération horaire brute (6,00 €) est inchangée" in text
    assert ("À compter du 1er septembre 2025, l'opérateur occupe le poste « Cariste », au lieu du poste « Logistique "
            "et conditionnement ».") in text
    [signing] = [page for page in pages if "Fait à" in page]
    assert "Article 4 — Autres stipulations" in signing  # the signatures never alone on their page
    assert "en deux exemplaires originaux" in text and text.count("Signature") == 2

    # a later avenant changing the post only: the document is about it, with its own articles
    contract_changes.contract_change_record(pathway=changed, valid_from=D(2025, 9, 15), post="Chef d'équipe",
                                            reason="Encadrement d'une équipe", by=None)
    snapshot = spec_of(AVENANT).build(changed, TODAY)
    assert snapshot["hours"] is None and snapshot["post"] == {"old": "Cariste", "new": "Chef d'équipe"}
    assert ["Date d'effet", "15 septembre 2025"] in snapshot["rows"]


def test_after_an_avenant_the_contract_itself_still_prints_what_was_agreed_on_its_first_day(changed, tmp_path):
    """The CEP regenerated later is the contract as signed: 24 h and its first post, with the monthly estimate of
    those hours; the 30 h and the new post belong to the avenant."""
    snapshot, pages = render_pages(DocumentKind.WORK_CONTRACT, changed, tmp_path)
    text = " ".join(pages)

    assert snapshot["hours_per_week"] == "24\u00a0h"
    assert "Durée du travail 24 h par semaine" in text and "30 h" not in text
    assert "Poste et missions Logistique et conditionnement (secteur : Logistique)" in text
    assert "Cariste" not in text


def test_the_pipeline_stores_each_request_as_a_new_pdf_a_version_without_the_person_s_name(changed, settings,
                                                                                           tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    director = UserFactory()
    first = services.document_request(kind=AVENANT, subject=changed, by=director)
    second = services.document_request(kind=AVENANT, subject=changed, by=director)

    assert services.document_generate(second.pk) == "ready"  # what the worker does with the message
    second.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert second.title == spec_of(AVENANT).title(changed) and "LEFÈVRE" not in second.title
    assert second.audience == Audience.INTERNAL
    with second.file.open("rb") as handle:
        data = handle.read()
    [identification] = [d for d in xmp_of(data).iter(f"{{{NS['rdf']}}}Description")
                        if d.get(f"{{{NS['pdfaid']}}}part")]
    assert identification.get(f"{{{NS['pdfaid']}}}part") == "3"
    assert "30 h par semaine" in flat(pdf_text(data, tmp_path))


def test_under_an_acte_d_engagement_the_avenant_is_between_the_establishment_and_the_person_named_on_its_date(
        programme, tmp_path):
    disp = OrganisationFactory(kind=OrganisationKind.DISP, name="DISP de Paris",
                               disp=programme.establishment.department.region.disp)
    OrganisationFormerName.objects.create(organisation=disp, name="DISP de Paris (ancien nom)",
                                          valid_until=D(2021, 10, 31))
    pathway = in_workshop(programme, D(2021, 9, 6), sex=Sex.F, first_names="Inès", last_name="Aït-Saïd")
    contract_changes.contract_change_record(pathway=pathway, valid_from=D(2021, 10, 4), hours_per_week=Decimal("20"),
                                            reason="Demande de l'intéressée", by=None)

    snapshot, pages = render_pages(AVENANT, pathway, tmp_path)
    text = " ".join(pages)

    assert "Avenant à l'acte d'engagement" in text
    assert "Vu le code de procédure pénale, notamment son article 717-3 ;" in text
    assert "DISP de Paris (ancien nom)" in text  # the name in force on 4 October 2021
    assert "Madame AÏT-SAÏD Inès" in text and "« la personne détenue »" in text
    assert [party["designation"] for party in snapshot["parties"]] == ["l'administration pénitentiaire",
                                                                      "la personne détenue"]
    assert "passe de 24 h à 20 h par semaine" in text and "Poste avant" not in text


def test_without_an_avenant_the_request_is_refused_naming_the_form_and_the_page_lists_the_kind(
        scope_a, client_as, django_capture_on_commit_callbacks):
    pathway = complete_pathway(scope_a)
    form = reverse("participants:contract_change", args=[pathway.pk])

    assert [(m.label, m.url) for m in spec_of(AVENANT).missing(pathway)] == [
        ("un avenant de durée du travail ou de poste (la page du parcours le propose)", form)]
    client = client_as("SIAE_DIRECTOR_A")
    page = html.unescape(client.get(pathway.get_absolute_url()).content.decode())
    assert "Avenant au contrat (durée du travail ou poste)<" in page.replace("\n", "")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:pathway_document_request", args=[pathway.pk, "contract-amendment"]))
    text = html.unescape(response.content.decode())
    assert "Des informations manquent pour établir ce document" in text and f'<a href="{form}">' in text
    assert not GeneratedDocument.objects.exists()


def test_the_attestation_prints_the_skills_and_the_post_and_hours_of_each_avenant_with_no_judicial_word(
        changed, tmp_path):
    timeline(changed)
    contract_changes.skills_record(pathway=changed, by=None, skills=(
        "Conduite de chariot élévateur en sécurité\nPréparation et contrôle de commandes\nTravail en équipe"))
    pathway = pathway_services.pathway_exit(pathway=changed, on=D(2025, 9, 30), reason=ExitReason.RESIGNATION,
                                            outcome=Outcome.OTHER, by=None)

    snapshot, pages = render_pages(CERTIFICATE, pathway, tmp_path)
    text = " ".join(pages)

    assert ("Poste occupé Logistique et conditionnement (secteur : Logistique), puis Cariste à partir du 1er "
            "septembre 2025") in text
    assert "Durée hebdomadaire du travail 24 h par semaine, puis 30 h à partir du 1er septembre 2025" in text
    assert ("Compétences et formations acquises • Compétence : Conduite de chariot élévateur en sécurité • Compétence "
            ": Préparation et contrôle de commandes • Compétence : Travail en équipe • Certification : CACES R489"
            ) in text
    words = folded(text)
    assert [word for word in JUDICIAL_WORDS if re.search(rf"\b{word}", words)] == []
