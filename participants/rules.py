"""Pure rules of the pathway, shared by the services (one record at a time) and the import (a whole file).

Each ``check_*`` function returns a dict {field: French message}; empty when the facts are valid.
Nothing here reads or writes the database except through the arguments it is given.
"""

import datetime
import re
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.formatting import format_date, format_euros
from core.validation import normalise_identifier
from programmes import rates

from .enums import (
    DEFAULT_OUTCOME,
    DURABLE_MIN_MONTHS_EXCLUSIVE,
    FIXED_TERM_CONTRACTS,
    JOB_OUTCOMES,
    ContractKind,
    ExitReason,
    JobContract,
    Outcome,
    PathwayStatus,
    Transition,
)

# The contrat d'emploi pénitentiaire replaced the acte d'engagement on this date (décret 2022-655).
CEP_FROM = datetime.date(2022, 5, 1)
MIN_HOURS_PER_WEEK = Decimal("10")
MAX_HOURS_PER_WEEK = Decimal("35")
MIN_AGE, MAX_AGE = 16, 100

# The last day an acte d'engagement could start; every open one had to become a CEP by 1 January 2023.
ENGAGEMENT_ACT_UNTIL = CEP_FROM - datetime.timedelta(days=1)
ENGAGEMENT_ACT_CONVERSION_DEADLINE = datetime.date(2022, 12, 31)

# Which statuses each step may start from. The quick actions and the checks read this one table. The code
# pénitentiaire's order (docs/domain.md §4.2): selection, classification after the CPU's opinion (granted or refused),
# assignment, then the contract; no step is skipped.
ALLOWED_FROM = {
    Transition.DECIDE: frozenset({PathwayStatus.CANDIDATE}),
    Transition.CLASSIFY: frozenset({PathwayStatus.SELECTED}),
    Transition.ASSIGN: frozenset({PathwayStatus.CLASSIFIED}),
    Transition.START: frozenset({PathwayStatus.ASSIGNED}),
    Transition.SUSPEND: frozenset({PathwayStatus.IN_WORKSHOP}),
    Transition.RESUME: frozenset({PathwayStatus.SUSPENDED}),
    Transition.EXIT: frozenset({PathwayStatus.IN_WORKSHOP, PathwayStatus.SUSPENDED}),
    Transition.WITHDRAW: frozenset(
        {PathwayStatus.CANDIDATE, PathwayStatus.SELECTED, PathwayStatus.CLASSIFIED, PathwayStatus.ASSIGNED}
    ),
}
# What each step needs first, said to the user when it is refused (the step before it in the pathway).
MISSING_STEP = {
    Transition.CLASSIFY: _lazy("enregistrez d'abord la décision de la commission de sélection (personne retenue)"),
    Transition.ASSIGN: _lazy("enregistrez d'abord le classement au travail, décidé après l'avis de la CPU"),
    Transition.START: _lazy("enregistrez d'abord l'affectation, décidée après le classement au travail"),
}
# The steps the import records, marked "reconstitué à l'import", when a file gives an entry in the workshop for a
# pathway the application has not seen classified or assigned (the file knows only the selection and the dates).
STEPS_BEFORE_ENTRY = {
    PathwayStatus.SELECTED: [(Transition.CLASSIFY, PathwayStatus.CLASSIFIED),
                             (Transition.ASSIGN, PathwayStatus.ASSIGNED)],
    PathwayStatus.CLASSIFIED: [(Transition.ASSIGN, PathwayStatus.ASSIGNED)],
}


def ecrou_key(raw: str) -> str:
    """"  00123-a " and "123A" are the same écrou: letters and digits only, upper case, no leading zeros. Full-width
    or other compatibility forms ("３３９２６") are read as the digits they stand for (core.validation.normalise)."""
    text = normalise_identifier(raw)
    key = re.sub(r"[^0-9A-Za-z]", "", text).upper().lstrip("0")
    return key or ("0" if "0" in text else "")


def contract_kind_on(start: datetime.date) -> str:
    return ContractKind.CEP if start >= CEP_FROM else ContractKind.ENGAGEMENT_ACT


def transitions_from(status: str) -> list[str]:
    return [transition for transition, statuses in ALLOWED_FROM.items() if status in statuses]


def check_allowed(transition: str, status: str) -> dict:
    if status in ALLOWED_FROM[transition]:
        return {}
    allowed = ", ".join(f"« {PathwayStatus(s).label} »" for s in sorted(ALLOWED_FROM[transition]))
    message = _("Le parcours est « %(status)s » : l'étape « %(step)s » n'est possible que depuis %(allowed)s.") % {
        "status": PathwayStatus(status).label, "step": Transition(transition).label, "allowed": allowed}
    if transition in MISSING_STEP and status in _BEFORE[transition]:
        message += " " + _("Rien n'a été enregistré : %(missing)s.") % {"missing": MISSING_STEP[transition]}
    return {None: message}


# The statuses a step comes too early from (the pathway has not reached the step before it yet).
_BEFORE = {
    Transition.CLASSIFY: frozenset({PathwayStatus.CANDIDATE}),
    Transition.ASSIGN: frozenset({PathwayStatus.CANDIDATE, PathwayStatus.SELECTED}),
    Transition.START: frozenset({PathwayStatus.CANDIDATE, PathwayStatus.SELECTED, PathwayStatus.CLASSIFIED}),
}


def contract_kind_errors(field: str, start: datetime.date | None, kind: str) -> dict:
    """No acte d'engagement starts after 30 April 2022 (a CEP since 1 May 2022), and no CEP before."""
    if start and kind == ContractKind.ENGAGEMENT_ACT and start > ENGAGEMENT_ACT_UNTIL:
        return {field: _("Un acte d'engagement ne peut pas commencer après le 30 avril 2022 (saisi : %(date)s) : "
                         "depuis le 1er mai 2022, c'est un contrat d'emploi pénitentiaire (CEP).")
                % {"date": format_date(start)}}
    if start and kind == ContractKind.CEP and start < CEP_FROM:
        return {field: _("Un contrat d'emploi pénitentiaire ne peut pas commencer avant le 1er mai 2022 (saisi : "
                         "%(date)s) : c'était alors un acte d'engagement.") % {"date": format_date(start)}}
    return {}


def engagement_act_to_convert(pathway, today: datetime.date) -> bool:
    """An acte d'engagement still open after 31 December 2022: it had to become a CEP."""
    return (pathway.contract_kind == ContractKind.ENGAGEMENT_ACT and pathway.status in CONVERTIBLE_STATUSES
            and today > ENGAGEMENT_ACT_CONVERSION_DEADLINE)


CONVERTIBLE_STATUSES = frozenset({PathwayStatus.IN_WORKSHOP, PathwayStatus.SUSPENDED})


def check_conversion(*, pathway, on: datetime.date | None, today: datetime.date) -> dict:
    """An open acte d'engagement becomes a CEP from ``on``: the acte ends the day before (so not before the day after
    its start), not before 1 May 2022 and not in the future."""
    if pathway.contract_kind != ContractKind.ENGAGEMENT_ACT or pathway.status not in CONVERTIBLE_STATUSES:
        return {None: _("Seul un acte d'engagement en cours (parcours en atelier ou suspendu) se transforme en "
                        "contrat d'emploi pénitentiaire.")}
    errors = check_required("cep_start", on, _("la date de début du contrat d'emploi pénitentiaire"))
    if errors:
        return errors
    errors = check_not_future("cep_start", on, today, _("Le début du contrat d'emploi pénitentiaire"))
    errors |= check_not_before("cep_start", on, CEP_FROM, _(
        "Le contrat d'emploi pénitentiaire (%(date)s) ne peut pas commencer avant le %(earlier)s, date où il remplace "
        "l'acte d'engagement."))
    errors |= check_not_before("cep_start", on, pathway.contract_start + datetime.timedelta(days=1), _(
        "Le contrat d'emploi pénitentiaire (%(date)s) commence au plus tôt le %(earlier)s, lendemain du début de "
        "l'acte d'engagement."))
    return errors


def check_required(field: str, day, what: str) -> dict:
    """A step without its date is refused before any other check (``what``: "la date de sortie")."""
    if day is None:
        return {field: _("Indiquez %(what)s.") % {"what": what}}
    return {}


def check_not_future(field: str, day: datetime.date | None, today: datetime.date, what: str) -> dict:
    if day and day > today:
        return {field: _("%(what)s ne peut pas être dans le futur (%(date)s).")
                % {"what": what, "date": format_date(day)}}
    return {}


def check_not_before(field: str, day, earlier, message: str) -> dict:
    """``message`` receives %(date)s (the day) and %(earlier)s."""
    if day and earlier and day < earlier:
        return {field: message % {"date": format_date(day), "earlier": format_date(earlier)}}
    return {}


def check_birth_date(birth_date: datetime.date | None, today: datetime.date) -> dict:
    if birth_date is None:
        return {}
    age = relativedelta(today, birth_date).years
    if birth_date > today or not MIN_AGE <= age <= MAX_AGE:
        return {"birth_date": _("La date de naissance %(date)s donne un âge de %(age)s ans : vérifiez-la "
                                "(entre %(min)s et %(max)s ans).")
                % {"date": format_date(birth_date), "age": age, "min": MIN_AGE, "max": MAX_AGE}}
    return {}


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return relativedelta(day, birth_date).years


def check_contract(*, start, signed_on, hours_per_week, hourly_pay, smic, earliest, today) -> dict:
    """Contract start: not in the future, not before the previous step, hours 10 to 35, pay >= 45 % SMIC.

    ``smic`` is the hourly SMIC in force at ``start`` (None when no rate is known: reported as such).
    """
    errors = check_not_future("contract_start", start, today, _("L'entrée en atelier"))
    errors |= check_not_before(
        "contract_start", start, earliest,
        _("L'entrée en atelier (%(date)s) ne peut pas précéder l'étape précédente du parcours (%(earlier)s)."),
    )
    errors |= check_not_future("contract_signed_on", signed_on, today, _("La signature du contrat"))
    if hours_per_week is not None and not MIN_HOURS_PER_WEEK <= hours_per_week <= MAX_HOURS_PER_WEEK:
        errors["hours_per_week"] = _("La durée hebdomadaire est comprise entre 10 et 35 heures (saisi : %(h)s).") % {
            "h": hours_per_week}
    if hourly_pay is not None and start:
        errors |= check_pay_floor("hourly_pay", hourly_pay, smic, start)
    return errors


def check_pay_floor(field: str, hourly_pay, smic, day: datetime.date) -> dict:
    """The one pay rule: an hourly pay reaches 45 % of the SMIC in force on ``day`` (``smic``, None when no rate is
    known: reported as such). A contract's start and each revaluation read it."""
    if smic is None:
        return {field: _("Aucun taux du SMIC n'est connu au %(date)s : ajoutez-le d'abord.") % {
            "date": format_date(day)}}
    if hourly_pay < rates.pay_floor(smic):
        return {field: _(
            "La rémunération horaire doit atteindre 45 %% du SMIC en vigueur le %(date)s, soit au moins "
            "%(floor)s (SMIC %(smic)s)."
        ) % {"date": format_date(day), "floor": format_euros(rates.pay_floor(smic)), "smic": format_euros(smic)}}
    return {}


def below_pay_floor(hourly_pay, smic) -> bool:
    """An hourly pay under 45 % of ``smic`` (the contracts to revalue when the SMIC moves)."""
    return hourly_pay is not None and smic is not None and hourly_pay < rates.pay_floor(smic)


# A contract whose pay may be revalued: the pathway in the workshop or suspended.
REVALUABLE_STATUSES = frozenset({PathwayStatus.IN_WORKSHOP, PathwayStatus.SUSPENDED})


def check_revaluation(*, pathway, valid_from, hourly_pay, smic, last_valid_from, today) -> dict:
    """A new hourly pay from ``valid_from``: for a contract in progress with a pay, from its start (the CEP's, for a
    converted acte) and after the last revaluation, not in the future, above the current pay and at least 45 % of
    the SMIC in force on that day (``smic``)."""
    if pathway.status not in REVALUABLE_STATUSES or not pathway.contract_start:
        return {None: _("Seul un contrat en cours (parcours en atelier ou suspendu) se revalorise.")}
    if pathway.hourly_pay is None:
        return {None: _("Ce contrat n'a pas de rémunération horaire : complétez d'abord le contrat.")}
    errors = check_required("valid_from", valid_from, _("la date d'effet de la revalorisation"))
    if errors:
        return errors
    errors = check_not_future("valid_from", valid_from, today, _("La date d'effet de la revalorisation"))
    errors |= check_not_before("valid_from", valid_from, pathway.cep_from or pathway.contract_start, _(
        "La revalorisation (%(date)s) ne peut pas précéder le début du contrat (%(earlier)s)."))
    if last_valid_from and valid_from <= last_valid_from:
        errors["valid_from"] = _(
            "La revalorisation (%(date)s) doit suivre la précédente, en vigueur depuis le %(earlier)s."
        ) % {"date": format_date(valid_from), "earlier": format_date(last_valid_from)}
    if errors or smic is None:
        return errors or check_pay_floor("valid_from", hourly_pay, smic, valid_from)
    if hourly_pay is None:
        return {"hourly_pay": _("Indiquez la nouvelle rémunération horaire.")}
    if hourly_pay <= pathway.hourly_pay:
        return {"hourly_pay": _("La nouvelle rémunération horaire (%(new)s) doit dépasser la rémunération actuelle "
                                "(%(old)s).") % {"new": format_euros(hourly_pay),
                                                 "old": format_euros(pathway.hourly_pay)}}
    return check_pay_floor("hourly_pay", hourly_pay, smic, valid_from)


def default_outcome(reason: str) -> str:
    return DEFAULT_OUTCOME.get(reason, "")


def check_exit(*, on, entry, reason, outcome, adjustment="", return_reason="", job_contract="", job_months=None,
               today) -> dict:
    """The exit's date against the entry, and the reason, outcome and job fields that go together."""
    errors = check_not_future("exit_on", on, today, _("La sortie"))
    errors |= check_not_before("exit_on", on, entry,
                               _("La sortie (%(date)s) ne peut pas précéder l'entrée en atelier (%(earlier)s)."))
    if not reason:
        errors["exit_reason"] = _("Indiquez le motif de sortie.")
    if reason == ExitReason.RELEASE_ADJUSTMENT and not adjustment:
        errors["adjustment"] = _("Indiquez l'aménagement de peine obtenu.")
    if reason != ExitReason.RELEASE_ADJUSTMENT and adjustment:
        errors["adjustment"] = _("L'aménagement de peine ne se saisit que pour une libération sous aménagement.")
    if reason == ExitReason.RETURN_ORDINARY_DETENTION and not return_reason:
        errors["return_reason"] = _("Indiquez le motif du retour en détention ordinaire.")
    if reason != ExitReason.RETURN_ORDINARY_DETENTION and return_reason:
        errors["return_reason"] = _("Ce motif ne se saisit que pour un retour en détention ordinaire.")
    if not outcome:
        errors["outcome"] = _("Indiquez la situation à la sortie.")
    errors |= check_job(outcome=outcome, job_contract=job_contract, job_months=job_months)
    return errors


def check_job(*, outcome, job_contract, job_months, field_prefix="") -> dict:
    """An employment outcome names its contract; a fixed-term one its length, which decides durable or not."""
    contract_field, months_field = f"{field_prefix}job_contract", f"{field_prefix}job_months"
    if job_contract == JobContract.CDDI:
        # Hired by an SIAE outside: an IAE contract is a positive exit, never an employment one (docs/domain.md §7.2).
        if outcome != Outcome.POSITIVE:
            return {"outcome": _("Une embauche en CDD d'insertion par une SIAE est une sortie positive.")}
        return {}
    if outcome not in JOB_OUTCOMES:
        if job_contract or job_months:
            return {contract_field: _("Le type et la durée du contrat ne se saisissent que pour un emploi.")}
        return {}
    if not job_contract:
        return {contract_field: _("Indiquez le type de contrat de l'emploi.")}
    if job_contract in FIXED_TERM_CONTRACTS:
        if not job_months:
            return {months_field: _("Indiquez la durée du contrat en mois.")}
        durable = job_months > DURABLE_MIN_MONTHS_EXCLUSIVE
        if outcome == Outcome.DURABLE and not durable:
            return {"outcome": _("Un %(contract)s de %(months)s mois est un emploi de transition (durable : plus "
                                 "de 6 mois).") % {"contract": JobContract(job_contract).label, "months": job_months}}
        if outcome == Outcome.TRANSITION and durable:
            return {"outcome": _("Un %(contract)s de %(months)s mois est un emploi durable (plus de 6 mois).")
                    % {"contract": JobContract(job_contract).label, "months": job_months}}
        return {}
    if job_months:
        return {months_field: _("La durée ne se saisit que pour un contrat à durée déterminée.")}
    if outcome == Outcome.TRANSITION and job_contract != JobContract.SUBSIDISED:
        return {"outcome": _("Un %(contract)s est un emploi durable.") % {"contract": JobContract(job_contract).label}}
    if outcome == Outcome.DURABLE and job_contract == JobContract.SUBSIDISED:
        return {"outcome": _("Un contrat aidé est un emploi de transition.")}
    return {}
