"""Suspension du contrat (issue 17 §3, docs/domain.md §4.3): the notice of a contract's suspension, its reason, its
first day and the day work resumed (or that it runs until a written notice of resumption), signed by the parties of
the contract in force on its first day (CEP: the SIAE as donneur d'ordre and the person; acte d'engagement: the
establishment and the person), the establishment too when it decided (disciplinary or security reasons).

Subject: a Pathway; the document is about its latest suspension (the one the pathway page shows last), as its
heading says. An earlier notice stays as it was generated: the snapshot is frozen, and each version is listed.
"""

import datetime

from participants.enums import SuspensionReason, Transition
from participants.models import Suspension

from ..enums import DocumentKind, SubjectType
from ..registry import KindSpec, Missing, register
from . import common as c
from .accompaniment_charter import establishment_party, step_url
from .contract_life import contract_needs, frame, the_contract
from .pathway_title import pathway_title
from .pay_amendment import parties_of

TEMPLATE_VERSION = "2026.1"
KIND_LABEL = "Suspension du contrat"
# Reasons for which the prison administration suspends (docs/domain.md §4.3); the others are the donneur d'ordre's.
ADMINISTRATION_REASONS = frozenset({SuspensionReason.DISCIPLINE_SECURITY})


def latest_suspension(pathway) -> Suspension | None:
    return pathway.suspensions.order_by("-start", "-pk").first()


def missing(pathway) -> list[Missing]:
    needs = contract_needs(pathway)
    if latest_suspension(pathway) is None:
        needs.add("une suspension du contrat (l'étape « Suspension » du parcours)",
                  step_url(pathway, "suspension", Transition.SUSPEND))
    return needs.items


def title(pathway) -> str:
    return pathway_title(KIND_LABEL, pathway)


def decided_by(reason: str, cep: bool) -> str:
    if reason in ADMINISTRATION_REASONS:
        return "l'administration pénitentiaire (chef d'établissement)"
    if cep:
        return "le donneur d'ordre, avec l'accord de l'administration pénitentiaire"
    return "le chef d'établissement"


def build(pathway, today: datetime.date) -> dict:
    programme = pathway.programme
    siae, establishment = programme.siae, programme.establishment
    suspension = latest_suspension(pathway)
    contract = the_contract(pathway, suspension.start)
    cep = contract["is_cep"]
    parties = parties_of(pathway, cep)
    if cep and suspension.reason in ADMINISTRATION_REASONS:
        parties.append(establishment_party(establishment, designation="l'administration pénitentiaire"))
    reason = c.label(SuspensionReason, suspension.reason)
    operator = "l'opérateur" if cep else "la personne détenue"
    resumed = ""
    if suspension.end:
        days = (suspension.end - suspension.start).days
        resumed = c.long_date(suspension.end) + (f" (suspension de {days} jour{'s' if days > 1 else ''})" if days
                                                 else "")
    rows = [
        ["Contrat suspendu", contract["reference"]],
        ["Motif", reason],
        ["Décidée par", decided_by(suspension.reason, cep)],
        ["Premier jour de la suspension", c.long_date(suspension.start)],
        ["Reprise du travail", resumed or f"à la date notifiée par écrit à {operator}"],
    ]
    return {
        **frame(pathway, today, on=suspension.start, contract=contract, parties=parties, label=KIND_LABEL,
                title=title(pathway), heading=f"Suspension {contract['of']}",
                subtitle=(f"Dernière suspension enregistrée du parcours, à compter du "
                          f"{c.long_date(suspension.start)} — {siae.name} {c.at(establishment)}, "
                          f"programme {programme.code}")),
        "reason": reason,
        "reason_lower": c.lower_first(reason),
        "decided_by": decided_by(suspension.reason, cep),
        "start": c.long_date(suspension.start),
        "end": c.long_date(suspension.end),
        "resumed": resumed,
        "rows": rows,
    }


SPEC = register(KindSpec(
    kind=DocumentKind.CONTRACT_SUSPENSION,
    subject_type=SubjectType.PATHWAY,
    template="documents/pdf/contract_suspension.html",
    template_version=TEMPLATE_VERSION,
    build=build,
    missing=missing,
    title=title,
))
