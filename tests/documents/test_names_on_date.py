"""One rule for names on a date (issue 17, §1): every organisation name a document prints is the one in force on the
document's own date (the convention's or contract's start, the charter's date: the entry in the workshop), or,
beside a dated fact (a partner's role, a year of funding), the one it bore then; all through
documents.kinds.common.name_on, which reads the organisation's recorded former names
(partners.models.Organisation.name_on).

The renamings of docs/domain.md §1.1, each on both sides of its day, for every kind, read back from the PDF
(pdftotext): UD-DIRECCTE → DDETS and DIRECCTE → DREETS on 1 April 2021, Pôle emploi → France Travail on 1 January
2024, MSPOM → DSPOM on 24 March 2023; a SPIP renamed on 1 May 2022 for the work contract, whose only organisation
besides the SIAE is the referent's SPIP.
"""

import datetime
import json
import shutil
from decimal import Decimal

import pytest
from django.template import Context, Template

from documents.enums import DocumentKind
from documents.kinds import common
from documents.registry import spec_of
from documents.renderer import render_document
from participants import services as pathway_services
from participants.enums import SessionDecision
from partners.enums import OrganisationKind as OK
from partners.enums import PartnerRoleKind
from partners.models import Contact, OrganisationFormerName, PartnerRole
from programmes.models import ConventionParty, Department, Disp, PartnershipConvention, Region
from tests.participants.factories import PathwayFactory, counsellor, enter_workshop
from tests.partners.factories import OrganisationFactory
from tests.programmes.convention_factories import make_annex, make_contract, make_convention, make_funding
from tests.programmes.factories import EstablishmentFactory, ProgrammeFactory, SiaeFactory

from .test_kinds_programme import pdf_text

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"),
]

D = datetime.date
TODAY = D(2026, 11, 27)
UD, DDETS = "DIRECCTE Île-de-France — unité départementale de Seine-et-Marne (77)", "DDETS de Seine-et-Marne (77)"
DIRECCTE, DRIEETS = "DIRECCTE Île-de-France", "DRIEETS Île-de-France"
PE, FT = "Pôle emploi Meaux", "France Travail Meaux"
MSPOM = "Mission des services pénitentiaires de l'outre-mer"
DSPOM = "Direction des services pénitentiaires de l'outre-mer"
OLD_SPIP, SPIP = "SPIP 77", "SPIP de Seine-et-Marne (77)"
EVE_OF_DREETS, DREETS_DAY = D(2021, 3, 31), D(2021, 4, 1)
EVE_OF_FT, FT_DAY = D(2023, 12, 31), D(2024, 1, 1)
EVE_OF_DSPOM, DSPOM_DAY = D(2023, 3, 23), D(2023, 3, 24)


def renamed(kind, name, department=None, region=None, *, former, until, **fields):
    organisation = OrganisationFactory(kind=kind, name=name, department=department, region=region, **fields)
    OrganisationFormerName.objects.create(organisation=organisation, name=former, valid_until=until)
    return organisation


@pytest.fixture
def meaux(db):
    """A programme at Meaux whose State services and employment agency were renamed, with what every kind needs."""
    seine_et_marne, idf = Department.objects.get(code="77"), Region.objects.get(code="11")
    establishment = EstablishmentFactory(name="CP de Meaux-Chauconin", address="Route de Barcy\n77124 Chauconin")
    siae = SiaeFactory(name="Après", kind="EI", legal_form="SAS", address="2 rue de l'Écluse\n77100 Meaux",
                       director_name="Thibault Guilluy")
    programme = ProgrammeFactory(code="MEAUX-APRES", siae=siae, establishment=establishment, activity="Logistique",
                                 places_planned=30, etp_planned=Decimal("16"))
    ddets = renamed(OK.DDETS, DDETS, seine_et_marne, former=UD, until=EVE_OF_DREETS)
    dreets = renamed(OK.DREETS, DRIEETS, region=idf, former=DIRECCTE, until=EVE_OF_DREETS)
    agency = renamed(OK.FRANCE_TRAVAIL, FT, seine_et_marne, former=PE, until=EVE_OF_FT)
    disp = OrganisationFactory(kind=OK.DISP, name="DISP de Paris", disp=Disp.objects.get(code="DISP_PARIS"))
    Contact.objects.create(organisation=disp, first_name="Laurent", last_name="Ridel",
                           function="Directeur interrégional des services pénitentiaires")
    prison = OrganisationFactory(kind=OK.ESTABLISHMENT, name=establishment.name, establishment=establishment,
                                 department=seine_et_marne)
    Contact.objects.create(organisation=prison, first_name="Pascal", last_name="Bruneau",
                           function="Chef d'établissement", phone="01 60 00 00 01")
    renamed(OK.SPIP, SPIP, seine_et_marne, former=OLD_SPIP, until=D(2022, 4, 30),
            served_establishments=[establishment])
    return {"programme": programme, "siae": siae, "ddets": ddets, "dreets": dreets, "agency": agency}


def render(kind, subject, tmp_path, today=TODAY) -> str:
    spec = spec_of(kind)
    assert spec.missing(subject) == [], spec.missing(subject)
    snapshot = json.loads(json.dumps(spec.build(subject, today)))
    return pdf_text(render_document(kind, snapshot), tmp_path)


def assert_names(text: str, present: list[str], absent: list[str]) -> None:
    assert [name for name in present if name not in text] == [], text
    assert [name for name in absent if name in text] == [], text


# --- The one function --------------------------------------------------------------------------------------


def test_one_function_gives_the_name_of_the_day_on_documents_and_pages(meaux):
    ddets = meaux["ddets"]
    filter_on = Template("{% load partners_tags %}{{ organisation|name_on:day }}")
    for day, name in ((EVE_OF_DREETS, UD), (DREETS_DAY, DDETS)):
        assert common.name_on(ddets, day) == name
        assert ddets.name_on(day) == name  # the model's method is the rule common.name_on applies
        assert filter_on.render(Context({"organisation": ddets, "day": day})) == name  # the pages' filter
    assert common.name_on(None, DREETS_DAY) == ""


def test_a_name_beside_a_dated_fact_is_the_one_it_bore_then(meaux):
    agency = meaux["agency"]
    # a role over by the document's date: the name at its end; a current one: the name of the document's date
    assert common.name_during(agency, D(2017, 7, 1), EVE_OF_FT, TODAY) == PE
    assert common.name_during(agency, D(2017, 7, 1), FT_DAY, TODAY) == FT
    assert common.name_during(agency, D(2017, 7, 1), None, TODAY) == FT
    assert common.name_during(agency, D(2017, 7, 1), None, EVE_OF_FT) == PE  # a sheet printed on 31 December 2023


# --- The participant documents: the contract's start -----------------------------------------------------


def in_workshop(meaux, start: datetime.date, ecrou: str):
    programme = meaux["programme"]
    referent = counsellor(first_name="Camille", last_name="Morel")
    referent.organisation.served_establishments.clear()
    spip = programme.establishment.spips.get()
    referent.organisation = spip
    referent.save()
    pathway = PathwayFactory(programme=programme, session__date=start - datetime.timedelta(days=30),
                             participant__ecrou=ecrou, participant__counsellor=referent)
    pathway = pathway_services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    return enter_workshop(pathway, start, hours_per_week=Decimal("26"), hourly_pay=Decimal("5.50"))


@pytest.mark.parametrize(("start", "present", "absent"), [
    (EVE_OF_FT, [PE], [FT, "France Travail"]),
    (FT_DAY, [FT], [PE, "Pôle emploi"]),
])
def test_the_charter_names_the_employment_agency_of_its_date(meaux, tmp_path, start, present, absent):
    pathway = in_workshop(meaux, start, ecrou="61001")

    text = render(DocumentKind.ACCOMPANIMENT_CHARTER, pathway, tmp_path)  # printed in 2026: the names of its date

    assert_names(text, [f"inscription auprès de {present[0]}", *present], absent)


@pytest.mark.parametrize(("start", "present", "absent"), [
    (D(2022, 4, 30), [f"en lien avec la personne référente au {OLD_SPIP}, Camille Morel"], [SPIP]),
    (D(2022, 5, 1), [f"en lien avec la personne référente au {SPIP}, Camille Morel"], [f"{OLD_SPIP},"]),
])
def test_the_work_contract_names_the_spip_of_its_start(meaux, tmp_path, start, present, absent):
    """The acte d'engagement of 30 April 2022 and the CEP of 1 May 2022: the SPIP under its name of each day."""
    pathway = in_workshop(meaux, start, ecrou="61002")

    text = render(DocumentKind.WORK_CONTRACT, pathway, tmp_path)

    assert_names(text, present, absent)


def test_the_charter_of_a_person_not_yet_in_the_workshop_names_the_agency_of_its_day(meaux):
    programme = meaux["programme"]
    pathway = PathwayFactory(programme=programme, session__date=D(2023, 11, 6),
                             participant__counsellor=counsellor(establishment=programme.establishment))
    pathway = pathway_services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    spec = spec_of(DocumentKind.ACCOMPANIMENT_CHARTER)

    assert spec.build(pathway, EVE_OF_FT)["employment_service"] == PE
    assert spec.build(pathway, FT_DAY)["employment_service"] == FT


# --- The State convention: its start --------------------------------------------------------------------


@pytest.mark.parametrize(("start", "present", "absent"), [
    (EVE_OF_DREETS, [f"par délégation, par la {UD}"], [DDETS]),
    (DREETS_DAY, [f"par délégation, par la {DDETS}"], [UD, "DIRECCTE"]),
])
def test_the_state_convention_names_the_authority_of_its_start(meaux, tmp_path, start, present, absent):
    convention = make_convention(siae=meaux["siae"], authority=meaux["ddets"], start=start,
                                 end=start + datetime.timedelta(days=364), reference="CONV-77")
    make_annex(convention, asp_number="EI077210001", measure="EI_MP", year=start.year, start=start,
               end=start + datetime.timedelta(days=364), etp="4", aid_amount="48711.60")

    text = render(DocumentKind.STATE_CONVENTION, convention, tmp_path)

    assert_names(text, present, absent)


# --- The implantation contract: its date (signature, else start) ---------------------------------------


@pytest.mark.parametrize(("start", "present", "absent"), [
    (EVE_OF_DSPOM, [MSPOM], [DSPOM]),
    (DSPOM_DAY, [DSPOM], [MSPOM]),
])
def test_the_implantation_contract_names_the_dspom_of_its_date(tmp_path, start, present, absent):
    """At Saint-Denis de La Réunion, the prison administration's letterhead names the DSPOM, called MSPOM until
    23 March 2023 (décret 2023-200)."""
    reunion = Department.objects.get(code="974")
    establishment = EstablishmentFactory(name="CP de Saint-Denis", department_code="974")
    renamed(OK.DISP, DSPOM, former=MSPOM, until=EVE_OF_DSPOM, disp=Disp.objects.get(code="DSPOM"))
    prison = OrganisationFactory(kind=OK.ESTABLISHMENT, name=establishment.name, establishment=establishment,
                                 department=reunion)
    Contact.objects.create(organisation=prison, first_name="Nadia", last_name="Payet",
                           function="Cheffe d'établissement", phone="02 62 00 00 01")
    siae = SiaeFactory(name="Réunion Insertion", address="1 rue de Paris\n97400 Saint-Denis",
                       director_name="Joël Hoarau", department_code="974")
    programme = ProgrammeFactory(code="REUNION-RI", siae=siae, establishment=establishment, activity="Couture")
    make_contract(programme, regime="R2022", start=start, end=D(2029, 12, 31), premises="Atelier de 120 m²")

    text = render(DocumentKind.IMPLANTATION_CONTRACT, programme, tmp_path)

    assert_names(text, ["Ministère de la Justice", *present], absent)


@pytest.mark.parametrize(("signed_on", "present", "absent"), [
    (D(2017, 6, 20), [f"en lien avec le {OLD_SPIP}"], [SPIP]),
    (D(2022, 5, 1), [f"en lien avec le {SPIP}"], [f"{OLD_SPIP},"]),
])
def test_the_implantation_contract_names_the_spip_of_its_signature(meaux, tmp_path, signed_on, present, absent):
    make_contract(meaux["programme"], regime="R2016" if signed_on < D(2022, 5, 1) else "R2022", start=signed_on,
                  end=D(2028, 12, 31), premises="Atelier", signed_on=signed_on)

    text = render(DocumentKind.IMPLANTATION_CONTRACT, meaux["programme"], tmp_path)

    assert_names(text, present, absent)


# --- The fiche-projet and the dossier unique: their date, and each role's or year's own --------------


def with_roles_and_funding(meaux):
    """The agency signed for 2017–2023 (ended on the eve of France Travail), another role ended on its first day;
    the State funded 2020 (before the DDETS) and 2021 (after)."""
    programme, agency, ddets = meaux["programme"], meaux["agency"], meaux["ddets"]
    PartnerRole.objects.create(programme=programme, organisation=agency, role=PartnerRoleKind.SIGNATORY,
                               start_date=D(2017, 7, 1), end_date=EVE_OF_FT)
    PartnerRole.objects.create(programme=programme, organisation=agency, role=PartnerRoleKind.EMPLOYMENT,
                               start_date=D(2017, 7, 1), end_date=FT_DAY)
    make_funding(programme, year=2020, funder="STATE", amount="32510.53", organisation=ddets)
    make_funding(programme, year=2021, funder="STATE", amount="65289.00", organisation=ddets)
    return programme


@pytest.mark.parametrize("kind", [DocumentKind.PROJECT_SHEET, DocumentKind.APPLICATION_FILE])
def test_programme_documents_name_each_role_and_year_as_they_were(meaux, tmp_path, kind):
    programme = with_roles_and_funding(meaux)

    text = render(kind, programme, tmp_path)

    assert f"{PE} Signataire du 1er juillet 2017 au 31 décembre 2023" in text
    assert f"{FT} Service public de l'emploi du 1er juillet 2017 au 1er janvier 2024" in text
    # the long former name wraps in its cell: its first line beside the year, the rest below
    assert "2020 État (aide au poste) DIRECCTE Île-de-France — unité 32 510,53 €" in text
    assert "départementale de Seine-et-Marne (77)" in text
    assert f"2021 État (aide au poste) {DDETS} 65 289,00 €" in text


@pytest.mark.parametrize(("today", "present", "absent"), [
    (EVE_OF_DREETS, [f"Service régional (DREETS) {DIRECCTE}", f"Service départemental (DDETS) {UD}"],
     [DRIEETS, DDETS]),
    (DREETS_DAY, [f"Service régional (DREETS) {DRIEETS}", f"Service départemental (DDETS) {DDETS}"],
     [DIRECCTE, UD]),
])
def test_the_project_sheet_names_the_state_services_of_its_date(meaux, tmp_path, today, present, absent):
    text = render(DocumentKind.PROJECT_SHEET, meaux["programme"], tmp_path, today=today)

    assert_names(text, present, absent)


@pytest.mark.parametrize(("today", "instruction", "absent"), [
    (EVE_OF_DREETS, UD, DDETS),
    (DREETS_DAY, DDETS, UD),
])
def test_the_application_file_is_addressed_to_the_service_of_its_date(meaux, tmp_path, today, instruction, absent):
    programme = meaux["programme"]
    agreement = PartnershipConvention.objects.create(programme=programme, title="Convention d'expérimentation",
                                                     start_date=D(2017, 7, 1), end_date=D(2018, 12, 31))
    ConventionParty.objects.create(convention=agreement, organisation=meaux["agency"])

    text = render(DocumentKind.APPLICATION_FILE, programme, tmp_path, today=today)

    assert_names(text, [f"Instruction {instruction}", f"signataires : {PE}"], [absent, FT])
