"""Avenant au contrat, durée du travail ou poste (issue 17 §3): the amendment recording the latest change of the
pathway's weekly hours and/or post (participants.contract_changes): the parties of the contract in force on the date
of effect (CEP: the SIAE as donneur d'ordre and the person; acte d'engagement: the establishment and the person), its
reference, the old and new values, the date of effect, the reason, the signatures (one original per signatory).
Names as they were on the date of effect. A pay revaluation has its own avenant (pay_amendment.py).

Subject: a Pathway; the document is about its latest ContractChange row (an earlier avenant stays as it was
generated: the snapshot is frozen, and each version is listed).
"""

import datetime

from django.urls import reverse

from participants import pay
from participants.contract_changes import latest_change

from ..enums import DocumentKind, SubjectType
from ..registry import KindSpec, Missing, register
from . import common as c
from .contract_life import contract_needs, frame, the_contract
from .pathway_title import pathway_title
from .pay_amendment import parties_of

TEMPLATE_VERSION = "2026.1"
KIND_LABEL = "Avenant au contrat"


def missing(pathway) -> list[Missing]:
    needs = contract_needs(pathway)
    if pathway.contract_start and latest_change(pathway) is None:
        needs.add("un avenant de durée du travail ou de poste (la page du parcours le propose)",
                  reverse("participants:contract_change", args=[pathway.pk]))
    return needs.items


def title(pathway) -> str:
    return pathway_title(KIND_LABEL, pathway)


def _subject(row, of: bool = False) -> str:
    """"la durée du travail", "le poste", "la durée du travail et le poste"; ``of``: "de la durée du travail", "du
    poste", "de la durée du travail et du poste"."""
    hours, post = ("de la ", "du ") if of else ("la ", "le ")
    parts = ([f"{hours}durée du travail"] if row.hours_per_week is not None else []) + (
        [f"{post}poste"] if row.post else [])
    return " et ".join(parts)


def _to(contract: dict) -> str:
    """"au contrat d'emploi pénitentiaire", "à l'acte d'engagement"."""
    vowel = contract["of"].startswith("de l'")
    return ("à l'" if vowel else "au ") + contract["label_lower"]


def build(pathway, today: datetime.date) -> dict:
    programme = pathway.programme
    siae, establishment = programme.siae, programme.establishment
    row = latest_change(pathway)
    contract = the_contract(pathway, row.valid_from)
    cep = contract["is_cep"]
    parties = parties_of(pathway, cep)
    hourly_pay = pay.hourly_pay_on(pathway, row.valid_from)
    rows = [["Contrat modifié", contract["reference"]], ["Date d'effet", c.long_date(row.valid_from)]]
    hours = post = None
    if row.hours_per_week is not None:
        hours = {"old": c.hours(row.previous_hours_per_week) if row.previous_hours_per_week is not None else "",
                 "new": c.hours(row.hours_per_week)}
        rows += [["Durée hebdomadaire avant l'avenant", f"{hours['old']} par semaine" if hours["old"] else "—"],
                 ["Nouvelle durée hebdomadaire", f"{hours['new']} par semaine"]]
    if row.post:
        post = {"old": row.previous_post, "new": row.post}
        rows += [["Poste avant l'avenant", row.previous_post or "—"], ["Nouveau poste", row.post]]
    rows.append(["Motif", row.reason])
    subject = _subject(row)
    return {
        **frame(pathway, today, on=row.valid_from, contract=contract, parties=parties, label=KIND_LABEL,
                title=title(pathway), heading=f"Avenant {_to(contract)}",
                subtitle=(f"Modification {_subject(row, of=True)} à compter du {c.long_date(row.valid_from)} — "
                          f"{siae.name} {c.at(establishment)}, programme {programme.code}")),
        "subject": subject,
        "effective_on": c.long_date(row.valid_from),
        "hours": hours,
        "post": post,
        "reason": row.reason.rstrip(" ."),  # the article adds its own full stop
        "hourly_pay": c.euros(hourly_pay) if hourly_pay is not None else "",
        "rows": rows,
    }


SPEC = register(KindSpec(
    kind=DocumentKind.CONTRACT_AMENDMENT,
    subject_type=SubjectType.PATHWAY,
    template="documents/pdf/contract_amendment.html",
    template_version=TEMPLATE_VERSION,
    build=build,
    missing=missing,
    title=title,
))
