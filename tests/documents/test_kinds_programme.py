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
# The project (docs/domain.md §7.1-7.2) as the programme's form records it: each value is read back from the PDFs.
PROJECT = {
    "target_public": "Hommes condamnés à moins de 2 ans de leur libération, quartier nouveau concept",
    "schedule": "Du lundi au jeudi, de 8 h à 14 h",
    "markets": "Réparation pour les collectivités et les loueurs de vélos du département",
    "premises": "Atelier de 180 m² et réserve de 40 m², quai de livraison",
    "equipment": "Établis, pieds d'atelier, compresseur",
    "supervisors_etp": Decimal("1.5"),
    "cip_etp": Decimal("0.5"),
    "permanent_staff": "Un encadrant technique d'insertion (1,5 ETP), une CIP (0,5 ETP)",
    "accompaniment_plan": "Diagnostic d'entrée, entretien tous les quinze jours, PMSMP avant la sortie",
    "continuity": "Jusqu'à 4 embauches en CDDI par an à l'atelier de Meaux",
    "timeline": "Septembre 2026 : ouverture de l'atelier",
    "target_entries": 20,
    "target_durable_pct": Decimal("20"),
    "target_dynamic_pct": Decimal("55.5"),
    "budget_pay": Decimal("36500"),
    "budget_staff": Decimal("73000"),
    "budget_purchases": Decimal("7300"),
    "budget_premises": Decimal("3650"),
    "budget_overheads": Decimal("10950"),
    "budget_sales": Decimal("18250"),
    "post_risks": "Outils tranchants",
    "on_call": "Aucune astreinte",
    "bonuses": "Aucune prime",
}
CONVENTION = {"cdiae_opinion_on": D(2019, 6, 13), "signatory_name": "Claire Morel",
              "signatory_title": "Directrice départementale adjointe", "target_dynamic_pct": Decimal("60"),
              "target_durable_pct": Decimal("25"), "objectives": "Une formation qualifiante par personne"}


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
                       address="3 rue de l'Église\n77100 Meaux", director_name="Agnès Évrard",
                       governance="Conseil coopératif de 7 membres")
    programme = ProgrammeFactory(code="MEAUX-BATIR", siae=siae, establishment=establishment, quartier=quartier,
                                 activity="Réparation de vélos et de fauteuils roulants", sector="Mécanique",
                                 stage="CONVENTIONNEMENT", places_planned=12, etp_planned=Decimal("8.5"), **PROJECT)

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
                                      reference="CONV-77-2019", **CONVENTION)
    make_annex(convention_2019, asp_number="EI077190042", measure="EI_MP", year=2019, start=D(2019, 7, 1),
               end=D(2020, 6, 30), etp="4", aid_amount="48711.60")
    convention_2022 = make_convention(siae=siae, authority=dreets, start=D(2022, 1, 1), end=D(2024, 12, 31),
                                      reference="CONV-IDF-2022", **CONVENTION)
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


def test_project_sheet_prints_every_field_of_the_project_for_one_period_with_its_budget(world, tmp_path):
    """§7.1 from the data; the sheet of 12 March 2026 is about the latest convention begun (2022-2024, none is in
    force): its contract, its years' funding only, and the yearly budget over its three years."""
    programme = world["programme"]
    make_funding(programme, year=2019, funder="STATE", amount="9999.99", organisation=world["ddets"])
    make_contract(programme, regime="R2016", start=D(2019, 7, 1), end=D(2021, 12, 31), weekly_hours="20")
    make_contract(programme, regime="R2022", start=D(2022, 5, 1), end=D(2029, 4, 30), weekly_hours="26")
    snapshot, text = render(DocumentKind.PROJECT_SHEET, programme, tmp_path)
    assert_prints(text, [
        "Période de la fiche Du 1er janvier 2022 au 31 décembre 2024",
        f"Public visé {PROJECT['target_public']}", PROJECT["schedule"], "26 h par semaine (contrat d'implantation)",
        f"Locaux {PROJECT['premises']}", f"Équipements {PROJECT['equipment']}",
        "Encadrement technique 1,50 ETP", "Conseillers en insertion (CIP) 0,50 ETP",
        PROJECT["accompaniment_plan"], PROJECT["continuity"], PROJECT["timeline"],
        "Contrat d'implantation Régime 2022",
        # the yearly budget: 131 400 € of charges, three full years in the period
        "Rémunération des personnes en parcours 36 500,00 € 109 500,00 €",
        "Total des charges 131 400,00 € 394 200,00 €",
        "Ventes et prestations 18 250,00 € 54 750,00 €", "Total des financements enregistrés 60 793,10 €",
        # the contact has coordinates
        "helene.lefevre@justice.invalid",
    ])
    assert "9 999,99" not in text and "CONV-77-2019" not in text and "20 h par semaine" not in text
    assert snapshot["period"] == "du 1er janvier 2022 au 31 décembre 2024"


def test_the_period_of_a_programme_document_is_its_convention_in_force_else_its_latest(world):
    programme = world["programme"]
    assert common.programme_period(programme, D(2020, 3, 1)).convention == world["convention_2019"]
    assert common.programme_period(programme, D(2021, 9, 1)).convention == world["convention_2019"]  # latest begun
    assert common.programme_period(programme, D(2023, 3, 1)).convention == world["convention_2022"]
    assert common.programme_period(programme, D(2018, 3, 1)).convention == world["convention_2019"]  # the next
    # A programme that ended in 2020 does not take the SIAE's 2022 convention.
    programme.end_date, programme.start_date = D(2020, 12, 31), D(2019, 7, 1)
    assert common.programme_period(programme, D(2026, 3, 1)).convention == world["convention_2019"]


@pytest.mark.parametrize(("start", "end", "expected"), [
    (D(2022, 1, 1), D(2024, 12, 31), "394 200,00"),  # three calendar years
    (D(2017, 7, 1), D(2018, 12, 31), "197 640,00"),  # 184/365 of 2017, then 2018: 66 240 + 131 400
    (D(2024, 1, 1), D(2024, 6, 30), "65 340,98"),  # 182/366 of a leap year
])
def test_the_budget_over_a_period_counts_each_partial_year_pro_rata(world, start, end, expected):
    budget = common.budget(world["programme"], common.Period(start, end))
    assert budget["charges_total"]["annual"] == "131\u00a0400,00\u00a0€"
    assert budget["charges_total"]["period"] == expected.replace(" ", "\u00a0") + "\u00a0€"


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
        "Relevé d'identité bancaire", "Pour la SIAE " + SIAE_NAME,
        # §7.2 from the data, no box left to fill by hand
        "Gouvernance Conseil coopératif de 7 membres", PROJECT["markets"], f"Public visé {PROJECT['target_public']}",
        "Encadrement technique 1,50 ETP", "0,50 ETP",
        "Taux d'encadrement 4,3 ETP en parcours par ETP d'encadrement", PROJECT["accompaniment_plan"],
        "Personnes entrées en parcours 20 par an", "20 % des sorties", "55,5 % des sorties",
        PROJECT["permanent_staff"], PROJECT["premises"],
        PROJECT["equipment"], "Budget prévisionnel du 1er janvier 2022 au 31 décembre 2024",
        "Frais de structure 10 950,00 € 32 850,00 €", "Total des charges 131 400,00 € 394 200,00 €",
    ])
    assert "à compléter" not in text


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


def test_state_convention_cites_the_cdiae_names_the_prefect_s_signatory_and_sets_the_exit_targets(world, tmp_path):
    snapshot, text = render(DocumentKind.STATE_CONVENTION, world["convention_2022"], tmp_path)
    assert_prints(text, [
        "Vu l'avis du conseil départemental de l'insertion par l'activité économique (CDIAE) du 13 juin 2019",
        f"par délégation, par la {DREETS} (Claire Morel, directrice départementale adjointe)",
        "Article 5 — Objectifs", "sorties positives) d'au moins 60 %", "l'emploi durable d'au moins 25 %",
        "Une formation qualifiante par personne",
    ])
    state = snapshot["parties"][0]
    assert (state["heading"], state["quality"], state["signatory"]) == (
        "Pour le préfet et par délégation", "Directrice départementale adjointe", "Claire Morel")
    # Only the programmes its annexes count for: a programme that ended before it is not one of them.
    ProgrammeFactory(code="MEAUX-ANCIEN", siae=world["siae"], establishment=world["establishment"],
                     start_date=D(2017, 1, 1), end_date=D(2018, 12, 31))
    assert [p["code"] for p in spec_of(DocumentKind.STATE_CONVENTION).build(world["convention_2022"], TODAY)[
        "programmes"]] == ["MEAUX-BATIR"]


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
    programme = ProgrammeFactory(siae=world["siae"], establishment=metz, places_planned=6, etp_planned=Decimal("4"),
                                 **PROJECT)
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
                                 end=D(2027, 12, 31), **CONVENTION)
    convention.siae.director_name = ""
    missing = labels(DocumentKind.STATE_CONVENTION, convention)
    assert missing == {
        f"le nom de la personne qui dirige la SIAE « {SIAE_NAME} » (son représentant légal)":
            reverse("programmes:siae_update", args=[world["siae"].pk]),
        "une annexe financière de la convention": reverse("programmes:annex_create", args=[convention.pk]),
    }


@pytest.mark.parametrize(("kind", "fields"), [
    (DocumentKind.PROJECT_SHEET, ["target_public", "schedule", "premises", "equipment", "supervisors_etp", "cip_etp",
                                  "accompaniment_plan", "continuity", "timeline", "budget_pay", "budget_staff",
                                  "budget_purchases", "budget_premises", "budget_overheads"]),
    (DocumentKind.APPLICATION_FILE, ["markets", "supervisors_etp", "cip_etp", "accompaniment_plan", "permanent_staff",
                                     "premises", "equipment", "target_entries", "target_durable_pct",
                                     "target_dynamic_pct", "budget_pay", "budget_staff", "budget_purchases",
                                     "budget_premises", "budget_overheads", "budget_sales"]),
])
def test_each_empty_field_of_the_project_is_named_with_the_programme_form(world, kind, fields):
    programme = world["programme"]
    for field in PROJECT:
        setattr(programme, field, "" if isinstance(PROJECT[field], str) else None)
    programme.siae.governance = ""
    edit = reverse("programmes:programme_update", args=[programme.pk])
    expected = {f"{common.PROJECT_FIELDS[field]} du programme MEAUX-BATIR": edit for field in fields}
    if kind == DocumentKind.APPLICATION_FILE:
        expected[f"la gouvernance de la SIAE « {SIAE_NAME} »"] = reverse("programmes:siae_update",
                                                                         args=[programme.siae.pk])
    assert labels(kind, programme) == expected


def test_a_contact_of_the_project_sheet_without_coordinates_is_named_with_its_form(world):
    head = world["prison"].contacts.get()
    head.email = ""
    head.save()
    assert labels(DocumentKind.PROJECT_SHEET, world["programme"]) == {
        "les coordonnées (courriel ou téléphone) de Hélène Lefèvre": reverse("partners:contact_update", args=[head.pk]),
    }


def test_state_convention_needs_the_cdiae_opinion_the_signatory_and_the_targets(world):
    convention = make_convention(siae=world["siae"], authority=world["ddets"], start=D(2025, 1, 1),
                                 end=D(2027, 12, 31), cdiae_opinion_on=None, signatory_name="", signatory_title="",
                                 target_dynamic_pct=None, target_durable_pct=None)
    make_annex(convention, asp_number="EI077250042", measure="EI_MP", year=2025, etp="8.5")
    edit = reverse("programmes:convention_update", args=[convention.pk])
    assert labels(DocumentKind.STATE_CONVENTION, convention) == {
        "la date de l'avis du CDIAE sur la convention": edit,
        "le nom de la personne qui signe pour le préfet": edit,
        "la qualité de la personne qui signe pour le préfet": edit,
        "l'objectif de sorties dynamiques de la convention": edit,
        "l'objectif de sorties vers l'emploi durable de la convention": edit,
    }


def test_a_request_with_missing_data_is_refused_and_creates_no_document(world):
    requester = User.objects.create_user(username="admin.docs", role=Role.ADMIN)
    with pytest.raises(MissingData) as refused:
        document_request(kind=DocumentKind.IMPLANTATION_CONTRACT, subject=world["programme"], by=requester)
    assert [item.label for item in refused.value.missing] == ["le contrat d'implantation du programme MEAUX-BATIR"]
    assert "le contrat d'implantation du programme MEAUX-BATIR" in refused.value.messages[0]
    assert GeneratedDocument.objects.count() == 0
