"""Dossier unique d'instruction (DUI, docs/domain.md §9.3): the SIAE's application for conventioning, instructed by the
DDETS with the DISP's opinion for an activity in detention. Subject: a Programme.

The sections follow docs/domain.md §9.3 and are pre-filled with what the application knows; what it cannot know
(markets, charges, staff, objectives' figures) is left in boxes that the SIAE fills by hand. Names are never
left blank: a missing name refuses the request (``missing``).
"""

import datetime

from programmes.enums import EstablishmentKind, SiaeKind

from ..enums import DocumentKind, SubjectType
from ..registry import KindSpec, register
from . import common as c

TEMPLATE_VERSION = "2026.2"  # 2026.2: names by date, the SIAE's letterhead, metadata without names, "26 h"
KIND_LABEL = "Dossier unique d'instruction"
# The contrat d'emploi pénitentiaire replaced the acte d'engagement on that day (code pénitentiaire).
CEP_SINCE = datetime.date(2022, 5, 1)
ACCOMPANIMENT_ROLES = ("ACCOMPANIMENT", "TRAINING", "HEALTH", "EMPLOYMENT", "SPORT_CULTURE")
INDICATORS = [
    "Personnes entrées en parcours (nombre par an)",
    "Sorties vers l'emploi durable (CDI, CDD ou mission de plus de 6 mois, création d'entreprise)",
    "Sorties vers un emploi de transition (CDD ou mission de moins de 6 mois, contrat aidé)",
    "Sorties positives (formation qualifiante, embauche par une autre SIAE)",
    "Taux de sorties dynamiques",
    "Aménagements de peine obtenus pendant le parcours",
]
CHARGES = [
    "Rémunération des personnes en parcours",
    "Encadrement technique et accompagnement socio-professionnel",
    "Achats, matières et sous-traitance",
    "Locaux, fluides, équipements et transports",
    "Frais de structure",
]
ATTACHMENTS = [
    "Statuts de la structure",
    "Derniers comptes approuvés et rapport d'activité",
    "Extrait K-bis ou publication au Journal officiel",
    "Attestations de régularité fiscale et sociale (URSSAF)",
    "Relevé d'identité bancaire",
    "Contrat d'implantation ou projet de contrat",
]


def title(programme) -> str:
    return f"Dossier unique d'instruction {programme.code}"


def _needs(programme) -> c.Needs:
    needs = c.Needs()
    needs.programme(programme, address=True, legal_form=True, director=True)
    return needs


def missing(programme):
    return _needs(programme).items


def recipients(programme, day) -> list[list[str]]:
    department = programme.establishment.department
    dreets, ddets = c.dreets_of(department.region), c.ddets_of(department)
    return [
        ["Instruction", c.name_on(ddets or dreets, day)],
        ["Avis de la DISP", c.name_on(c.disp_organisation(programme.establishment), day)],
        ["Avis du CDIAE", f"Conseil départemental de l'insertion par l'activité économique — {department}"],
    ]


def identity_rows(siae) -> list[list[str]]:
    rows = [
        ["Raison sociale", siae.name],
        ["SIRET", c.siret(siae.siret)],
        ["Type de structure", c.label(SiaeKind, siae.kind)],
        ["Forme juridique", siae.legal_form],
        ["Siège", c.one_line(siae.address)],
        ["Département du siège", str(siae.department)],
        ["Représentant légal", siae.director_name],
    ]
    if siae.network:
        rows.append(["Réseau", siae.network])
    return rows


def economic_rows(programme, day) -> list[list[str]]:
    establishment = programme.establishment
    manager = establishment.delegated_manager
    rows = [["Activité", programme.activity]]
    if programme.sector:
        rows.append(["Secteur", programme.sector])
    rows += [
        ["Site d'implantation", c.programme_place(programme)],
        ["Type d'établissement", c.label(EstablishmentKind, establishment.kind)],
        ["Gestion déléguée", c.name_on(manager, day) if manager else "Non (gestion publique)"],
    ]
    return rows


def social_rows(programme, day, contract) -> list[list[str]]:
    spips = [c.name_on(spip, day) for spip in c.spips_of(programme.establishment)]
    inside = ("Contrat d'emploi pénitentiaire (code pénitentiaire)" if day >= CEP_SINCE
              else "Acte d'engagement et charte d'accompagnement")
    rows = [
        ["Public", f"Personnes détenues {c.at(programme.establishment, c.programme_place(programme))}"],
        ["Orientation et recrutement", "Avec le " + ", le ".join(spips) + " et l'établissement (commission de "
                                       "sélection, classement et affectation par le chef d'établissement)"],
        ["Places prévues", str(programme.places_planned)],
        ["Postes en équivalents temps plein", f"{c.number(programme.etp_planned)} ETP"],
        ["Contrat en détention", inside],
        ["Contrat à la sortie", "Contrat à durée déterminée d'insertion (CDDI) lorsque la suite du parcours le permet"],
    ]
    if contract:
        rows.append(["Durée du travail", f"{c.hours(contract.weekly_hours)} par semaine (contrat d'implantation)"])
    return rows


def accompaniment_partners(programme, day) -> list[dict]:
    roles = (programme.partner_roles.filter(role__in=ACCOMPANIMENT_ROLES).select_related("organisation")
             .prefetch_related("organisation__former_names").order_by("role", "organisation__name"))
    return [{"organisation": c.name_on(role.organisation, day), "role": role.get_role_display()} for role in roles]


def partnerships(programme, day) -> list[dict]:
    rows = []
    for convention in programme.partnership_conventions.prefetch_related(
            "parties__organisation__former_names").order_by("start_date"):
        rows.append({"title": convention.title, "period": c.period(convention.start_date, convention.end_date),
                     "parties": ", ".join(c.name_on(party.organisation, convention.start_date)
                                          for party in convention.parties.all())})
    return rows


def build(programme, today: datetime.date) -> dict:
    siae = programme.siae
    contract = c.latest_contract(programme)
    director = c.party(role="La structure", name=siae.name, heading=f"Pour la SIAE {siae.name}",
                       quality="Le représentant légal", signatory=siae.director_name)
    return {
        "title": title(programme),
        "heading": "Dossier unique d'instruction",
        "subtitle": f"Demande de conventionnement d'une activité d'insertion en détention — {siae.name} "
                    f"{c.at(programme.establishment)}",
        "author": siae.name,
        "metadata": c.metadata(KIND_LABEL, programme.code, detail=f"{siae.name}, {c.programme_place(programme)}"),
        "letterhead": c.siae_letterhead(siae),
        "reference": programme.code,
        "issued_on": c.long_date(today),
        "recipients": recipients(programme, today),
        "identity": identity_rows(siae),
        "economic": economic_rows(programme, today),
        "social": social_rows(programme, today, contract),
        "accompaniment": accompaniment_partners(programme, today),
        "partners": c.partner_rows(programme, today),
        "partnerships": partnerships(programme, today),
        "indicators": INDICATORS,
        "premises": contract.premises.strip() if contract else "",
        "hours_known": contract is not None,
        "funding": c.funding_years(programme, today),
        "charges": CHARGES,
        "attachments": ATTACHMENTS,
        "signatories": [director],
    }


SPEC = register(KindSpec(
    kind=DocumentKind.APPLICATION_FILE, subject_type=SubjectType.PROGRAMME,
    template="documents/pdf/application_file.html", template_version=TEMPLATE_VERSION, build=build,
    missing=missing, title=title,
))
