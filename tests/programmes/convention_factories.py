"""Conventions, annexes, contracts, partnerships and funding lines for the tests, valid unless overridden."""

import datetime
from decimal import Decimal

from partners.enums import OrganisationKind
from programmes.models import FinancialAnnex, FundingLine, ImplantationContract, StateConvention
from tests.partners.factories import OrganisationFactory
from tests.programmes.factories import SiaeFactory

D = datetime.date


def ddets(department_code="77"):
    from programmes.models import Department

    return OrganisationFactory(kind=OrganisationKind.DDETS, department=Department.objects.get(code=department_code))


# What the convention document prints besides its dates (issue 17, §2): the CDIAE's opinion, the prefect's signatory
# and the exit targets.
CONVENTION_DETAILS = {"signatory_name": "Claire Morel", "signatory_title": "Directrice départementale",
                      "target_dynamic_pct": Decimal("60.00"), "target_durable_pct": Decimal("25.00")}


def make_convention(*, siae=None, authority=None, start=None, end=None, **fields):
    start, end = start or D(2023, 1, 1), end or D(2025, 12, 31)
    fields = {**CONVENTION_DETAILS, "cdiae_opinion_on": start - datetime.timedelta(days=30), **fields}
    return StateConvention.objects.create(
        siae=siae or SiaeFactory(), authority=authority or ddets(), start_date=start, end_date=end, **fields
    )


def make_annex(convention, *, asp_number="ACI077230001", measure="ACI_MP", year=2023, start=None,
               end=None, etp="2", aid_amount="48711.60", **fields):
    start, end = start or D(year, 1, 1), end or D(year, 12, 31)
    return FinancialAnnex.objects.create(
        convention=convention, asp_number=asp_number, measure=measure, year=year, start_date=start, end_date=end,
        etp=Decimal(etp), aid_amount=Decimal(aid_amount), **fields,
    )


# The 2022 regime's mentions (docs/domain.md §7.4), complete by default so that the contract's document generates.
CONTRACT_MENTIONS = {
    "premises_area": Decimal("180"), "equipment": "Établis et outillage fournis par la SIAE",
    "staff_access": "Deux encadrants habilités par le chef d'établissement", "monthly_fee": Decimal("0"),
    "fluids": "À la charge de l'établissement", "insurance": "Responsabilité civile de la SIAE",
    "renewal_terms": "Dénonciation trois mois avant le terme", "modification_terms": "Par avenant",
    "termination_terms": "Pour manquement d'une partie", "termination_notice_months": 3,
}


def make_contract(programme, *, regime="R2022", start=None, end=None, pay="5.50", **fields):
    start, end = start or D(2023, 1, 1), end or D(2029, 12, 31)
    return ImplantationContract.objects.create(
        programme=programme, regime=regime, start_date=start, end_date=end, posts=fields.pop("posts", 10),
        weekly_hours=Decimal(fields.pop("weekly_hours", "24")), hourly_pay=Decimal(pay),
        **{**CONTRACT_MENTIONS, **fields},
    )


def make_funding(programme, *, year=2024, funder="STATE", amount="10000", organisation=None):
    return FundingLine.objects.create(programme=programme, year=year, funder=funder, amount=Decimal(amount),
                                      organisation=organisation)
