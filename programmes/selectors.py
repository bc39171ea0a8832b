"""Reads on the registry, always starting from what access.scope gives the viewer; one fetch function per model
(``get_<model>_for(user, pk) -> (object, may edit)``), the only way the views reach one object."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from access import permissions, scope

from . import rates
from .enums import Funder
from .models import (
    ConventionParty,
    Establishment,
    FinancialAnnex,
    FundingLine,
    ImplantationContract,
    PartnershipConvention,
    Programme,
    Siae,
    SmicRate,
    StateConvention,
)


def establishment_list_for(*, user, q: str = "", kind: str = "", disp: str = "") -> QuerySet[Establishment]:
    qs = scope.establishments_for(user).select_related("department__region__disp").annotate(
        programme_count=Count("programmes", distinct=True)
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(department__name__icontains=q) | Q(department__code=q))
    if kind:
        qs = qs.filter(kind=kind)
    if disp:
        qs = qs.filter(department__region__disp_id=disp)
    return qs.order_by("name")


def siae_list_for(*, user, q: str = "", kind: str = "") -> QuerySet[Siae]:
    qs = scope.siaes_for(user).select_related("department").annotate(
        programme_count=Count("programmes", distinct=True)
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(siret__startswith=q.replace(" ", "")) | Q(network__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name")


def sees_programme(*, user, pk) -> bool:
    """Whether the programme is in the user's scope (a page preselecting it from ``?programme=<id>``)."""
    return scope.programmes_for(user).filter(pk=pk).exists()


def programme_list_for(
    *, user, q: str = "", stage: str = "", phase: str = "", disp: str = ""
) -> QuerySet[Programme]:
    qs = scope.programmes_for(user).select_related(
        "siae", "establishment__department__region__disp", "quartier"
    )
    if q:
        qs = qs.filter(
            Q(code__icontains=q) | Q(siae__name__icontains=q) | Q(establishment__name__icontains=q)
            | Q(activity__icontains=q)
        )
    if stage:
        qs = qs.filter(stage=stage)
    if phase:
        qs = qs.filter(phase=phase)
    if disp:
        qs = qs.filter(establishment__department__region__disp_id=disp)
    return qs.order_by("code")


# --- One way in per model: the object in the user's scope (404 outside: access.scope), with what its page shows,
# and whether the user may edit it (access.permissions.may_edit: the role and the object's own rules). Programmes
# listed on a page are those the user sees, kept apart (``visible_programmes``) so that ``obj.programmes`` still
# means all of them to the services.


def _visible_programmes(user, *related) -> Prefetch:
    return Prefetch("programmes", queryset=scope.programmes_for(user).select_related(*related),
                    to_attr="visible_programmes")


def get_establishment_for(user, pk) -> tuple[Establishment, bool]:
    establishment = get_object_or_404(
        scope.establishments_for(user).select_related("department__region__disp", "delegated_manager")
        .prefetch_related("quartiers", _visible_programmes(user, "siae", "quartier"), "spips"),
        pk=pk,
    )
    return establishment, permissions.may_edit(user, establishment)


def get_siae_for(user, pk) -> tuple[Siae, bool]:
    siae = get_object_or_404(
        scope.siaes_for(user).select_related("department__region")
        .prefetch_related(_visible_programmes(user, "establishment", "quartier")),
        pk=pk,
    )
    return siae, permissions.may_edit(user, siae)


def get_programme_for(user, pk) -> tuple[Programme, bool]:
    programme = get_object_or_404(scope.programmes_for(user).select_related(
        "siae", "quartier", "establishment__department__region__disp", "establishment__delegated_manager"
    ), pk=pk)
    return programme, permissions.may_edit(user, programme)


# --- Conventions, contracts, partnerships and funding ----------------------------------------------------


def convention_list_for(
    *, user, q: str = "", status: str = "", end_year: int | None = None
) -> QuerySet[StateConvention]:
    qs = scope.state_conventions_for(user).select_related("siae", "authority").annotate(
        annex_count=Count("annexes", distinct=True), etp_total=Sum("annexes__etp"),
    )
    if q:
        qs = qs.filter(Q(siae__name__icontains=q) | Q(siae__siret__startswith=q.replace(" ", "")))
    if status:
        qs = qs.filter(status=status)
    if end_year:
        qs = qs.filter(end_date__year=end_year)
    return qs.order_by("-start_date", "siae__name", "pk")


def get_state_convention_for(user, pk) -> tuple[StateConvention, bool]:
    convention = get_object_or_404(
        scope.state_conventions_for(user).select_related("siae__department", "authority")
        .prefetch_related(Prefetch("annexes", queryset=FinancialAnnex.objects.order_by("year", "start_date"))),
        pk=pk,
    )
    return convention, permissions.may_edit(user, convention)


def get_financial_annex_for(user, pk) -> tuple[FinancialAnnex, bool]:
    annex = get_object_or_404(scope.financial_annexes_for(user).select_related("convention__siae"), pk=pk)
    return annex, permissions.may_edit(user, annex)


def get_implantation_contract_for(user, pk) -> tuple[ImplantationContract, bool]:
    contract = get_object_or_404(scope.implantation_contracts_for(user).select_related("programme__siae"), pk=pk)
    return contract, permissions.may_edit(user, contract)


def _parties() -> Prefetch:
    return Prefetch(
        "parties",
        queryset=ConventionParty.objects.select_related("organisation").prefetch_related("organisation__former_names")
        .order_by("pk"),
    )


def get_partnership_convention_for(user, pk) -> tuple[PartnershipConvention, bool]:
    partnership = get_object_or_404(
        scope.partnership_conventions_for(user).select_related("programme__siae").prefetch_related(_parties()), pk=pk
    )
    return partnership, permissions.may_edit(user, partnership)


def get_funding_line_for(user, pk) -> tuple[FundingLine, bool]:
    line = get_object_or_404(scope.funding_lines_for(user).select_related("programme__siae"), pk=pk)
    return line, permissions.may_edit(user, line)


def funding_list_for(*, user, q: str = "", year: int | None = None, funder: str = "") -> QuerySet[FundingLine]:
    qs = scope.funding_lines_for(user).select_related("programme__siae", "organisation")
    if q:
        qs = qs.filter(Q(programme__code__icontains=q) | Q(programme__siae__name__icontains=q))
    if year:
        qs = qs.filter(year=year)
    if funder:
        qs = qs.filter(funder=funder)
    return qs.order_by("-year", "programme__code", "funder", "pk")


@dataclass
class FundingTable:
    """Funding of a programme: one row per year, one column per funder, with totals."""

    funders: list  # [(value, label)] of the funders present, in the enum's order
    rows: list  # [(year, [amount or None per funder], year total)]
    funder_totals: list
    total: Decimal


def funding_table(lines) -> FundingTable:
    amounts = defaultdict(Decimal)
    for line in lines:
        amounts[line.year, line.funder] += line.amount
    present = {funder for _, funder in amounts}
    funders = [(value, label) for value, label in Funder.choices if value in present]
    years = sorted({year for year, _ in amounts}, reverse=True)
    rows = [
        (year, [amounts.get((year, value)) for value, _ in funders],
         sum((amounts.get((year, value), Decimal(0)) for value, _ in funders), Decimal(0)))
        for year in years
    ]
    funder_totals = [sum((amounts.get((year, value), Decimal(0)) for year in years), Decimal(0))
                     for value, _ in funders]
    return FundingTable(funders, rows, funder_totals, sum(funder_totals, Decimal(0)))


def programme_bindings_for(*, user, programme: Programme) -> dict:
    """What binds a programme, for its page; a fixed number of queries whatever the number of rows:
    State conventions of its SIAE (1) and their annexes (1), implantation contracts (1) and the SMIC table (1),
    partnership conventions (1) with their parties and organisations (1), funding lines (1)."""
    conventions = list(
        scope.state_conventions_for(user).filter(siae_id=programme.siae_id).select_related("authority")
        .prefetch_related(Prefetch("annexes", queryset=FinancialAnnex.objects.order_by("year", "start_date")))
        .order_by("-start_date")
    )
    contracts = list(scope.implantation_contracts_for(user).filter(programme=programme).order_by("-start_date"))
    if contracts:
        smic_rates = list(SmicRate.objects.all())
        for contract in contracts:
            contract.smic_at_start = rates.smic_in_force(smic_rates, contract.start_date,
                                                         rates.territory_of(programme.siae))
            contract.smic_share = (
                rates.smic_share_pct(contract.hourly_pay, contract.smic_at_start) if contract.smic_at_start else None
            )
    partnerships = list(
        scope.partnership_conventions_for(user).filter(programme=programme).prefetch_related(_parties())
        .order_by("-start_date")
    )
    lines = list(scope.funding_lines_for(user).filter(programme=programme).select_related("organisation"))
    for row in (*conventions, *contracts, *partnerships):
        row.may_edit = permissions.may_edit(user, row)
    return {
        "state_conventions": conventions,
        "implantation_contracts": contracts,
        "partnership_conventions": partnerships,
        "funding_lines": lines,
        "funding": funding_table(lines),
    }
