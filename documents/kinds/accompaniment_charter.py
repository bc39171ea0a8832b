"""Charte d'accompagnement (docs/domain.md §9.6): proposed by the SIAE, signed by the person and the head of the
establishment; what the accompaniment is for, who accompanies (the SIAE and the CPIP referent), how, the
commitments of each, what the SIAE and the SPIP share, the review points and the duration. Subject: a Pathway.

The helpers of the two participant documents (the parties of a pathway, the forms where missing data is entered)
live here; documents/kinds/work_contract.py imports them.

Never in a participant document: the SPIP-only note (``work_constraints_note``) and anything judicial (release or
sentence-adjustment dates, the facts, the sentence): the snapshot simply does not carry them.
"""

import datetime
from decimal import Decimal

from django.urls import reverse

from participants import rules
from participants.enums import PathwayStatus, Sex, Transition

from ..enums import DocumentKind, SubjectType
from ..registry import KindSpec, Missing, register
from . import common as c

TEMPLATE_VERSION = "2026.1"
# Pathways whose person the commission selected (every step from selection to exit): they get the documents.
SELECTED_STATUSES = frozenset({PathwayStatus.SELECTED, PathwayStatus.CLASSIFIED, PathwayStatus.ASSIGNED,
                               PathwayStatus.IN_WORKSHOP, PathwayStatus.SUSPENDED, PathwayStatus.EXITED})
# Pôle emploi became France Travail on this date: the name printed follows the document's date.
FRANCE_TRAVAIL_FROM = datetime.date(2024, 1, 1)
COPIES = "trois"  # one for the person, one for the SIAE, one for the establishment (the person's file)


def quantity(value: Decimal) -> str:
    """Decimal("24.0") -> "24"; Decimal("24.5") -> "24,5" (hours, percentages)."""
    return c.number(value, 0 if Decimal(value) == Decimal(value).to_integral_value() else 1)


def employment_service_on(day: datetime.date) -> str:
    return "France Travail" if day >= FRANCE_TRAVAIL_FROM else "Pôle emploi"


def person_name(participant) -> str:
    return f"{participant.last_name.upper()} {participant.first_names}"


# --- Where missing data is entered --------------------------------------------------------------------------


def step_url(pathway, slug: str, transition: str | None) -> str:
    """The pathway's step form when its status allows that step (``transition`` None: the contract form, open
    once the contract has started); otherwise the pathway's page."""
    allowed = bool(pathway.contract_start) if transition is None else pathway.status in rules.ALLOWED_FROM[transition]
    if allowed:
        return reverse("participants:pathway_step", args=[pathway.pk, slug])
    return pathway.get_absolute_url()


def pathway_needs(pathway) -> c.Needs:
    """What both participant documents need: a person the commission selected, an SIAE with its SIRET."""
    needs = c.Needs()
    if pathway.status not in SELECTED_STATUSES:
        needs.add("la décision « retenu·e » de la commission de sélection",
                  step_url(pathway, "decision", Transition.DECIDE))
    needs.siae(pathway.programme.siae)
    return needs


# --- The parties of a pathway document ----------------------------------------------------------------------


def person_party(participant, *, role: str, designation: str, feminine: bool, heading: str) -> dict:
    female = participant.sex == Sex.F
    civility = "Madame" if female else "Monsieur"
    quartier = participant.quartier
    place = participant.establishment.name + (f", {quartier.get_kind_display().lower()}" if quartier else "")
    return c.party(
        role=role, name=f"{civility} {person_name(participant)}",
        lines=[f"{'née' if female else 'né'} le {c.long_date(participant.birth_date)}",
               f"numéro d'écrou {participant.ecrou} ({place})"],
        designation=designation, feminine=feminine, heading=heading, signatory=person_name(participant),
        stamp=False,
    )


def establishment_party(establishment, *, designation: str = "l'établissement") -> dict:
    head = c.establishment_head(establishment)
    represented = (f"représenté par {c.person(head)}, {head.function.lower()}" if head
                   else "représenté par son chef d'établissement")
    return c.party(
        role="L'établissement pénitentiaire", name=establishment.name,
        lines=[establishment.get_kind_display(), " ".join(establishment.address.split()), represented],
        designation=designation, heading="Pour l'établissement pénitentiaire", quality="Le chef d'établissement",
        signatory=c.person(head),
    )


def siae_party(siae, *, designation: str = "la SIAE", feminine: bool = True, heading: str = "") -> dict:
    represented = f"représentée par {siae.director_name}" if siae.director_name else "représentée par sa direction"
    return c.party(
        role="La structure d'insertion par l'activité économique", name=siae.name,
        lines=[siae.get_kind_display(), *c.siae_identity(siae), represented],
        designation=designation, feminine=feminine, heading=heading or f"Pour la SIAE {siae.name}",
        signatory=siae.director_name,
    )


def counsellor_part(participant) -> dict:
    counsellor = participant.counsellor
    if counsellor is None:
        return {}
    spip = counsellor.organisation
    return {"name": counsellor.get_full_name() or counsellor.username, "spip": spip.name if spip else "le SPIP"}


def pathway_base(pathway, today: datetime.date) -> dict:
    """What every participant document prints: who the person is, where, with which SIAE and programme."""
    participant, programme = pathway.participant, pathway.programme
    establishment, siae = programme.establishment, programme.siae
    return {
        "author": siae.name,
        "issuer": f"Ministère de la Justice\n{establishment.name}",
        "reference": f"{programme.code} — écrou {participant.ecrou}",
        "issued_on": c.long_date(today),
        "person": {"name": person_name(participant), "ecrou": participant.ecrou,
                   "birth_date": c.long_date(participant.birth_date)},
        "establishment": {"name": establishment.name, "kind": establishment.get_kind_display()},
        "siae": {"name": siae.name, "kind": siae.get_kind_display(), "siret": c.siret(siae.siret)},
        "programme": {"code": programme.code, "activity": programme.activity, "sector": programme.sector,
                      "quartier": programme.quartier.get_kind_display() if programme.quartier else ""},
        "counsellor": counsellor_part(participant),
        "contract_start": c.long_date(pathway.contract_start),
        "copies": COPIES,
    }


# --- The charter --------------------------------------------------------------------------------------------


def missing(pathway) -> list[Missing]:
    needs = pathway_needs(pathway)
    needs.check(pathway.participant.counsellor_id, "le ou la CPIP référent·e de la personne",
                reverse("participants:participant_update", args=[pathway.participant_id]))
    return needs.items


def title(pathway) -> str:
    return f"Charte d'accompagnement — {person_name(pathway.participant)}"


def build(pathway, today: datetime.date) -> dict:
    participant, programme = pathway.participant, pathway.programme
    data = pathway_base(pathway, today)
    parties = [
        person_party(participant, role="La personne accompagnée", designation="la personne accompagnée",
                     feminine=True, heading="La personne accompagnée"),
        establishment_party(programme.establishment),
        siae_party(programme.siae, heading=f"Pour la SIAE {programme.siae.name}, qui propose la charte"),
    ]
    return {
        **data,
        "title": title(pathway),
        "heading": "Charte d'accompagnement socio-professionnel",
        "subtitle": (f"Insertion par l'activité économique en détention — programme {programme.code}, "
                     f"{programme.siae.name} au {programme.establishment.name}"),
        "subject_line": (f"Charte d'accompagnement de {person_name(participant)} dans le programme "
                         f"{programme.code} ({programme.siae.name})"),
        "employment_service": employment_service_on(today),
        "parties": parties,
    }


SPEC = register(KindSpec(
    kind=DocumentKind.ACCOMPANIMENT_CHARTER,
    subject_type=SubjectType.PATHWAY,
    template="documents/pdf/accompaniment_charter.html",
    template_version=TEMPLATE_VERSION,
    build=build,
    missing=missing,
    title=title,
))
