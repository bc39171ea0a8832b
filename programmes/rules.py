"""Pure rules of the registry that database constraints cannot hold (they read several tables): the forms and the
services call them alike, so a page and an import refuse the same thing with the same French message."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.formatting import format_date

from .enums import (
    IMPLANTATION_MAX_WEEKLY_HOURS,
    IMPLANTATION_MIN_WEEKLY_HOURS,
    SIAE_KINDS_ALLOWED_IN_DETENTION,
    ImplantationRegime,
    SiaeKind,
)
from .models import Establishment, ImplantationContract, Programme, Quartier, Siae


def check_programme_rules(*, siae: Siae | None, establishment: Establishment | None, quartier: Quartier | None):
    """Rules across tables that constraints cannot hold; raises ValidationError keyed by field."""
    errors = {}
    if siae is not None and siae.kind not in SIAE_KINDS_ALLOWED_IN_DETENTION:
        errors["siae"] = _(
            "Seuls un atelier et chantier d'insertion (ACI) ou une entreprise d'insertion (EI) peuvent "
            "porter un programme en détention ; %(name)s est de type %(kind)s."
        ) % {"name": siae.name, "kind": SiaeKind(siae.kind).label}
    if quartier is not None and establishment is not None and quartier.establishment_id != establishment.pk:
        errors["quartier"] = _("Ce quartier n'appartient pas à l'établissement choisi.")
    if errors:
        raise ValidationError(errors)


# --- Implantation contracts and the workshop's legal frame on a date (issue 15, section 3) -------------------------

# The code pénitentiaire's regime (R412-78/79) applies to contracts starting from this day; the 2016 decree's before.
IMPLANTATION_2022_FROM = datetime.date(2022, 5, 1)


def implantation_contract_errors(*, regime: str, start_date, weekly_hours) -> dict:
    """The regime that fits the start date, and weekly hours within 10–35: {field: French message}.

    The one rule of every entry point: the service (programmes.services.check_contract_rules, hence the form and
    the import), the administration's form (programmes.admin)."""
    errors = {}
    if regime and start_date:
        if start_date >= IMPLANTATION_2022_FROM and regime == ImplantationRegime.R2016:
            errors["regime"] = _(
                "Un contrat d'implantation qui commence à partir du 1er mai 2022 relève du régime 2022 (code "
                "pénitentiaire) : le régime 2016 ne s'applique qu'aux contrats commencés avant (début saisi : "
                "%(date)s)."
            ) % {"date": format_date(start_date)}
        elif start_date < IMPLANTATION_2022_FROM and regime == ImplantationRegime.R2022:
            errors["regime"] = _(
                "Le régime 2022 (code pénitentiaire) s'applique aux contrats d'implantation commencés à partir du "
                "1er mai 2022 : un contrat commencé le %(date)s relève du régime 2016."
            ) % {"date": format_date(start_date)}
    if weekly_hours is not None and not IMPLANTATION_MIN_WEEKLY_HOURS <= weekly_hours <= IMPLANTATION_MAX_WEEKLY_HOURS:
        errors["weekly_hours"] = _(
            "Les heures de travail par semaine vont de 10 (temps partiel) à 35 (temps plein) : %(hours)s h saisies."
        ) % {"hours": f"{weekly_hours.normalize():f}".replace(".", ",")}
    return errors


def check_implantation_contract(contract) -> None:
    """``implantation_contract_errors`` on a contract; raises ValidationError keyed by field."""
    errors = implantation_contract_errors(regime=contract.regime, start_date=contract.start_date,
                                          weekly_hours=contract.weekly_hours)
    if errors:
        raise ValidationError(errors)


def programme_open_on(programme: Programme, day: datetime.date) -> bool:
    """A programme without a start (or an end) date is not bounded on that side."""
    return (programme.start_date is None or programme.start_date <= day) and (
        programme.end_date is None or day <= programme.end_date)


def contract_in_force_on(contracts, day: datetime.date):
    """Of ``contracts`` (a programme's implantation contracts), the one in force on ``day`` (the latest started)."""
    in_force = [c for c in contracts if c.start_date <= day <= c.end_date]
    return max(in_force, key=lambda c: c.start_date) if in_force else None


def workshop_frame_errors(programme: Programme, day: datetime.date, contracts=None) -> list[str]:
    """Why nobody may enter the programme's workshop (or sign a contract there) on ``day``: the programme is not
    open then, or no implantation contract is in force. Each message names what is missing and the page to fix it.
    ``contracts``: the programme's implantation contracts when already read (the import reads them once)."""
    if contracts is None:
        contracts = list(ImplantationContract.objects.filter(programme=programme))
    errors = []
    page = _("la fiche du programme %(code)s") % {"code": programme.code}
    if not programme_open_on(programme, day):
        if programme.end_date and day > programme.end_date:
            when = _("s'est terminé le %(end)s") % {"end": format_date(programme.end_date)}
        else:
            when = _("ne commence que le %(start)s") % {"start": format_date(programme.start_date)}
        errors.append(_(
            "Le programme %(code)s %(when)s : il n'est pas ouvert le %(date)s. Corrigez ses dates sur %(page)s, ou "
            "choisissez une date où il est ouvert."
        ) % {"code": programme.code, "when": when, "date": format_date(day), "page": page})
    if contract_in_force_on(contracts, day) is None:
        last = max(contracts, key=lambda c: c.end_date) if contracts else None
        known = (_(" (le dernier a pris fin le %(end)s)") % {"end": format_date(last.end_date)}
                 if last is not None and last.end_date < day else "")
        errors.append(_(
            "Aucun contrat d'implantation du programme %(code)s n'est en vigueur le %(date)s%(known)s. Ajoutez-le "
            "sur %(page)s (section « Contrats d'implantation »)."
        ) % {"code": programme.code, "date": format_date(day), "known": known, "page": page})
    return errors
