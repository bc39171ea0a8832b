"""Charte d'accompagnement (docs/domain.md §9.6): proposed by the SIAE, signed by the person and the head of the
establishment; what the accompaniment is for, who accompanies (the SIAE and the CPIP referent), how, the
commitments of each, what the SIAE and the SPIP share, the review points and the duration. Subject: a Pathway.

The helpers of the two participant documents (the parties of a pathway, the forms where missing data is entered)
live here; documents/kinds/work_contract.py imports them.

Never in a participant document: the SPIP-only note (``work_constraints_note``) and anything judicial (release or
sentence-adjustment dates, the facts, the sentence): the snapshot simply does not carry them.
"""

import datetime

from django.urls import reverse

from participants import rules
from participants.enums import PathwayStatus, Sex, Transition
from partners.enums import OrganisationKind
from partners.models import Organisation

from ..enums import DocumentKind, SubjectType
from ..registry import KindSpec, Missing, register
from . import common as c
from .pathway_title import pathway_title

# 2026.2: names on the charter's date, the prison administration's letterhead; 2026.3: the CIP, the data notice
TEMPLATE_VERSION = "2026.3"
# Pathways whose person the commission selected (every step from selection to exit): they get the documents.
SELECTED_STATUSES = frozenset({PathwayStatus.SELECTED, PathwayStatus.CLASSIFIED, PathwayStatus.ASSIGNED,
                               PathwayStatus.IN_WORKSHOP, PathwayStatus.SUSPENDED, PathwayStatus.EXITED})
KIND_LABEL = "Charte d'accompagnement"
# When no agency of the public employment service is recorded for the programme or its department.
EMPLOYMENT_SERVICE = "l'agence du service public de l'emploi"
quantity = c.quantity  # the work contract's import


def charter_day(pathway, today: datetime.date) -> datetime.date:
    """The charter's date, whose names it prints: the entry in the workshop (it is signed then), or today for a
    person selected but not yet in the workshop."""
    return pathway.contract_start or today


def employment_agency(programme, day: datetime.date) -> Organisation | None:
    """The France Travail (Pôle emploi) agency of the programme on ``day``: its partner in that role then, else the
    agency recorded in the establishment's department."""
    roles = (programme.partner_roles.filter(organisation__kind=OrganisationKind.FRANCE_TRAVAIL, start_date__lte=day)
             .exclude(end_date__lt=day).select_related("organisation")
             .prefetch_related("organisation__former_names").order_by("start_date", "pk"))
    role = roles.first()
    if role is not None:
        return role.organisation
    return (Organisation.objects.filter(kind=OrganisationKind.FRANCE_TRAVAIL,
                                        department=programme.establishment.department)
            .prefetch_related("former_names").order_by("pk").first())


def employment_service_on(programme, day: datetime.date) -> str:
    """The employment agency by its name on ``day`` ("Pôle emploi Meaux" in 2017, "France Travail Meaux" since
    2024), through the one rule of documents.kinds.common.name_on."""
    agency = employment_agency(programme, day)
    return c.name_on(agency, day) if agency is not None else EMPLOYMENT_SERVICE


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


def is_woman(participant) -> bool:
    return participant.sex == Sex.F


def person_party(participant, *, role: str, designation: str, heading: str) -> dict:
    """The person, whose participles agree with their recorded sex ("né", "ci-après désignée")."""
    female = is_woman(participant)
    civility = "Madame" if female else "Monsieur"
    quartier = participant.quartier
    place = participant.establishment.name + (f", {quartier.get_kind_display().lower()}" if quartier else "")
    return c.party(
        role=role, name=f"{civility} {person_name(participant)}",
        lines=[f"{'née' if female else 'né'} le {c.long_date(participant.birth_date)}",
               f"numéro d'écrou {participant.ecrou} ({place})"],
        designation=designation, feminine=female, heading=heading, signatory=person_name(participant),
        stamp=False,
    )


def establishment_party(establishment, *, designation: str = "l'établissement") -> dict:
    head = c.establishment_head(establishment)
    represented = (f"représenté par {c.person(head)}, {c.lower_first(head.function)}" if head
                   else "représenté par son chef d'établissement")
    return c.party(
        role="L'établissement pénitentiaire", name=establishment.name,
        lines=[establishment.get_kind_display(), " ".join(establishment.address.split()), represented],
        designation=designation, heading="Pour l'établissement pénitentiaire",
        quality=head.function if head else "Le chef d'établissement",
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


def counsellor_part(participant, day: datetime.date) -> dict:
    """The CPIP referent and their SPIP, by its name on ``day``."""
    counsellor = participant.counsellor
    if counsellor is None:
        return {}
    spip = counsellor.organisation
    return {"name": counsellor.get_full_name() or counsellor.username,
            "spip": c.name_on(spip, day) if spip else "SPIP"}


def pathway_base(pathway, today: datetime.date, day: datetime.date) -> dict:
    """What every participant document prints: who the person is, where, with which SIAE and programme; names as
    they were on ``day``, the document's date."""
    participant, programme = pathway.participant, pathway.programme
    establishment, siae = programme.establishment, programme.siae
    return {
        "author": siae.name,
        "reference": f"{programme.code} — écrou {participant.ecrou}",
        "issued_on": c.long_date(today),
        "person": {"name": person_name(participant), "ecrou": participant.ecrou,
                   "birth_date": c.long_date(participant.birth_date), "feminine": is_woman(participant)},
        "establishment": {"name": establishment.name, "kind": establishment.get_kind_display(),
                          "of": c.of(establishment), "at": c.at(establishment)},
        "siae": {"name": siae.name, "kind": siae.get_kind_display(), "siret": c.siret(siae.siret),
                 "kind_lower": c.lower_first(siae.get_kind_display())},
        "programme": {"code": programme.code, "activity": programme.activity, "sector": programme.sector,
                      "quartier": programme.quartier.get_kind_display() if programme.quartier else ""},
        "counsellor": counsellor_part(participant, day),
        "contract_start": c.long_date(pathway.contract_start),
    }


# --- The charter --------------------------------------------------------------------------------------------


def missing(pathway) -> list[Missing]:
    needs = pathway_needs(pathway)
    needs.check(pathway.participant.counsellor_id, "le ou la CPIP référent·e de la personne",
                reverse("participants:participant_update", args=[pathway.participant_id]))
    c.project_needs(needs, pathway.programme, ("cip_name",))  # the CIP is named (docs/domain.md §7.5)
    return needs.items


def data_protection(programme, day: datetime.date) -> dict:
    """The notice annexed to the charter (GDPR art. 13, docs/domain.md §8): the controller (the prison
    administration, through the DISP by its name on ``day``), the retention period, the rights and the CNIL."""
    disp = c.name_on(c.disp_organisation(programme.establishment), day)
    return {"controller": "la direction de l'administration pénitentiaire (ministère de la Justice)"
                          + (f", représentée par la {disp}" if disp else ""),
            "retention": c.retention_text()}


def title(pathway) -> str:
    return pathway_title(KIND_LABEL, pathway)


def build(pathway, today: datetime.date) -> dict:
    participant, programme = pathway.participant, pathway.programme
    day = charter_day(pathway, today)
    data = pathway_base(pathway, today, day)
    parties = [
        person_party(participant, role="La personne accompagnée", designation="la personne accompagnée",
                     heading="La personne accompagnée"),
        establishment_party(programme.establishment),
        siae_party(programme.siae, heading=f"Pour la SIAE {programme.siae.name}, qui propose la charte"),
    ]
    return {
        **data,
        "title": title(pathway),
        "heading": "Charte d'accompagnement socio-professionnel",
        "subtitle": (f"Insertion par l'activité économique en détention — programme {programme.code}, "
                     f"{programme.siae.name} {c.at(programme.establishment)}"),
        "metadata": c.metadata(KIND_LABEL, programme.code, detail=f"{programme.siae.name}, "
                               f"{programme.establishment.name}"),
        "letterhead": c.justice_letterhead(programme.establishment, day),
        "employment_service": employment_service_on(programme, day),
        "cip": programme.cip_name,
        "data_protection": data_protection(programme, day),
        "parties": parties,
        "copies": c.copies(len(parties)),
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
