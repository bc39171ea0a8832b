"""Fin du contrat (issue 17 §3, docs/domain.md §4.3 and §4.5): the end of the pathway's contract on the day of its
exit from the programme, its reason (a release or a transfer ends it de plein droit; a resignation, a termination
by the SIAE after a prior interview, the end of the assignment…), its length and the hours worked, signed by the
parties of the contract in force on its last day (CEP: the SIAE as donneur d'ordre and the person; acte
d'engagement: the establishment and the person). Subject: a Pathway that left the programme.

Never printed: the kind of sentence adjustment and the free-text note of the exit (SPIP data), the outcome.
"""

import datetime

from participants.enums import ExitReason, ReturnReason

from ..enums import DocumentKind, SubjectType
from ..registry import KindSpec, Missing, register
from . import common as c
from .accompaniment_charter import person_name
from .contract_life import contract_needs, exit_needs, frame, hours_worked, the_contract
from .pathway_title import pathway_title
from .pay_amendment import parties_of

TEMPLATE_VERSION = "2026.1"
KIND_LABEL = "Fin du contrat"

# Who ends the contract, and how the document says why ({who}: "l'opérateur" or "la personne détenue"; {siae}: "le
# donneur d'ordre" or "la SIAE", {of_siae}: "du donneur d'ordre" or "de la SIAE").
PLEIN_DROIT = "de plein droit"
REASONS = {
    ExitReason.RELEASE_END_OF_SENTENCE: (PLEIN_DROIT, "la libération de {who}"),
    ExitReason.RELEASE_ADJUSTMENT: (PLEIN_DROIT, "la libération de {who}"),
    ExitReason.TRANSFER: (PLEIN_DROIT, "le transfert de {who} vers un autre établissement"),
    ExitReason.RESIGNATION: ("à l'initiative de {who}", "la démission de {who}, par demande écrite"),
    ExitReason.TERMINATION: ("à l'initiative {of_siae}",
                             "la rupture décidée par {siae}, après un entretien préalable"),
    ExitReason.HEALTH: ("d'un commun accord", "une raison de santé"),
    ExitReason.OTHER: ("d'un commun accord", "un autre motif"),
}
RETURNS = {
    ReturnReason.OWN_REQUEST: ("à l'initiative de {who}", "la demande de {who} de mettre fin à son affectation"),
    ReturnReason.INSUFFICIENCY: ("à l'initiative {of_siae}",
                                 "l'insuffisance professionnelle, après un entretien préalable"),
    ReturnReason.ACCOMPANIMENT: ("à l'initiative {of_siae}", "le non-respect de l'accompagnement "
                                 "socio-professionnel, après un entretien préalable"),
    ReturnReason.DISCIPLINARY: ("par décision de l'administration pénitentiaire",
                                "la fin de l'affectation pour un motif disciplinaire"),
    ReturnReason.SECURITY: ("par décision de l'administration pénitentiaire",
                            "la fin de l'affectation pour un motif de sécurité"),
}
RETURN_UNSPECIFIED = ("par décision de l'administration pénitentiaire", "la fin de l'affectation")


def missing(pathway) -> list[Missing]:
    needs = contract_needs(pathway)
    exit_needs(needs, pathway)
    return needs.items


def title(pathway) -> str:
    return pathway_title(KIND_LABEL, pathway)


def why(pathway, *, cep: bool) -> tuple[str, str]:
    """(who ends the contract, why), in words."""
    if pathway.exit_reason == ExitReason.RETURN_ORDINARY_DETENTION:
        initiative, reason = RETURNS.get(pathway.return_reason, RETURN_UNSPECIFIED)
    else:
        initiative, reason = REASONS[pathway.exit_reason]
    who = "l'opérateur" if cep else "la personne détenue"
    names = {"who": who, "siae": "le donneur d'ordre" if cep else "la SIAE",
             "of_siae": "du donneur d'ordre" if cep else "de la SIAE"}
    return initiative.format(**names), reason.format(**names)


def build(pathway, today: datetime.date) -> dict:
    programme = pathway.programme
    siae, establishment = programme.siae, programme.establishment
    last_day = pathway.exit_on
    contract = the_contract(pathway, last_day)
    cep = contract["is_cep"]
    parties = parties_of(pathway, cep)
    initiative, reason = why(pathway, cep=cep)
    total = hours_worked(pathway)
    rows = [
        ["Contrat", contract["reference"]],
        ["Premier jour", c.long_date(contract["start"])],
        ["Dernier jour", c.long_date(last_day)],
        ["Durée d'exécution", c.duration(contract["start"], last_day)],
        ["Fin du contrat", initiative[0].upper() + initiative[1:]],
        ["Motif", reason[0].upper() + reason[1:]],
        *([["Heures travaillées au cours du parcours", c.hours(total)]] if total is not None else []),
    ]
    return {
        **frame(pathway, today, on=last_day, contract=contract, parties=parties, label=KIND_LABEL,
                title=title(pathway), heading=f"Fin {contract['of']}",
                subtitle=f"{siae.name} {c.at(establishment)}, programme {programme.code}"),
        "last_day": c.long_date(last_day),
        "initiative": initiative,
        "reason": reason,
        "plein_droit": initiative == PLEIN_DROIT,
        "hours_worked": c.hours(total) if total is not None else "",
        "person_name": person_name(pathway.participant),
        "rows": rows,
    }


SPEC = register(KindSpec(
    kind=DocumentKind.CONTRACT_END,
    subject_type=SubjectType.PATHWAY,
    template="documents/pdf/contract_end.html",
    template_version=TEMPLATE_VERSION,
    build=build,
    missing=missing,
    title=title,
))
