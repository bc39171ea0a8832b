"""Dossier unique d'instruction (DUI, docs/domain.md §7.2): the SIAE's application for conventioning, instructed by the
DDETS with the DISP's opinion for an activity in detention. Subject: a Programme.

The sections follow docs/domain.md §7.2, every one from the data: the SIAE's identity and governance, the
programme's project (markets, staffing, permanent staff, premises and equipment, objectives, budget). A missing field
refuses the request (``missing``) with the form where it is entered, rather than printing a box to fill by hand. The
budget and the funding are those of the document's period (common.programme_period), pro rata for partial years.
"""

import datetime

from programmes.enums import EstablishmentKind, SiaeKind

from ..enums import DocumentKind, SubjectType
from ..registry import KindSpec, register
from . import common as c

TEMPLATE_VERSION = "2026.3"  # 2026.2: names by date, letterhead, "26 h"; 2026.3: §7.2 from the data
KIND_LABEL = "Dossier unique d'instruction"
# The contrat d'emploi pénitentiaire replaced the acte d'engagement on that day (code pénitentiaire).
CEP_SINCE = datetime.date(2022, 5, 1)
ACCOMPANIMENT_ROLES = ("ACCOMPANIMENT", "TRAINING", "HEALTH", "EMPLOYMENT", "SPORT_CULTURE")
FIELDS = ("markets", "supervisors_etp", "cip_etp", "accompaniment_plan", "permanent_staff", "premises", "equipment",
          "target_entries", "target_durable_pct", "target_dynamic_pct", "budget_pay", "budget_staff",
          "budget_purchases", "budget_premises", "budget_overheads", "budget_sales")
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
    needs.check(programme.siae.governance, f"la gouvernance de la SIAE « {programme.siae.name} »",
                c.url("programmes:siae_update", programme.siae_id))
    c.project_needs(needs, programme, FIELDS)
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
    rows.append(["Gouvernance", siae.governance])
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
        ["Produits, clients et modèle économique", programme.markets],
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
    if programme.schedule:
        rows.append(["Horaires", programme.schedule])
    if programme.target_public:
        rows[0] = ["Public visé", programme.target_public]
    return rows


def staffing_rows(programme) -> list[list[str]]:
    supervised = programme.supervisors_etp + programme.cip_etp
    ratio = (f"{c.number(programme.etp_planned / supervised, 1)} ETP en parcours par ETP d'encadrement"
             if supervised else "")
    rows = [
        ["Encadrement technique", f"{c.number(programme.supervisors_etp)} ETP"],
        ["Conseillers en insertion professionnelle (CIP)", f"{c.number(programme.cip_etp)} ETP"],
    ]
    if ratio:
        rows.append(["Taux d'encadrement", ratio])
    rows.append(["Plan d'accompagnement", programme.accompaniment_plan])
    return rows


def objective_rows(programme) -> list[list[str]]:
    return [
        ["Personnes entrées en parcours", f"{programme.target_entries} par an"],
        ["Sorties vers l'emploi durable (CDI, CDD ou mission de plus de 6 mois, création d'entreprise)",
         f"{c.quantity(programme.target_durable_pct)}{c.NBSP}% des sorties"],
        ["Sorties dynamiques (emploi durable, emploi de transition, sorties positives)",
         f"{c.quantity(programme.target_dynamic_pct)}{c.NBSP}% des sorties"],
    ]


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
    span = c.programme_period(programme, today)
    contract = c.contract_of_period(programme, span)
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
        "staffing": staffing_rows(programme),
        "objectives": objective_rows(programme),
        "permanent_staff": programme.permanent_staff,
        "equipment": programme.equipment,
        "period": span.text(),
        "budget": c.budget(programme, span),
        "partners": c.partner_rows(programme, today),
        "partnerships": partnerships(programme, today),
        "premises_rows": [["Locaux", programme.premises],
                          *([["Mis à disposition par le contrat d'implantation", contract.premises.strip()]]
                            if contract and contract.premises.strip() else []),
                          ["Équipements", programme.equipment]],
        "funding": c.period_funding(programme, span, today),
        "attachments": ATTACHMENTS,
        "signatories": [director],
    }


SPEC = register(KindSpec(
    kind=DocumentKind.APPLICATION_FILE, subject_type=SubjectType.PROGRAMME,
    template="documents/pdf/application_file.html", template_version=TEMPLATE_VERSION, build=build,
    missing=missing, title=title,
))
