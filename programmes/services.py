"""Writes on the registry: validate, save, nothing half-saved."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from access import permissions
from audit.context import records_by
from core.formatting import format_date, format_euros
from core.validation import period_errors
from partners.enums import OrganisationKind

from . import aid, rates
from .enums import SIAE_KINDS_ALLOWED_IN_DETENTION, AnnexStatus, ConventionStatus, ImplantationRegime
from .models import (
    ConventionParty,
    Establishment,
    FinancialAnnex,
    FundingLine,
    ImplantationContract,
    PartnershipConvention,
    Programme,
    Quartier,
    Siae,
    StateConvention,
)
from .rules import check_programme_rules, implantation_contract_errors


def _save(instance, *, exclude=()):
    instance.full_clean(exclude=list(exclude))
    instance.save()
    return instance


@records_by
@transaction.atomic
def programme_save(*, programme: Programme, by) -> Programme:
    check_programme_rules(siae=programme.siae, establishment=programme.establishment, quartier=programme.quartier)
    return _save(programme)


@records_by
@transaction.atomic
def establishment_save(*, establishment: Establishment, quartiers: list[str], by) -> Establishment:
    """Save an establishment and set its quartiers to exactly ``quartiers`` (codes)."""
    _save(establishment)
    removed = establishment.quartiers.exclude(kind__in=quartiers)
    in_use = set(removed.filter(programmes__isnull=False).values_list("kind", flat=True))
    if in_use:
        raise ValidationError(
            {"quartiers": _("Impossible de retirer un quartier où un programme est implanté : %(codes)s.")
             % {"codes": ", ".join(sorted(in_use))}}
        )
    removed.delete()
    for kind in quartiers:
        Quartier.objects.get_or_create(establishment=establishment, kind=kind)
    return establishment


@records_by
@transaction.atomic
def siae_save(*, siae: Siae, by) -> Siae:
    if siae.pk and siae.kind not in SIAE_KINDS_ALLOWED_IN_DETENTION and siae.programmes.exists():
        raise ValidationError(
            {"kind": _("Cette SIAE porte un programme en détention : elle doit rester un ACI ou une EI.")}
        )
    return _save(siae)


# --- Conventions, annexes, contracts, partnerships and funding --------------------------------------------

STATE_CONVENTION_MAX_YEARS = 3
R2022_CONTRACT_MAX_YEARS = 7


def _raise(errors: dict):
    if errors:
        raise ValidationError(errors)


def check_state_convention_rules(convention: StateConvention):
    errors = period_errors(convention.start_date, convention.end_date)
    start, end = convention.start_date, convention.end_date
    if not errors and start and end and end > rates.add_years(start, STATE_CONVENTION_MAX_YEARS):
        errors["end_date"] = _(
            "Une convention avec l'État dure au plus 3 ans : pour un début le %(start)s, la fin doit être "
            "au plus tard le %(limit)s."
        ) % {"start": format_date(start), "limit": format_date(rates.add_years(start, 3))}
    authority = convention.authority if convention.authority_id else None
    if authority is not None and authority.kind not in {OrganisationKind.DREETS, OrganisationKind.DDETS}:
        errors["authority"] = _("Le service signataire doit être une DREETS ou une DDETS.")
    if not errors and convention.pk:
        outside = convention.annexes.exclude(start_date__gte=start, end_date__lte=end).order_by("start_date")
        if outside.exists():
            errors["end_date"] = _(
                "Ces annexes sortiraient de la période de la convention : %(numbers)s. Modifiez-les d'abord."
            ) % {"numbers": ", ".join(annex.asp_number for annex in outside)}
    _raise(errors)


@records_by
@transaction.atomic
def state_convention_save(*, convention: StateConvention, by) -> StateConvention:
    check_state_convention_rules(convention)
    return _save(convention)


@records_by
@transaction.atomic
def state_convention_validate(*, convention: StateConvention, by) -> StateConvention:
    """DRAFT -> SIGNED, by a DREETS/DDETS officer (or an administrator)."""
    if not permissions.can_validate(by):
        raise PermissionDenied(_("Seuls la DREETS et la DDETS valident une convention avec l'État."))
    convention = StateConvention.objects.select_for_update().get(pk=convention.pk)
    if convention.status != ConventionStatus.DRAFT:
        raise ValidationError(
            _("Cette convention est déjà %(status)s : seule une convention en brouillon peut être validée.")
            % {"status": convention.get_status_display().lower()}
        )
    convention.status = ConventionStatus.SIGNED
    convention.save(update_fields=["status"])
    return convention


def check_annex_rules(annex: FinancialAnnex) -> dict:
    """Rules of an annex against its convention and its siblings; returns errors keyed by field."""
    convention = annex.convention
    siae = convention.siae
    start, end = annex.start_date, annex.end_date
    errors = period_errors(start, end)
    if annex.etp is not None and annex.etp <= 0:
        errors["etp"] = _("Le nombre d'ETP conventionnés doit être positif.")
    if annex.measure and not rates.measure_fits_kind(annex.measure, siae.kind):
        allowed = rates.MEASURES_BY_KIND.get(siae.kind, ())
        errors["measure"] = (
            _("La mesure %(measure)s ne correspond pas à %(name)s, qui est de type %(kind)s : choisissez %(allowed)s.")
            % {"measure": annex.measure, "name": siae.name, "kind": siae.kind,
               "allowed": _(" ou ").join(allowed)}
            if allowed else
            _("%(name)s est de type %(kind)s : aucune mesure d'annexe en détention ne lui correspond.")
            % {"name": siae.name, "kind": siae.kind}
        )
    if start and annex.year and annex.year != start.year:
        errors["year"] = _("L'année de l'annexe (%(year)s) doit être celle de sa date de début (%(start)s).") % {
            "year": annex.year, "start": start.year,
        }
    if start and end and "end_date" not in errors:
        if start < convention.start_date or end > convention.end_date:
            errors["start_date" if start < convention.start_date else "end_date"] = _(
                "L'annexe doit se situer dans la période de sa convention, du %(start)s au %(end)s."
            ) % {"start": format_date(convention.start_date), "end": format_date(convention.end_date)}
        elif annex.year:
            overlapping = (
                convention.annexes.filter(year=annex.year, start_date__lte=end, end_date__gte=start)
                .exclude(pk=annex.pk)
                .order_by("start_date")
                .first()
            )
            if overlapping:
                errors["start_date"] = _(
                    "Cette période chevauche l'annexe %(number)s de la même année (du %(start)s au %(end)s)."
                ) % {"number": overlapping.asp_number, "start": format_date(overlapping.start_date),
                     "end": format_date(overlapping.end_date)}
    return errors


@records_by
@transaction.atomic
def annex_save(*, annex: FinancialAnnex, by) -> FinancialAnnex:
    """Save an annex; an aid amount left blank is computed from the rate in force at its start (programmes.rates).

    Over the cap of the specific prison aid, a computed amount is refused; a typed one (the signed annex says so)
    is kept, and the convention page flags it (programmes.aid).
    """
    errors = check_annex_rules(annex)
    if not errors:
        errors |= aid.establishment_errors(annex)
    if annex.aid_amount is None and not errors:
        excess = aid.cap_excess(annex)
        if excess is not None:
            errors["etp"] = [excess.message, _("Réduisez les ETP, ou saisissez le montant inscrit dans l'annexe "
                                               "signée si elle en dit autrement.")]
        else:
            try:
                annex.aid_amount = rates.annex_aid_amount(annex)
            except ValidationError as error:
                errors["aid_amount"] = [*error.messages, _("Saisissez le montant de l'aide inscrit dans l'annexe.")]
    _raise(errors)
    return _save(annex)


@records_by
@transaction.atomic
def annex_validate(*, annex: FinancialAnnex, by) -> FinancialAnnex:
    """DRAFT -> VALIDATED, by a DREETS/DDETS officer (or an administrator)."""
    if not permissions.can_validate(by):
        raise PermissionDenied(_("Seuls la DREETS et la DDETS valident une annexe financière."))
    annex = FinancialAnnex.objects.select_for_update().get(pk=annex.pk)
    if annex.status != AnnexStatus.DRAFT:
        raise ValidationError(_("Cette annexe est déjà validée."))
    annex.status = AnnexStatus.VALIDATED
    annex.save(update_fields=["status"])
    return annex


def check_contract_rules(contract: ImplantationContract):
    start, end = contract.start_date, contract.end_date
    errors = period_errors(start, end)
    errors |= implantation_contract_errors(regime=contract.regime, start_date=start, weekly_hours=contract.weekly_hours)
    if (not errors and start and end and contract.regime == ImplantationRegime.R2022
            and end > rates.add_years(start, R2022_CONTRACT_MAX_YEARS)):
        errors["end_date"] = _(
            "Un contrat d'implantation du régime 2022 dure au plus 7 ans : pour un début le %(start)s, la fin "
            "doit être au plus tard le %(limit)s."
        ) % {"start": format_date(start), "limit": format_date(rates.add_years(start, 7))}
    if start and contract.hourly_pay is not None:
        try:
            smic = rates.smic_on(start, rates.territory_of(contract.programme.siae))
        except ValidationError as error:
            errors["start_date"] = error.messages
        else:
            if contract.hourly_pay * 100 < smic * rates.MIN_SMIC_SHARE_PCT:
                errors["hourly_pay"] = _(
                    "La rémunération horaire (%(pay)s) est inférieure à 45 %% du SMIC en vigueur au %(start)s "
                    "(%(smic)s de l'heure) : elle doit être d'au moins %(floor)s."
                ) % {"pay": format_euros(contract.hourly_pay), "start": format_date(start),
                     "smic": format_euros(smic), "floor": format_euros(rates.pay_floor(smic))}
    _raise(errors)


@records_by
@transaction.atomic
def implantation_contract_save(*, contract: ImplantationContract, by) -> ImplantationContract:
    check_contract_rules(contract)
    return _save(contract)


@records_by
@transaction.atomic
def partnership_save(*, convention: PartnershipConvention, parties: list[dict], by) -> PartnershipConvention:
    """Save a multi-party convention and set its parties to exactly ``parties`` ({organisation, role})."""
    errors = period_errors(convention.start_date, convention.end_date)
    seen, duplicates = set(), []
    for party in parties:
        if party["organisation"].pk in seen:
            duplicates.append(str(party["organisation"]))
        seen.add(party["organisation"].pk)
    if not parties:
        errors["parties"] = _("Indiquez au moins une partie à la convention (organisation et rôle).")
    elif duplicates:
        errors["parties"] = _("Une organisation ne peut être partie qu'une fois : %(names)s.") % {
            "names": ", ".join(duplicates)
        }
    _raise(errors)
    _save(convention)
    convention.parties.exclude(organisation__in=seen).delete()
    for party in parties:
        ConventionParty.objects.update_or_create(
            convention=convention, organisation=party["organisation"], defaults={"role": party.get("role", "")}
        )
    return convention


@records_by
@transaction.atomic
def funding_line_save(*, line: FundingLine, by) -> FundingLine:
    duplicate = FundingLine.objects.filter(
        programme_id=line.programme_id, year=line.year, funder=line.funder, organisation_id=line.organisation_id
    ).exclude(pk=line.pk)
    if duplicate.exists():
        raise ValidationError({"funder": _(
            "Ce financement est déjà saisi pour %(year)s : modifiez la ligne existante plutôt que d'en ajouter une."
        ) % {"year": line.year}})
    return _save(line)
