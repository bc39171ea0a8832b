"""Access matrix entries for conventions, annexes, contracts, partnerships and funding
(see tests/accounts/test_scope_matrix.py).

Pages that create something under a programme or a convention take the parent's id: their kind is the
child's, suffixed with the parent ("implantation_contract@programme"), so that scope_a_object can return the
object the URL takes while the roles stay those of the child. Validation actions have their own kinds: only
the State validates, even where the SIAE director may edit.
"""

import datetime
from decimal import Decimal

from programmes.models import (
    ConventionParty,
    FinancialAnnex,
    FundingLine,
    ImplantationContract,
    PartnershipConvention,
    Programme,
    StateConvention,
)

OBJECT_URLS = {
    "programmes:convention_detail": ("state_convention", "detail"),
    "programmes:convention_update": ("state_convention", "update"),
    "programmes:convention_validate": ("state_convention_validation", "action"),
    "programmes:annex_create": ("financial_annex@convention", "update"),
    "programmes:annex_update": ("financial_annex", "update"),
    "programmes:annex_validate": ("financial_annex_validation", "action"),
    "programmes:contract_create": ("implantation_contract@programme", "update"),
    "programmes:contract_update": ("implantation_contract", "update"),
    "programmes:partnership_create": ("partnership_convention@programme", "update"),
    "programmes:partnership_detail": ("partnership_convention", "detail"),
    "programmes:partnership_update": ("partnership_convention", "update"),
    "programmes:funding_create": ("funding_line@programme", "update"),
    "programmes:funding_update": ("funding_line", "update"),
}

# Written from the issue (section 4), not from access.permissions:
# SIAE directors edit their own SIAE's conventions and annexes (in draft: the fixtures below are drafts);
# DREETS/DDETS staff validate (and so edit) State conventions and annexes of their territory;
# DISP and establishment staff edit implantation contracts; national staff read everything.
STATE_CONVENTION_EDITORS = {"ADMIN", "DREETS_STAFF", "DDETS_STAFF", "SIAE_DIRECTOR"}
STATE_VALIDATORS = {"ADMIN", "DREETS_STAFF", "DDETS_STAFF"}
CONTRACT_EDITORS = {"ADMIN", "DISP_STAFF", "ESTABLISHMENT_STAFF"}
# The issue names no editor for these: the signatories' side (DISP, DREETS/DDETS) records partnerships,
# the State and the SIAE record who pays.
PARTNERSHIP_EDITORS = {"ADMIN", "DISP_STAFF", "DREETS_STAFF", "DDETS_STAFF"}
FUNDING_EDITORS = {"ADMIN", "DREETS_STAFF", "DDETS_STAFF", "SIAE_DIRECTOR"}

MAY_EDIT = {
    "state_convention": STATE_CONVENTION_EDITORS,
    "state_convention_validation": STATE_VALIDATORS,
    "financial_annex": STATE_CONVENTION_EDITORS,
    "financial_annex@convention": STATE_CONVENTION_EDITORS,
    "financial_annex_validation": STATE_VALIDATORS,
    "implantation_contract": CONTRACT_EDITORS,
    "implantation_contract@programme": CONTRACT_EDITORS,
    "partnership_convention": PARTNERSHIP_EDITORS,
    "partnership_convention@programme": PARTNERSHIP_EDITORS,
    "funding_line": FUNDING_EDITORS,
    "funding_line@programme": FUNDING_EDITORS,
}


def _convention(scope_a) -> StateConvention:
    convention, _ = StateConvention.objects.get_or_create(
        siae=scope_a.siae, start_date=datetime.date(2024, 1, 1),
        defaults={"authority": scope_a.organisations["ddets"], "end_date": datetime.date(2026, 12, 31)},
    )
    return convention


def _annex(scope_a) -> FinancialAnnex:
    annex, _ = FinancialAnnex.objects.get_or_create(
        convention=_convention(scope_a), asp_number="ACI077240001",
        defaults={"measure": "ACI_MP", "year": 2024, "start_date": datetime.date(2024, 1, 1),
                  "end_date": datetime.date(2024, 12, 31), "etp": Decimal("4"), "aid_amount": Decimal("97423.20"),
                  "establishment": scope_a.programme.establishment},
    )
    return annex


def _contract(scope_a) -> ImplantationContract:
    contract, _ = ImplantationContract.objects.get_or_create(
        programme=scope_a.programme, start_date=datetime.date(2023, 1, 1),
        defaults={"regime": "R2022", "end_date": datetime.date(2029, 12, 31), "posts": 12,
                  "weekly_hours": Decimal("24"), "hourly_pay": Decimal("5.50")},
    )
    return contract


def _partnership(scope_a) -> PartnershipConvention:
    partnership, created = PartnershipConvention.objects.get_or_create(
        programme=scope_a.programme, title="Convention de partenariat Alpha",
        defaults={"start_date": datetime.date(2024, 1, 1), "end_date": datetime.date(2025, 12, 31)},
    )
    if created:
        ConventionParty.objects.create(convention=partnership, organisation=scope_a.organisations["disp"],
                                       role="Signataire")
    return partnership


def _funding_line(scope_a) -> FundingLine:
    line, _ = FundingLine.objects.get_or_create(
        programme=scope_a.programme, year=2024, funder="DEPARTEMENT", organisation=None,
        defaults={"amount": Decimal("15000")},
    )
    return line


OBJECTS = {
    "state_convention": _convention,
    "state_convention_validation": _convention,
    "financial_annex@convention": _convention,
    "financial_annex": _annex,
    "financial_annex_validation": _annex,
    "implantation_contract": _contract,
    "partnership_convention": _partnership,
    "funding_line": _funding_line,
}


def scope_a_object(scope_a, kind: str):
    if kind.endswith("@programme"):
        return scope_a.programme
    return OBJECTS[kind](scope_a)


def shown_text(obj) -> str:
    if isinstance(obj, Programme):
        return obj.code
    if isinstance(obj, StateConvention):
        return obj.siae.name
    if isinstance(obj, FinancialAnnex):
        return obj.asp_number
    if isinstance(obj, PartnershipConvention):
        return obj.title
    return obj.programme.code  # implantation contract, funding line
