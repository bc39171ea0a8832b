"""Deadlines shown on the home page: what ends soon without a successor, and what is overdue.

Four kinds, each read through ``access.scope`` only (a user is never told about what they cannot see):

- ``convention``: a State convention ending within ``HORIZON_DAYS`` days (0 <= end - today <= 90) when no
  other convention of the same SIAE starts after this one's start;
- ``annex``: the same for a financial annex, whose successor is an annex of the same SIAE and measure;
- ``contract``: an implantation contract past its end (end < today), not tacitly renewed, when no later
  contract exists for the programme. A programme that ended (its end date on or before the contract's)
  needs no new contract: it gives no alert;
- ``decision``: a committee decision still open after its due date.

Which roles get which kinds is in ``KINDS_BY_ROLE``; national staff read dashboards and get none.
The number of queries does not depend on the number of rows (one query per kind).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import NoReverseMatch, reverse

from access import scope
from accounts.enums import Role
from core.formatting import days_ago, in_days
from core.formatting import long_date as french_date
from partners.enums import DecisionStatus
from partners.models import Decision

from .enums import ConventionStatus
from .models import FinancialAnnex, ImplantationContract, StateConvention

HORIZON_DAYS = 90

CONVENTION = "convention"
ANNEX = "annex"
CONTRACT = "contract"
DECISION = "decision"

_CONVENTION_ROLES = {Role.SIAE_DIRECTOR, Role.SIAE_STAFF, Role.DREETS_STAFF, Role.DDETS_STAFF, Role.ADMIN}
_CONTRACT_ROLES = {Role.DISP_STAFF, Role.ESTABLISHMENT_STAFF, Role.SIAE_DIRECTOR, Role.ADMIN}
KINDS_BY_ROLE = {
    role: frozenset(
        ({CONVENTION, ANNEX} if role in _CONVENTION_ROLES else set())
        | ({CONTRACT} if role in _CONTRACT_ROLES else set())
        | ({DECISION} if role != Role.NATIONAL else set())  # whoever sees the committee, but national staff
    )
    for role in Role
}

# DSFR alert types (fr-alert--<severity>).
WARNING = "warning"
ERROR = "error"


@dataclass(frozen=True)
class Alert:
    kind: str  # CONVENTION, ANNEX, CONTRACT or DECISION
    message: str  # a French sentence
    date: datetime.date  # the end or due date the alert is about
    url: str  # where to act on it
    link_label: str  # the link's text ("Voir la convention")
    subject: str  # what the link leads to, for screen readers
    severity: str  # WARNING or ERROR


def kinds_for(user) -> frozenset[str]:
    """The kinds of alerts a user's role receives (empty: the home page shows no alert block)."""
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    return KINDS_BY_ROLE.get(user.role, frozenset())


def _of(name: str) -> str:
    """French "de" before a name, elided before a vowel: "d'Après", "d'EFIC", "de La Remise"."""
    return f"d'{name}" if name[:1].lower() in set("aeiouyàâäéèêëîïôöùûü") else f"de {name}"


def _url(name: str, pk: int, *, fallback: str | None) -> str | None:
    """The page ``name`` if it exists (pages may be deployed later than the data), else ``fallback``."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return fallback


def _programme_url(pk: int | None) -> str | None:
    return reverse("programmes:programme_detail", args=[pk]) if pk else None


def alerts_for(*, user, today: datetime.date) -> list[Alert]:
    """The user's alerts, soonest date first."""
    kinds = kinds_for(user)
    alerts: list[Alert] = []
    if CONVENTION in kinds:
        alerts += _convention_alerts(user, today)
    if ANNEX in kinds:
        alerts += _annex_alerts(user, today)
    if CONTRACT in kinds:
        alerts += _contract_alerts(user, today)
    if DECISION in kinds:
        alerts += _decision_alerts(user, today)
    return sorted(alerts, key=lambda alert: (alert.date, alert.kind, alert.message))


def _first_programme_of_siae(user, siae_ref: str):
    """The first programme (by code) of an SIAE the user sees: where a convention link falls back to."""
    return Subquery(scope.programmes_for(user).filter(siae=OuterRef(siae_ref)).order_by("code").values("pk")[:1])


def _convention_alerts(user, today):
    later = StateConvention.objects.filter(siae=OuterRef("siae"), start_date__gt=OuterRef("start_date"))
    conventions = (
        scope.state_conventions_for(user)
        .filter(end_date__gte=today, end_date__lte=today + datetime.timedelta(days=HORIZON_DAYS))
        .exclude(status=ConventionStatus.TERMINATED)
        .exclude(Exists(later))
        .annotate(programme_pk=_first_programme_of_siae(user, "siae"))
        .select_related("siae", "authority")
    )
    for convention in conventions:
        days = (convention.end_date - today).days
        yield Alert(
            kind=CONVENTION,
            message=(f"La convention {_of(convention.siae.name)} avec {convention.authority.name} se termine le "
                     f"{french_date(convention.end_date)}, {in_days(days)}, et aucune convention ne lui succède."),
            date=convention.end_date,
            url=_url("programmes:convention_detail", convention.pk, fallback=_programme_url(convention.programme_pk))
            or "",
            link_label="Voir la convention",
            subject=f"convention {_of(convention.siae.name)}",
            severity=WARNING,
        )


def _annex_alerts(user, today):
    later = FinancialAnnex.objects.filter(
        convention__siae=OuterRef("convention__siae"), measure=OuterRef("measure"),
        start_date__gt=OuterRef("start_date"),
    )
    annexes = (
        scope.financial_annexes_for(user)
        .filter(end_date__gte=today, end_date__lte=today + datetime.timedelta(days=HORIZON_DAYS))
        .exclude(Exists(later))
        .annotate(programme_pk=_first_programme_of_siae(user, "convention__siae"))
        .select_related("convention__siae")
    )
    for annex in annexes:
        days = (annex.end_date - today).days
        siae = annex.convention.siae.name
        yield Alert(
            kind=ANNEX,
            message=(f"L'annexe financière {annex.asp_number} ({annex.measure}, {annex.year}) {_of(siae)} se termine "
                     f"le {french_date(annex.end_date)}, {in_days(days)}, et aucune annexe ne lui succède."),
            date=annex.end_date,
            url=_url("programmes:convention_detail", annex.convention_id,
                     fallback=_programme_url(annex.programme_pk)) or "",
            link_label="Voir la convention",
            subject=f"convention {_of(siae)}, annexe {annex.asp_number}",
            severity=WARNING,
        )


def _contract_alerts(user, today):
    later = ImplantationContract.objects.filter(programme=OuterRef("programme"), start_date__gt=OuterRef("start_date"))
    contracts = (
        scope.implantation_contracts_for(user)
        .filter(end_date__lt=today, tacit_renewal=False)
        .exclude(Exists(later))
        .filter(Q(programme__end_date__isnull=True) | Q(programme__end_date__gt=F("end_date")))
        .select_related("programme__siae", "programme__establishment")
    )
    for contract in contracts:
        programme = contract.programme
        days = (today - contract.end_date).days
        yield Alert(
            kind=CONTRACT,
            message=(f"Le contrat d'implantation {_of(programme.siae.name)} ({programme.establishment.name}) a pris "
                     f"fin le {french_date(contract.end_date)}, {days_ago(days)}, sans nouveau contrat."),
            date=contract.end_date,
            url=_programme_url(programme.pk),
            link_label="Voir le programme",
            subject=programme.code,
            severity=ERROR,
        )


def _decision_alerts(user, today):
    decisions = (
        Decision.objects.filter(meeting__in=scope.meetings_for(user), status=DecisionStatus.OPEN, due_date__lt=today)
        .select_related("owner", "meeting__programme", "meeting__establishment")
    )
    for decision in decisions:
        meeting = decision.meeting
        subject = meeting.programme.code if meeting.programme_id else meeting.establishment.name
        text = decision.text if len(decision.text) <= 120 else decision.text[:119].rstrip() + "…"
        fallback = (_programme_url(meeting.programme_id) if meeting.programme_id
                    else reverse("programmes:establishment_detail", args=[meeting.establishment_id]))
        days = (today - decision.due_date).days
        yield Alert(
            kind=DECISION,
            message=(f"Décision du {meeting.get_kind_display().lower()} {subject} du {french_date(meeting.date)} "
                     f"à faire par {decision.owner.name} pour le {french_date(decision.due_date)} "
                     f"({days_ago(days)}) : « {text} »."),
            date=decision.due_date,
            url=_url("partners:meeting_detail", meeting.pk, fallback=fallback),
            link_label="Voir le comité",
            subject=f"{meeting.get_kind_display().lower()} {subject} du {french_date(meeting.date)}",
            severity=WARNING,
        )
