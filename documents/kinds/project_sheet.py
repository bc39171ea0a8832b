"""Fiche-projet (docs/domain.md §9.2): the one- or two-page summary of a programme shared by the DISP, the DREETS and
DDETS, the establishment, the SPIP and the SIAE. Subject: a Programme."""

import datetime

from programmes.enums import EstablishmentKind, ProgrammeStage, SiaeKind

from ..enums import DocumentKind, SubjectType
from ..registry import KindSpec, register
from . import common as c

TEMPLATE_VERSION = "2026.2"  # 2026.2: names by date, the SIAE's letterhead, metadata without names
KIND_LABEL = "Fiche-projet"


def title(programme) -> str:
    return f"Fiche-projet {programme.code}"


def _needs(programme) -> c.Needs:
    needs = c.Needs()
    needs.programme(programme)
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


def binding_rows(programme) -> list[list[str]]:
    """The State convention and the implantation contract in force or latest, when there are some."""
    rows = []
    convention = c.latest_convention(programme.siae)
    if convention:
        parts = [convention.reference] if convention.reference else []
        parts.append(c.period(convention.start_date, convention.end_date))
        text = ", ".join(parts) + f" ({convention.get_status_display().lower()})"
        rows.append(["Convention avec l'État", text])
    contract = c.latest_contract(programme)
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


def build(programme, today: datetime.date) -> dict:
    siae, establishment = programme.siae, programme.establishment
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
        project.append(["Période", c.period(programme.start_date, programme.end_date).capitalize()])
    project += [
        ["Places prévues", str(programme.places_planned)],
        ["ETP prévus", c.number(programme.etp_planned)],
        *binding_rows(programme),
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
        "establishment": establishment_rows(programme, today),
        "state": state_rows(programme, today),
        "siae": siae_rows(siae),
        "partners": partners,
        "partners_have_contacts": any(row["contact"] for row in partners),
        "partners_past": any(not row["current"] for row in partners),
        "funding": c.funding_years(programme, today),
        "contacts": c.contacts_of(programme, today, head),
    }


SPEC = register(KindSpec(
    kind=DocumentKind.PROJECT_SHEET, subject_type=SubjectType.PROGRAMME, template="documents/pdf/project_sheet.html",
    template_version=TEMPLATE_VERSION, build=build, missing=missing, title=title,
))
