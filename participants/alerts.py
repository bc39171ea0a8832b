"""Pathway alerts on the home page (issue 4, section 5), in the same form as programmes/alerts.py.

Three kinds, each read from ``access.scope.pathways_for`` only (nobody is told about a person they cannot see):

- ``release``: a person whose expected release date is between today and ``RELEASE_HORIZON_DAYS`` days from
  now, on an open pathway that has no pre-release action (EventKind.PRE_RELEASE) on its timeline;
- ``follow_up``: a pathway ended by a release whose +3, +6 or +12 months follow-up is due (services.follow_up_due_on
  on or before today) and not recorded. Only the earliest such milestone of each pathway is shown, and
  milestones more than ``FOLLOW_UP_WINDOW_MONTHS`` months overdue are left out, so that old cohorts (imported
  years of history) do not flood the page: the alert is for contacts that can still be made;
- ``contract``: a pathway in the workshop (or suspended) whose contract lacks its signature date, its hours per
  week or its hourly pay;
- ``engagement_act``: a pathway in the workshop (or suspended) still under an acte d'engagement after 31 December
  2022, when every one had to have become a contrat d'emploi pénitentiaire (issue 15): « à transformer en contrat
  d'emploi pénitentiaire », with the page that does it (participants:pathway_step, "transformation-cep");
- ``pay``: contracts in progress paid under 45 % of the SMIC in force today (a SMIC row took effect; issue 15 §2),
  one alert per programme, for the SIAE (its programmes) and the CPIP (their own caseload), leading to the list
  of contracts to revalue (participants:pay_revaluations).

Only the roles that read names get them (access.scope.reads_names: SPIP, SIAE and establishment staff,
administrators); territorial and national staff read aggregates. Messages name the person (the home page is
in their scope) but never carry the numéro d'écrou. One query per kind, whatever the number of rows.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from access import scope
from accounts.enums import Role
from core.formatting import days_ago, format_euros, in_days, long_date
from programmes import rates
from programmes.alerts import ERROR, WARNING, Alert

from . import pay, rules, services
from .enums import OPEN_STATUSES, RELEASE_REASONS, ContractKind, EventKind, FollowUpMilestone, PathwayStatus
from .models import AccompanimentEvent, FollowUp
from .selectors import CONVERSION_SLUG

RELEASE_HORIZON_DAYS = 60
FOLLOW_UP_WINDOW_MONTHS = 6

RELEASE = "release"
FOLLOW_UP = "follow_up"
CONTRACT = "contract"
ENGAGEMENT_ACT = "engagement_act"
PAY = "pay"
KINDS = frozenset({RELEASE, FOLLOW_UP, CONTRACT, ENGAGEMENT_ACT, PAY})

# The contract step and the conversion step of the pathway page (participants:pathway_step).
CONTRACT_STEP = "contrat"
CONVERSION_STEP = CONVERSION_SLUG
CONTRACT_FIELDS = {
    "contract_signed_on": "la date de signature",
    "hours_per_week": "les heures par semaine",
    "hourly_pay": "la rémunération horaire",
}


def kinds_for(user) -> frozenset[str]:
    return KINDS if scope.reads_names(user) else frozenset()


def alerts_for(*, user, today: datetime.date) -> list[Alert]:
    """The user's pathway alerts, soonest date first (the home page merges them with the programme alerts)."""
    if not kinds_for(user):
        return []
    alerts = [*_release_alerts(user, today), *_follow_up_alerts(user, today), *_contract_alerts(user, today),
              *_engagement_act_alerts(user, today), *_pay_alerts(user, today)]
    return sorted(alerts, key=lambda alert: (alert.date, alert.kind, alert.message))


def _who(pathway) -> str:
    """"Camille NOMTEST (ALPHA-1)": the name and the programme, never the écrou."""
    participant = pathway.participant
    return f"{participant.first_names} {participant.last_name.upper()} ({pathway.programme.code})"


def _pathway_url(pathway) -> str:
    return reverse("participants:pathway_detail", args=[pathway.pk])


def _release_alerts(user, today):
    pre_release = AccompanimentEvent.objects.filter(pathway=OuterRef("pk"), kind=EventKind.PRE_RELEASE)
    pathways = (
        scope.pathways_for(user)
        .filter(status__in=[s.value for s in OPEN_STATUSES],
                participant__expected_release_date__gte=today,
                participant__expected_release_date__lte=today + datetime.timedelta(days=RELEASE_HORIZON_DAYS))
        .exclude(Exists(pre_release))
        .select_related("participant", "programme")
    )
    for pathway in pathways:
        day = pathway.participant.expected_release_date
        yield Alert(
            kind=RELEASE,
            message=(f"Libération prévue le {long_date(day)} ({in_days((day - today).days)}) pour {_who(pathway)}, "
                     f"aucune action de préparation à la sortie."),
            date=day,
            url=_pathway_url(pathway),
            link_label="Voir le parcours",
            subject=f"parcours de {_who(pathway)}",
            severity=WARNING,
        )


def _follow_up_alerts(user, today):
    milestones = [milestone.value for milestone in FollowUpMilestone]
    oldest_due = today - relativedelta(months=FOLLOW_UP_WINDOW_MONTHS)
    # Exits whose milestones may fall in [oldest_due, today], with a few days of margin for the ends of months
    # (30 November + 3 months is 28 February); the exact dates are computed below.
    margin = datetime.timedelta(days=3)
    pathways = (
        scope.pathways_for(user)
        .filter(status=PathwayStatus.EXITED, exit_reason__in=[r.value for r in RELEASE_REASONS],
                exit_on__lte=today - relativedelta(months=min(milestones)) + margin,
                exit_on__gte=oldest_due - relativedelta(months=max(milestones)) - margin)
        .annotate(**{
            f"has_m{milestone}": Exists(FollowUp.objects.filter(pathway=OuterRef("pk"), milestone=milestone))
            for milestone in milestones
        })
        .select_related("participant", "programme")
    )
    for pathway in pathways:
        for milestone in milestones:
            due = services.follow_up_due_on(pathway, milestone)
            if getattr(pathway, f"has_m{milestone}") or not oldest_due <= due <= today:
                continue
            days = (today - due).days
            yield Alert(
                kind=FOLLOW_UP,
                message=(f"Suivi à {milestone} mois de la libération de {_who(pathway)} à saisir : échéance le "
                         f"{long_date(due)}{'' if days == 0 else f' ({days_ago(days)})'}."),
                date=due,
                url=reverse("participants:follow_up", args=[pathway.pk, milestone]),
                link_label="Saisir le suivi",
                subject=f"suivi à {milestone} mois de {_who(pathway)}",
                severity=WARNING,
            )
            break  # the earliest missing milestone only


def _contract_alerts(user, today):
    missing = Q()
    for field in CONTRACT_FIELDS:
        missing |= Q(**{f"{field}__isnull": True})
    pathways = (
        scope.pathways_for(user)
        .filter(missing, status__in=[PathwayStatus.IN_WORKSHOP, PathwayStatus.SUSPENDED])
        .select_related("participant", "programme")
    )
    for pathway in pathways:
        lacking = [label for field, label in CONTRACT_FIELDS.items() if getattr(pathway, field) is None]
        what = lacking[0] if len(lacking) == 1 else ", ".join(lacking[:-1]) + " et " + lacking[-1]
        start = pathway.contract_start
        entered = f"est entré·e en atelier le {long_date(start)}" if start else "est en atelier"
        yield Alert(
            kind=CONTRACT,
            message=f"{_who(pathway)} {entered} sans contrat signé complet : il manque {what}.",
            date=start or today,
            url=reverse("participants:pathway_step", args=[pathway.pk, CONTRACT_STEP]),
            link_label="Compléter le contrat",
            subject=f"contrat de {_who(pathway)}",
            severity=ERROR,
        )


def _engagement_act_alerts(user, today):
    if today <= rules.ENGAGEMENT_ACT_CONVERSION_DEADLINE:
        return
    pathways = (
        scope.pathways_for(user)
        .filter(contract_kind=ContractKind.ENGAGEMENT_ACT, status__in=sorted(rules.CONVERTIBLE_STATUSES))
        .select_related("participant", "programme")
    )
    for pathway in pathways:
        yield Alert(
            kind=ENGAGEMENT_ACT,
            message=(f"{_who(pathway)} travaille toujours sous acte d'engagement (depuis le "
                     f"{long_date(pathway.contract_start)}) : à transformer en contrat d'emploi pénitentiaire, "
                     f"obligatoire depuis le 1er janvier 2023."),
            date=rules.ENGAGEMENT_ACT_CONVERSION_DEADLINE + datetime.timedelta(days=1),
            url=reverse("participants:pathway_step", args=[pathway.pk, CONVERSION_STEP]),
            link_label="Transformer en CEP",
            subject=f"acte d'engagement de {_who(pathway)}",
            severity=ERROR,
        )


def _pay_alerts(user, today):
    """One alert per programme with contracts paid under the floor: the SIAE's staff, and each CPIP for the people
    they follow (participants.pay.below_floor_counts: one query)."""
    if user.role in scope.SIAE_ROLES:
        pathways = scope.pathways_for(user)
    elif user.role == Role.CPIP:
        pathways = scope.pathways_for(user).filter(participant__counsellor=user)
    else:
        return
    for code, smic_from, smic, count in pay.below_floor_counts(pathways, today):
        contracts = "1 contrat est rémunéré" if count == 1 else f"{count} contrats sont rémunérés"
        yield Alert(
            kind=PAY,
            message=(f"Programme {code} : {contracts} sous 45 % du SMIC en vigueur depuis le "
                     f"{long_date(smic_from)} ({format_euros(smic)} de l'heure, soit au moins "
                     f"{format_euros(rates.pay_floor(smic))}) : à revaloriser par un avenant."),
            date=smic_from,
            url=reverse("participants:pay_revaluations") + f"#programme-{code}",
            link_label="Revaloriser",
            subject=f"rémunérations du programme {code}",
            severity=ERROR,
        )
