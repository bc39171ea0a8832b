"""What the documents of a contract's life share (issue 17 §3: documents/kinds/contract_suspension.py,
contract_end.py, release_certificate.py): which contract was in force on a day (an acte d'engagement turned into a
CEP is still the acte before the CEP's first day), how a document names it, what they need, and the pathway's
hours worked, trainings and immersions read from its timeline.
"""

import datetime
from decimal import Decimal

from django.db.models import Sum

from participants.enums import ContractKind, EventKind, Transition

from . import common as c
from .accompaniment_charter import pathway_base, pathway_needs, step_url
from .pathway_title import pathway_reference
from .work_contract import contract_kind


def contract_on(pathway, day: datetime.date | None) -> tuple[str, datetime.date]:
    """The kind and first day of the contract in force on ``day``: the acte d'engagement before the CEP that
    replaced it, the pathway's contract otherwise."""
    if pathway.cep_from and day is not None and day < pathway.cep_from:
        return ContractKind.ENGAGEMENT_ACT, pathway.contract_start
    return contract_kind(pathway), pathway.cep_from or pathway.contract_start


def the_contract(pathway, day: datetime.date | None) -> dict:
    """The contract in force on ``day`` as the documents name it: its label, "le contrat d'emploi pénitentiaire du
    24 mars 2025, signé le 24 mars 2025 (programme MEAUX-APRES)" in a sentence, "du contrat d'emploi pénitentiaire"
    or "de l'acte d'engagement" after a noun ("of"), and a reference for a table."""
    kind, start = contract_on(pathway, day)
    label = str(ContractKind(kind).label)
    # The pathway keeps the signature of its current contract only (a CEP that replaced an acte has its own).
    current = kind == contract_kind(pathway) and start == (pathway.cep_from or pathway.contract_start)
    signed_on = pathway.contract_signed_on if current else None
    signed = f", signé le {c.long_date(signed_on)}" if signed_on else ""
    vowel = label[:1] in "AEIOUÉ"
    article = "l'" if vowel else "le "
    code = pathway.programme.code
    return {"kind": kind, "is_cep": kind == ContractKind.CEP, "start": start, "label": label,
            "label_lower": c.lower_first(label), "of": ("de l'" if vowel else "du ") + c.lower_first(label),
            "sentence": f"{article}{c.lower_first(label)} du {c.long_date(start)}{signed} (programme {code})",
            "reference": f"{label} du {c.long_date(start)}{signed} — programme {code}"}


def contract_needs(pathway) -> c.Needs:
    """A selected person, an SIAE with its SIRET and a contract that started."""
    needs = pathway_needs(pathway)
    needs.check(pathway.contract_start, "la date d'entrée en atelier (le début du contrat)",
                step_url(pathway, "entree", Transition.START))
    return needs


def exit_needs(needs: c.Needs, pathway) -> None:
    """The exit from the programme (its date and reason), entered at the pathway's step « Sortie »."""
    if not (pathway.exit_on and pathway.exit_reason):
        needs.add("la sortie du programme (sa date et son motif)", step_url(pathway, "sortie", Transition.EXIT))


def hours_worked(pathway) -> Decimal | None:
    """The hours worked over the pathway: the sum of its monthly hours (timeline), else the total an import gave;
    None when neither is recorded."""
    total = pathway.events.filter(kind=EventKind.HOURS_WORKED).aggregate(total=Sum("hours"))["total"]
    if total is not None:
        return total
    return pathway.imported_hours_worked


def events_of(pathway, *kinds: str) -> list:
    return list(pathway.events.filter(kind__in=kinds).order_by("on", "recorded_at"))


def event_period(event) -> str:
    """"le 3 juin 2025" for a day, "du 3 juin 2025 au 14 juin 2025" for a period."""
    if event.end_on and event.end_on != event.on:
        return c.period(event.on, event.end_on)
    return f"le {c.long_date(event.on)}"


def frame(pathway, today: datetime.date, *, on: datetime.date, contract: dict, parties: list, label: str,
          title: str, heading: str, subtitle: str) -> dict:
    """What the contract-life documents share: the names as they were on ``on``, the letterhead of who issues them
    (the SIAE under a CEP, the prison administration under an acte d'engagement), PDF metadata naming no one, one
    original per party, and how the contract and the person are designated."""
    programme = pathway.programme
    siae, establishment = programme.siae, programme.establishment
    cep = contract["is_cep"]
    return {
        **pathway_base(pathway, today, on),
        "title": title,
        "heading": heading,
        "subtitle": subtitle,
        "metadata": c.metadata(label, programme.code, pathway_reference(pathway),
                               detail=f"{siae.name}, {establishment.name}"),
        "letterhead": c.siae_letterhead(siae) if cep else c.justice_letterhead(establishment, on),
        "parties": parties,
        "copies": c.copies(len(parties)),
        "is_cep": cep,
        "operator": "l'opérateur" if cep else "la personne détenue",
        "the_contract": contract["sentence"],
    }
