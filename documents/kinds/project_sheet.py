"""Fiche-projet (docs/domain.md §7.1): the one- or two-page summary of a programme shared by the DISP, the DREETS and
DDETS, the establishment, the SPIP and the SIAE. Subject: a Programme.

The sheet is about one period (common.programme_period): the convention in force for the programme on the day it is
printed (else its latest), the implantation contract of that period, the funding of its years and the budget pro
rata over it. Every field of §7.1 comes from the programme's project (its form): a missing one refuses the request.
"""

import datetime

from programmes.enums import EstablishmentKind, ProgrammeStage, SiaeKind

from ..enums import DocumentKind, SubjectType
from ..registry import KindSpec, register
from . import common as c

TEMPLATE_VERSION = "2026.4"  # 2026.2: names by date, letterhead, metadata; 2026.3: §7.1 fields, one period;
# 2026.4: on 1–2 pages (denser layout)
KIND_LABEL = "Fiche-projet"


def title(programme) -> str:
    return f"Fiche-projet {programme.code}"


FIELDS = ("target_public", "schedule", "premises", "equipment", "supervisors_etp", "cip_etp", "accompaniment_plan",
          "continuity", "timeline", "budget_pay", "budget_staff", "budget_purchases", "budget_premises",
          "budget_overheads")


def _contacts(programme):
    designated = [role.contact for role in programme.partner_roles.select_related("contact") if role.contact_id]
    return [*designated, c.establishment_head(programme.establishment)]


def _needs(programme) -> c.Needs:
    needs = c.Needs()
    needs.programme(programme)
    c.project_needs(needs, programme, FIELDS)
    c.contact_needs(needs, _contacts(programme))
    return needs


def missing(programme):
    return _needs(programme).items


def establishment_rows(programme, day: datetime.date) -> list[list[str]]:
    establishment = programme.establishment
    disp = c.disp_organisation(establishment)
    manager = establishment.delegated_manager
    rows = [
        ["Établissement", establishment.name],
        ["Type", c.label(EstablishmentKind, establishment.kind)],
        ["Département", str(establishment.department)],
    ]
    if establishment.address:
        rows.append(["Adresse", c.one_line(establishment.address)])
    if programme.quartier_id:
        rows.append(["Quartier d'implantation", programme.quartier.get_kind_display()])
    rows += [
        ["Gestion déléguée", c.name_on(manager, day) if manager else "Non (gestion publique)"],
        ["Direction interrégionale", c.name_on(disp, day)],
        ["SPIP", "\n".join(c.name_on(spip, day) for spip in c.spips_of(establishment))],
    ]
    return rows


def state_rows(programme, day: datetime.date) -> list[list[str]]:
    department = programme.establishment.department
    dreets, ddets = c.dreets_of(department.region), c.ddets_of(department)
    rows = [["Service régional (DREETS)", c.name_on(dreets, day)]]
    if ddets:
        rows.append(["Service départemental (DDETS)", c.name_on(ddets, day)])
    else:  # overseas: the DEETS is regional and departmental at once
        rows.append(["Service départemental", f"{c.name_on(dreets, day)} (compétence départementale)"])
    return rows


def siae_rows(siae) -> list[list[str]]:
    rows = [["Raison sociale", siae.name], ["SIRET", c.siret(siae.siret)], ["Type", c.label(SiaeKind, siae.kind)]]
    if siae.legal_form:
        rows.append(["Forme juridique", siae.legal_form])
    if siae.network:
        rows.append(["Réseau", siae.network])
    if siae.address:
        rows.append(["Siège", c.one_line(siae.address)])
    if siae.director_name:
        rows.append(["Direction", siae.director_name])
    return rows


def binding_rows(programme, span: c.Period) -> list[list[str]]:
    """The period's State convention and implantation contract, when there are some."""
    rows = []
    convention = span.convention
    if convention:
        parts = [convention.reference] if convention.reference else []
        parts.append(c.period(convention.start_date, convention.end_date))
        text = ", ".join(parts) + f" ({convention.get_status_display().lower()})"
        rows.append(["Convention avec l'État", text])
    contract = c.contract_of_period(programme, span)
    if contract:
        rows.append(["Contrat d'implantation", f"{contract.get_regime_display().split(' (')[0]}, "
                                               f"{c.period(contract.start_date, contract.end_date)}"])
    return rows


def stages(programme) -> list[dict]:
    """The project's steps (docs/domain.md §3.1), each marked done, current or to come."""
    values = list(ProgrammeStage.values)
    position = values.index(programme.stage)
    return [{"label": str(ProgrammeStage(value).label), "state": ("done" if i < position else
                                                                    "current" if i == position else "next")}
            for i, value in enumerate(values)]


def staffing_rows(programme, contract) -> list[list[str]]:
    rows = [
        ["Public visé", programme.target_public],
        ["Horaires", programme.schedule + (f"\n{c.hours(contract.weekly_hours)} par semaine (contrat d'implantation)"
                                           if contract else "")],
        ["Locaux", programme.premises],
        ["Équipements", programme.equipment],
        ["Encadrement technique", f"{c.number(programme.supervisors_etp)} ETP"],
        ["Conseillers en insertion (CIP)", f"{c.number(programme.cip_etp)} ETP"
                                           + (f", dont {programme.cip_name}" if programme.cip_name else "")],
        ["Plan d'accompagnement", programme.accompaniment_plan],
        ["Continuité à la sortie", programme.continuity],
    ]
    return rows


def build(programme, today: datetime.date) -> dict:
    siae, establishment = programme.siae, programme.establishment
    span = c.programme_period(programme, today)
    contract = c.contract_of_period(programme, span)
    project = [
        ["Code du programme", programme.code],
        ["Activité", programme.activity],
    ]
    if programme.sector:
        project.append(["Secteur", programme.sector])
    project += [
        ["Lieu", c.programme_place(programme)],
        ["Phase", programme.get_phase_display()],
        ["Étape", programme.get_stage_display()],
    ]
    if programme.start_date:
        project.append(["Durée du programme", c.period(programme.start_date, programme.end_date).capitalize()])
    if span.start:
        project.append(["Période de la fiche", span.text().capitalize()])
    project += [
        ["Places prévues", str(programme.places_planned)],
        ["ETP prévus", c.number(programme.etp_planned)],
        *binding_rows(programme, span),
    ]
    head = c.establishment_head(establishment)
    partners = c.partner_rows(programme, today)
    return {
        "title": title(programme),
        "heading": "Fiche-projet",
        "subtitle": f"Insertion par l'activité économique en détention — {siae.name} {c.at(establishment)}",
        "author": siae.name,
        "metadata": c.metadata(KIND_LABEL, programme.code, detail=f"{siae.name}, {c.programme_place(programme)}"),
        "letterhead": c.siae_letterhead(siae),
        "reference": programme.code,
        "issued_on": c.long_date(today),
        "project": project,
        "stages": stages(programme),
        "timeline": programme.timeline,
        "organisation": staffing_rows(programme, contract),
        "budget": c.budget(programme, span),
        "period": span.text(),
        "establishment": establishment_rows(programme, today),
        "state": state_rows(programme, today),
        "siae": siae_rows(siae),
        "partners": partners,
        "partners_have_contacts": any(row["contact"] for row in partners),
        "partners_past": any(not row["current"] for row in partners),
        "funding": c.period_funding(programme, span, today),
        "contacts": c.contacts_of(programme, today, head),
    }


SPEC = register(KindSpec(
    kind=DocumentKind.PROJECT_SHEET, subject_type=SubjectType.PROGRAMME, template="documents/pdf/project_sheet.html",
    template_version=TEMPLATE_VERSION, build=build, missing=missing, title=title,
))
