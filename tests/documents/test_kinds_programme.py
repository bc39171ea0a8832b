"""The four programme and convention documents (fiche-projet, dossier unique d'instruction, convention with the
State and its annexes, contrat d'implantation): built from factories, rendered through the renderer, read back
with pdftotext; and the refusal, before any work, when what a document certifies is missing.

The SIAE is named "Atelier Bâtir <b>& Réparer": the text read back from every PDF holds it literally, which
proves the values are escaped (an unescaped name would print in bold without its "<b>").
"""

import datetime
import json
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.enums import Role
from accounts.models import User
from documents.enums import DocumentKind
from documents.kinds import common
from documents.models import GeneratedDocument
from documents.registry import spec_of
from documents.renderer import render_document
from documents.services import MissingData, document_request
from partners.enums import OrganisationKind as OK
from partners.enums import PartnerRoleKind
from partners.models import Contact, OrganisationFormerName, PartnerRole
from programmes.models import Department, Disp, Establishment, Quartier, Region
from tests.partners.factories import OrganisationFactory
from tests.programmes.convention_factories import make_annex, make_contract, make_convention, make_funding
from tests.programmes.factories import EstablishmentFactory, ProgrammeFactory, SiaeFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"),
]

D = datetime.date
TODAY = D(2026, 3, 12)
SIAE_NAME = "Atelier Bâtir <b>& Réparer"
ESTABLISHMENT = "CP de Meaux-Chauconin-Écluse"
DIRECCTE_UD = "DIRECCTE Île-de-France — unité départementale de Seine-et-Marne"
DDETS = "DDETS de Seine-et-Marne"
DIRECCTE, DREETS = "DIRECCTE Île-de-France", "DRIEETS Île-de-France"


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The text of the PDF as pdftotext -layout reads it, with runs of spaces (and NBSP) made single; a line
    that ends on a hyphen is joined to the next (WeasyPrint breaks "Seine-et-Marne" there, never hyphenates)."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],  # noqa: S603, S607
                          check=True, capture_output=True, text=True).stdout
    return " ".join(re.sub(r"-\n\s*", "-", text).split())


def assert_prints(text: str, expected: list[str]) -> None:
    absent = [value for value in expected if value not in text]
    assert absent == [], f"not printed: {absent}\n--- text read back ---\n{text}"


def render(kind: str, subject, tmp_path, today=TODAY) -> tuple[dict, str]:
    spec = spec_of(kind)
    assert spec.missing(subject) == [], spec.missing(subject)
    snapshot = spec.build(subject, today)
    snapshot = json.loads(json.dumps(snapshot))  # what the JSONField stores and gives back
    pdf = render_document(kind, snapshot)
    assert pdf.startswith(b"%PDF-")
    return snapshot, pdf_text(pdf, tmp_path)


@pytest.fixture
def world(db):
    """A programme at Meaux with everything its documents need: the State's services under their names before
    and after 1 April 2021, the DISP and its director, the establishment and its head, the SPIP, partners,
    funding lines, conventions (2019 and 2022) with annexes, and implantation contracts (2016 and 2022)."""
    seine_et_marne = Department.objects.get(code="77")
    idf, paris = Region.objects.get(code="11"), Disp.objects.get(code="DISP_PARIS")
    establishment = EstablishmentFactory(name=ESTABLISHMENT, address="Route de Barcy\n77124 Chauconin-Neufmontiers")
    quartier = Quartier.objects.create(establishment=establishment, kind="QNC")
    siae = SiaeFactory(name=SIAE_NAME, kind="EI", legal_form="Société coopérative d'intérêt collectif",
                       address="3 rue de l'Église\n77100 Meaux", director_name="Agnès Évrard")
    programme = ProgrammeFactory(code="MEAUX-BATIR", siae=siae, establishment=establishment, quartier=quartier,
                                 activity="Réparation de vélos et de fauteuils roulants", sector="Mécanique",
                                 stage="CONVENTIONNEMENT", places_planned=12, etp_planned=Decimal("8.5"))

    dreets = OrganisationFactory(kind=OK.DREETS, name=DREETS, region=idf)
    OrganisationFormerName.objects.create(organisation=dreets, name=DIRECCTE, valid_until=D(2021, 3, 31))
    ddets = OrganisationFactory(kind=OK.DDETS, name=DDETS, department=seine_et_marne)
    OrganisationFormerName.objects.create(organisation=ddets, name=DIRECCTE_UD, valid_until=D(2021, 3, 31))
    disp = OrganisationFactory(kind=OK.DISP, name="DISP de Paris", disp=paris)
    Contact.objects.create(organisation=disp, first_name="Jérôme", last_name="Dupré",
                           function="Directeur interrégional des services pénitentiaires")
    Contact.objects.create(organisation=disp, first_name="Paul", last_name="Adjoint",
                           function="Directeur interrégional adjoint")
    prison = OrganisationFactory(kind=OK.ESTABLISHMENT, name=ESTABLISHMENT, establishment=establishment,
                                 department=seine_et_marne)
    Contact.objects.create(organisation=prison, first_name="Hélène", last_name="Lefèvre",
                           function="Cheffe d'établissement", email="helene.lefevre@justice.invalid")
    OrganisationFactory(kind=OK.SPIP, name="SPIP de Seine-et-Marne", department=seine_et_marne,
                        served_establishments=[establishment])
    employment = OrganisationFactory(kind=OK.FRANCE_TRAVAIL, name="France Travail Meaux", department=seine_et_marne)
    OrganisationFormerName.objects.create(organisation=employment, name="Pôle emploi Meaux",
                                          valid_until=D(2023, 12, 31))
    PartnerRole.objects.create(programme=programme, organisation=employment, role=PartnerRoleKind.EMPLOYMENT,
                               start_date=D(2019, 7, 1))
    departement = OrganisationFactory(kind=OK.DEPARTEMENT, name="Conseil départemental de Seine-et-Marne",
                                      department=seine_et_marne)
    make_funding(programme, year=2022, funder="STATE", amount="48711.60", organisation=ddets)
    make_funding(programme, year=2023, funder="DEPARTEMENT", amount="12081.50", organisation=departement)

    convention_2019 = make_convention(siae=siae, authority=ddets, start=D(2019, 7, 1), end=D(2021, 6, 30),
                                      reference="CONV-77-2019")
    make_annex(convention_2019, asp_number="EI077190042", measure="EI_MP", year=2019, start=D(2019, 7, 1),
               end=D(2020, 6, 30), etp="4", aid_amount="48711.60")
    convention_2022 = make_convention(siae=siae, authority=dreets, start=D(2022, 1, 1), end=D(2024, 12, 31),
                                      reference="CONV-IDF-2022")
    make_annex(convention_2022, asp_number="EI077220042", measure="EI_MP", year=2022, etp="8.5",
               aid_amount="12081.50")
    return {"programme": programme, "siae": siae, "establishment": establishment, "dreets": dreets, "ddets": ddets,
            "disp": disp, "prison": prison, "convention_2019": convention_2019,
            "convention_2022": convention_2022}


def test_french_formats_of_dates_amounts_and_siret():
    assert common.long_date(D(2017, 7, 1)) == "1er juillet 2017"
    assert common.long_date(D(2021, 8, 31)) == "31 août 2021"
    assert common.euros(Decimal("12081.5")) == "12\u00a0081,50\u00a0€"
    assert common.number(Decimal("8.5")) == "8,50"
    assert common.siret("12345678900012") == "123\u00a0456\u00a0789\u00a000012"
    assert common.duration(D(2022, 5, 1), D(2029, 4, 30)) == "7 ans"
    assert common.duration(D(2017, 7, 1), D(2018, 12, 31)) == "18 mois"


def test_establishments_take_the_article_of_their_kind():
    assert common.at(Establishment(name="CP de Meaux-Chauconin", kind="CP")) == "au CP de Meaux-Chauconin"
    assert common.at(Establishment(name="MA de Nice", kind="MA")) == "à la MA de Nice"
    assert common.of(Establishment(name="Maison centrale d'Arles", kind="MC")) == "de la Maison centrale d'Arles"
    assert common.the(Establishment(name="EPM de Lavaur", kind="EPM")) == "l'EPM de Lavaur"


def test_project_sheet_prints_the_programme_its_establishment_partners_and_funding(world, tmp_path):
    siae = world["siae"]
    snapshot, text = render(DocumentKind.PROJECT_SHEET, world["programme"], tmp_path)
    assert snapshot["title"] == "Fiche-projet MEAUX-BATIR"
    assert_prints(text, [
        "Fiche-projet", "Établi le 12 mars 2026", "MEAUX-BATIR", SIAE_NAME, common.siret(siae.siret).replace(
            "\u00a0", " "), "Entreprise d'insertion (EI)", "Réparation de vélos et de fauteuils roulants",
        ESTABLISHMENT, "Quartier nouveau concept", "Centre pénitentiaire", "Non (gestion publique)",
        "DISP de Paris", "SPIP de Seine-et-Marne", "Places prévues 12", "ETP prévus 8,50", "Conventionnement",
        # The State's services and the partners under their names on the sheet's date (2026).
        DREETS, DDETS, "France Travail Meaux", "Service public de l'emploi", "depuis le 1er juillet 2019",
        "48 711,60 €", "12 081,50 €", "60 793,10 €",
        "Hélène Lefèvre", "Cheffe d'établissement", "helene.lefevre@justice.invalid",
        "CONV-IDF-2022, du 1er janvier 2022 au 31 décembre 2024",
    ])
    assert "Pôle emploi" not in text and DIRECCTE not in text


def test_application_file_prints_the_structure_the_project_and_the_budget(world, tmp_path):
    make_contract(world["programme"], regime="R2022", start=D(2022, 5, 1), end=D(2029, 4, 30),
                  premises="Atelier de 180 m² et réserve", weekly_hours="26")
    _, text = render(DocumentKind.APPLICATION_FILE, world["programme"], tmp_path)
    assert_prints(text, [
        "Dossier unique d'instruction", SIAE_NAME, "Société coopérative d'intérêt collectif",
        "3 rue de l'Église, 77100 Meaux", "Représentant légal Agnès Évrard", "Seine-et-Marne (77)",
        f"Instruction {DDETS}", "Avis de la DISP DISP de Paris",
        "Réparation de vélos", ESTABLISHMENT, "Places prévues 12", "8,50 ETP",
        "Contrat d'emploi pénitentiaire", "26 h par semaine", "Atelier de 180 m² et réserve",
        "France Travail Meaux", "48 711,60 €", "12 081,50 €", "Total 2023 12 081,50 €",
        "Taux de sorties dynamiques", "Relevé d'identité bancaire", "Pour la SIAE " + SIAE_NAME,
    ])


@pytest.mark.parametrize(("convention", "authority", "not_authority"), [
    ("convention_2019", DIRECCTE_UD, DDETS),  # signed by the DDETS's predecessor, before 1 April 2021
    ("convention_2022", DREETS, DIRECCTE),
])
def test_state_convention_names_the_authority_as_it_was_called_when_it_started(
        world, tmp_path, convention, authority, not_authority):
    snapshot, text = render(DocumentKind.STATE_CONVENTION, world[convention], tmp_path)
    assert snapshot["authority"] == authority
    assert f"par délégation, par la {authority}" in text
    assert not_authority not in text
    assert SIAE_NAME in text and "Agnès Évrard" in text and "Pour le préfet et par délégation" in text


def test_state_convention_prints_each_annex_with_its_number_period_and_aid(world, tmp_path):
    siae = world["siae"]
    _, text = render(DocumentKind.STATE_CONVENTION, world["convention_2019"], tmp_path)
    assert_prints(text, [
        "Convention entre l'État et une structure d'insertion", "Référence : CONV-77-2019",
        f"{SIAE_NAME}, entreprise d'insertion (EI), SIRET {common.siret(siae.siret)}".replace("\u00a0", " "),
        "dont le siège est situé 3 rue de l'Église, 77100 Meaux", "représentée par Agnès Évrard",
        "MEAUX-BATIR", ESTABLISHMENT, "du 1er juillet 2019 au 30 juin 2021, soit une durée de 2 ans",
        "le SPIP de Seine-et-Marne",
        "Annexe financière n° EI077190042", "Du 1er juillet 2019 au 30 juin 2020",
        "EI en milieu pénitentiaire (EI_MP)", "4,00 ETP", "48 711,60 € (montant inscrit dans l'annexe signée)",
        "Agence de services et de paiement (ASP)", "Pour la SIAE " + SIAE_NAME,
    ])


def test_implantation_contract_2016_is_signed_by_the_di_the_head_of_establishment_and_the_siae(world, tmp_path):
    make_contract(world["programme"], regime="R2016", start=D(2017, 7, 1), end=D(2018, 12, 31), pay="4.40",
                  premises="Atelier du quartier nouveau concept", weekly_hours="26", posts=10,
                  signed_on=D(2017, 6, 20))
    snapshot, text = render(DocumentKind.IMPLANTATION_CONTRACT, world["programme"], tmp_path)
    assert [party["name"] for party in snapshot["parties"]] == ["DISP de Paris", ESTABLISHMENT, SIAE_NAME]
    assert_prints(text, [
        "représentée par Jérôme Dupré, directeur interrégional des services pénitentiaires",
        "représenté par Hélène Lefèvre, cheffe d'établissement", "représentée par Agnès Évrard",
        "Vu le décret n° 2016-1853 du 23 décembre 2016", "Réparation de vélos et de fauteuils roulants",
        "entreprise d'insertion (EI)", "10 postes", "26 h par semaine",
        # 4,40 € on 1 July 2017, when the SMIC was 9,76 €: 45,1 %.
        "4,40 € brut de l'heure, soit 45,1 % du SMIC horaire brut en vigueur au 1er juillet 2017 (9,76 €)",
        "Atelier du quartier nouveau concept", "prend effet le 1er juillet 2017 et prend fin le 31 décembre 2018",
        "18 mois", "Il n'est pas renouvelé par tacite reconduction", "le 20 juin 2017", "en trois exemplaires",
        "accompagnement socio-professionnel individualisé", "charte d'accompagnement",
    ])
    assert "Paul Adjoint" not in text  # the deputy does not sign


def test_implantation_contract_2022_binds_the_donneur_d_ordre_and_the_head_for_seven_years_at_most(world, tmp_path):
    make_contract(world["programme"], regime="R2016", start=D(2017, 7, 1), end=D(2022, 4, 30), pay="4.40",
                  premises="Ancien atelier")
    make_contract(world["programme"], regime="R2022", start=D(2022, 5, 1), end=D(2029, 4, 30), pay="4.89",
                  premises="Atelier de 180 m²", tacit_renewal=True, posts=12)
    snapshot, text = render(DocumentKind.IMPLANTATION_CONTRACT, world["programme"], tmp_path)
    assert [party["name"] for party in snapshot["parties"]] == [ESTABLISHMENT, SIAE_NAME]
    assert_prints(text, [
        "R. 412-78 et R. 412-79", "ci-après désignée « le donneur d'ordre »", "12 postes", "4,89 €",
        "du SMIC horaire brut en vigueur au 1er mai 2022 (10,85 €)", "Atelier de 180 m²",
        "prend effet le 1er mai 2022 et prend fin le 30 avril 2029", "7 ans", "ne peut excéder 7 ans",
        "renouvelé par tacite reconduction", "contrat d'emploi pénitentiaire", "en deux exemplaires",
    ])
    # the DISP heads the letterhead (the establishment's hierarchy) but is no party and does not sign
    assert "Pour la DISP de Paris" not in text and "Jérôme Dupré" not in text and "Ancien atelier" not in text


def test_values_are_escaped_in_the_html_of_every_kind(world):
    make_contract(world["programme"], regime="R2022", premises="Atelier <i>principal</i>")
    subjects = {DocumentKind.PROJECT_SHEET: world["programme"], DocumentKind.APPLICATION_FILE: world["programme"],
                DocumentKind.STATE_CONVENTION: world["convention_2022"],
                DocumentKind.IMPLANTATION_CONTRACT: world["programme"]}
    for kind, subject in subjects.items():
        spec = spec_of(kind)
        html = render_to_string(spec.template, {"doc": spec.build(subject, TODAY), "template_version": "t"})
        assert "Atelier Bâtir &lt;b&gt;&amp; Réparer" in html, kind
        assert "<b>&" not in html, kind
    assert "Atelier &lt;i&gt;principal&lt;/i&gt;" in html


# --- Refusal when what a document certifies is missing -------------------------------------------------------


def labels(kind, subject) -> dict[str, str]:
    return {item.label: item.url for item in spec_of(kind).missing(subject)}


def test_project_sheet_and_application_file_need_places_etp_and_the_structure_identity(world):
    programme = world["programme"]
    programme.places_planned = None
    programme.siae.siret = ""  # not storable (a constraint refuses it), but the check does not rely on that
    programme.siae.director_name = ""
    sheet = labels(DocumentKind.PROJECT_SHEET, programme)
    assert sheet == {
        f"le SIRET de la SIAE « {SIAE_NAME} »": reverse("programmes:siae_update", args=[programme.siae.pk]),
        "le nombre de places prévues du programme MEAUX-BATIR":
            reverse("programmes:programme_update", args=[programme.pk]),
    }
    dui = labels(DocumentKind.APPLICATION_FILE, programme)
    assert f"le nom de la personne qui dirige la SIAE « {SIAE_NAME} » (son représentant légal)" in dui


def test_programme_documents_need_the_state_services_the_disp_and_the_spip(world):
    """A programme in Moselle, where none of them is recorded yet: each is listed, with the page to enter it."""
    metz = EstablishmentFactory(name="CP de Metz", department_code="57")
    programme = ProgrammeFactory(siae=world["siae"], establishment=metz, places_planned=6, etp_planned=Decimal("4"))
    organisations, spips = reverse("partners:organisation_create"), reverse("partners:organisation_list")
    expected = {
        "l'organisation de la Direction interrégionale des services pénitentiaires de Strasbourg": organisations,
        "la DREETS de la région Grand Est": organisations,
        "la DDETS du département Moselle (57)": organisations,
        "le SPIP qui intervient au CP de Metz (établissements desservis d'un SPIP)":
            spips + "?kind=SPIP",
    }
    assert labels(DocumentKind.PROJECT_SHEET, programme) == expected
    assert labels(DocumentKind.APPLICATION_FILE, programme) == expected


def test_implantation_contract_needs_a_contract(world):
    assert labels(DocumentKind.IMPLANTATION_CONTRACT, world["programme"]) == {
        "le contrat d'implantation du programme MEAUX-BATIR":
            reverse("programmes:contract_create", args=[world["programme"].pk]),
    }


def test_implantation_contract_needs_the_head_of_establishment_the_di_and_the_premises(world):
    make_contract(world["programme"], regime="R2016", start=D(2017, 7, 1), end=D(2018, 12, 31), premises="")
    world["prison"].contacts.all().delete()
    world["disp"].contacts.filter(last_name="Dupré").delete()
    missing = labels(DocumentKind.IMPLANTATION_CONTRACT, world["programme"])
    head = next(label for label in missing if label.startswith("le chef d'établissement"))
    assert missing[head] == reverse("partners:contact_create", args=[world["prison"].pk])
    di = next(label for label in missing if label.startswith("le directeur interrégional"))
    assert missing[di] == reverse("partners:contact_create", args=[world["disp"].pk])  # the deputy does not count
    assert "les locaux mis à disposition (contrat d'implantation)" in missing
    assert len(missing) == 3


def test_state_convention_needs_an_annex_and_the_siae_representative(world):
    convention = make_convention(siae=world["siae"], authority=world["ddets"], start=D(2025, 1, 1),
                                 end=D(2027, 12, 31))
    convention.siae.director_name = ""
    missing = labels(DocumentKind.STATE_CONVENTION, convention)
    assert missing == {
        f"le nom de la personne qui dirige la SIAE « {SIAE_NAME} » (son représentant légal)":
            reverse("programmes:siae_update", args=[world["siae"].pk]),
        "une annexe financière de la convention": reverse("programmes:annex_create", args=[convention.pk]),
    }


def test_a_request_with_missing_data_is_refused_and_creates_no_document(world):
    requester = User.objects.create_user(username="admin.docs", role=Role.ADMIN)
    with pytest.raises(MissingData) as refused:
        document_request(kind=DocumentKind.IMPLANTATION_CONTRACT, subject=world["programme"], by=requester)
    assert [item.label for item in refused.value.missing] == ["le contrat d'implantation du programme MEAUX-BATIR"]
    assert "le contrat d'implantation du programme MEAUX-BATIR" in refused.value.messages[0]
    assert GeneratedDocument.objects.count() == 0
