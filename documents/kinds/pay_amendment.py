"""Avenant de revalorisation de la rémunération (issue 15 §2): the amendment to a pathway's contract (CEP or acte
d'engagement, documents/kinds/work_contract.py) that records its last revaluation (participants.pay): the parties of
the contract, its reference, the old and the new hourly pay with their share of the SMIC in force on the date of
effect, that date, and the signature blocks. Subject: a Pathway; the document is for its latest PayRate row (an
earlier avenant stays as it was generated: the snapshot is frozen).
"""

import datetime

from django.urls import reverse

from participants.enums import ContractKind
from participants.models import PayRate
from programmes import rates

from ..enums import DocumentKind, SubjectType
from ..registry import KindSpec, register
from . import common as c
from .accompaniment_charter import (
    establishment_party,
    pathway_base,
    pathway_needs,
    person_party,
    siae_party,
)
from .pathway_title import pathway_title
from .work_contract import contract_kind, contract_start

TEMPLATE_VERSION = "2026.1"


def last_revaluation(pathway) -> PayRate | None:
    return pathway.pay_rates.order_by("-valid_from").first()


def missing(pathway) -> list:
    needs = pathway_needs(pathway)
    if last_revaluation(pathway) is None:
        needs.add("une revalorisation de la rémunération (la page du parcours la propose)",
                  reverse("participants:pay_revalue", args=[pathway.pk])
                  if pathway.contract_start else pathway.get_absolute_url())
    return needs.items


def title(pathway) -> str:
    return pathway_title("Avenant de revalorisation de la rémunération", pathway)


def _share(pay, smic) -> str:
    return c.quantity(rates.smic_share_pct(pay, smic))


def parties_of(pathway, cep: bool) -> list[dict]:
    """The contract's own parties: the SIAE (donneur d'ordre) and the person for a CEP, the establishment and the
    person for an acte d'engagement."""
    participant, programme = pathway.participant, pathway.programme
    if cep:
        return [
            siae_party(programme.siae, designation="le donneur d'ordre", feminine=False,
                       heading=f"Pour le donneur d'ordre, {programme.siae.name}"),
            person_party(participant, role="L'opérateur", designation="l'opérateur", heading="L'opérateur"),
        ]
    return [
        establishment_party(programme.establishment, designation="l'administration pénitentiaire"),
        person_party(participant, role="La personne détenue", designation="la personne détenue",
                     heading="La personne détenue"),
    ]


def build(pathway, today: datetime.date) -> dict:
    programme = pathway.programme
    siae, establishment = programme.siae, programme.establishment
    row = last_revaluation(pathway)
    kind = contract_kind(pathway)
    cep = kind == ContractKind.CEP
    start = contract_start(pathway)
    contract_label = str(ContractKind(kind).label)
    signed = f", signé le {c.long_date(pathway.contract_signed_on)}" if pathway.contract_signed_on else ""
    reference = f"{contract_label} du {c.long_date(start)}{signed} — programme {programme.code}"
    # "le contrat d'emploi pénitentiaire du …", "l'acte d'engagement du …": the contract in a sentence.
    article = "l'" if contract_label[:1] in "AEIOUÉ" else "le "
    the_contract = (f"{article}{c.lower_first(contract_label)} du {c.long_date(start)}{signed} "
                    f"(programme {programme.code})")
    parties = parties_of(pathway, cep)
    return {
        **pathway_base(pathway, today, row.valid_from),
        "title": title(pathway),
        "heading": "Avenant de revalorisation de la rémunération",
        "subtitle": f"{contract_label} — {siae.name} {c.at(establishment)}, programme {programme.code}",
        "metadata": c.metadata("Avenant de revalorisation de la rémunération", programme.code,
                               detail=f"{siae.name}, {establishment.name}"),
        "letterhead": c.siae_letterhead(siae),
        "copies": c.copies(len(parties)),
        "is_cep": cep,
        "parties": parties,
        "contract_label": contract_label,
        "contract_reference": reference,
        "the_contract": the_contract,
        "effective_on": c.long_date(row.valid_from),
        "old_pay": c.euros(row.previous_hourly_pay),
        "new_pay": c.euros(row.hourly_pay),
        "smic": c.euros(row.smic),
        "new_share": _share(row.hourly_pay, row.smic),
        "old_share": _share(row.previous_hourly_pay, row.smic),
        "pay_floor": c.euros(rates.pay_floor(row.smic)),
        "rows": [
            ["Contrat modifié", reference],
            ["Rémunération horaire brute avant l'avenant", f"{c.euros(row.previous_hourly_pay)}, soit "
                                                          f"{_share(row.previous_hourly_pay, row.smic)} % du SMIC"],
            ["Nouvelle rémunération horaire brute", f"{c.euros(row.hourly_pay)}, soit "
                                                    f"{_share(row.hourly_pay, row.smic)} % du SMIC"],
            ["Date d'effet", c.long_date(row.valid_from)],
            ["SMIC horaire brut en vigueur à cette date", c.euros(row.smic)],
        ],
        "siae_name": siae.name,
    }


SPEC = register(KindSpec(
    kind=DocumentKind.PAY_AMENDMENT,
    subject_type=SubjectType.PATHWAY,
    template="documents/pdf/pay_amendment.html",
    template_version=TEMPLATE_VERSION,
    build=build,
    missing=missing,
    title=title,
))
