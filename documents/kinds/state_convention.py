"""Convention with the State and its financial annexes (docs/domain.md §7.3). Subject: a StateConvention.

The State is represented by the prefect and, by delegation, by the service recorded as the convention's
authority, under the name it bore when the convention started (a DIRECCTE and its unités départementales
before 1 April 2021, a DREETS or DDETS since), through the person the convention names (name and title). The SIAE
signs through its legal representative. The convention cites the CDIAE's opinion (its date) and sets the exit
targets; it lists only the programmes its annexes count for.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError

from programmes import rates
from programmes.enums import AnnexStatus, AspMeasure, SiaeKind

from ..enums import DocumentKind, SubjectType
from ..registry import KindSpec, register
from . import common as c

# 2026.2: the aid's basis (ETP × socle × part modulée × days/365); 2026.3: the State's letterhead, metadata
# 2026.4: the CDIAE's opinion, the prefect's signatory, the objectives article, the programmes of its annexes only;
# 2026.5: the State's bloc-marque from opaque images (no transparency group), "l'État conventionne" in article 1
TEMPLATE_VERSION = "2026.5"
KIND_LABEL = "Convention avec l'État"


def title(convention) -> str:
    years = sorted({convention.start_date.year, convention.end_date.year})
    span = "-".join(str(year) for year in years)
    return f"Convention avec l'État {convention.siae.name} {span}"


def _annexes(convention):
    return list(convention.annexes.order_by("start_date", "asp_number"))


def _programmes(convention):
    """The SIAE's programmes the convention's annexes count for (common.programme_conventions)."""
    programmes = convention.siae.programmes.select_related("establishment", "quartier").order_by("code")
    return [programme for programme in programmes
            if any(cv.pk == convention.pk for cv in c.programme_conventions(programme))]


def _needs(convention) -> c.Needs:
    needs = c.Needs()
    siae = convention.siae
    needs.siae(siae, address=True, director=True)
    edit = c.url("programmes:convention_update", convention.pk)
    needs.check(convention.authority_id, "le service de l'État signataire de la convention", edit)
    needs.check(convention.cdiae_opinion_on, "la date de l'avis du CDIAE sur la convention", edit)
    needs.check(convention.signatory_name, "le nom de la personne qui signe pour le préfet", edit)
    needs.check(convention.signatory_title, "la qualité de la personne qui signe pour le préfet", edit)
    needs.check(convention.target_dynamic_pct, "l'objectif de sorties dynamiques de la convention", edit)
    needs.check(convention.target_durable_pct, "l'objectif de sorties vers l'emploi durable de la convention", edit)
    if not _annexes(convention):
        needs.add("une annexe financière de la convention", c.url("programmes:annex_create", convention.pk))
    if _annexes(convention) and not _programmes(convention):
        needs.add(f"le programme de la SIAE « {siae.name} » (établissement et activité) aux dates des annexes",
                  c.url("programmes:programme_create"))
    return needs


def missing(convention):
    return _needs(convention).items


def state_party(convention, day: datetime.date) -> dict:
    name = c.name_on(convention.authority, day)
    who = ", ".join(part for part in (convention.signatory_name, c.lower_first(convention.signatory_title)) if part)
    lines = [f"représenté par le préfet et, par délégation, par la {name}" + (f" ({who})" if who else "")]
    return c.party(role="L'État", name="L'État", lines=lines, designation="l'État",
                   heading="Pour le préfet et par délégation", quality=convention.signatory_title or name,
                   signatory=convention.signatory_name)


def siae_party(siae) -> dict:
    return c.party(
        role="La structure d'insertion par l'activité économique", name=siae.name,
        lines=[c.label(SiaeKind, siae.kind), *c.siae_identity(siae),
               c.represented(siae.director_name, "son représentant légal", feminine=True)],
        designation="la SIAE", feminine=True, heading=f"Pour la SIAE {siae.name}", quality="Le représentant légal",
        signatory=siae.director_name,
    )


def _aid_basis(annex) -> str:
    try:
        computation = rates.annex_aid(annex)
    except ValidationError:
        return "montant inscrit dans l'annexe signée"
    if computation.amount != annex.aid_amount:
        return "montant inscrit dans l'annexe signée"
    return computation.terms.replace("\u00a0", " ")


def annex_row(annex) -> dict:
    return {
        "asp_number": annex.asp_number,
        "year": str(annex.year),
        "period": c.period(annex.start_date, annex.end_date),
        "measure": c.label(AspMeasure, annex.measure),
        "etp": c.number(annex.etp),
        "aid_amount": c.euros(annex.aid_amount),
        # How the amount follows from the table in force at the annex's start (programmes.rates): the basis when the
        # amount is the computed one; a typed amount is the signed annex's.
        "aid_basis": _aid_basis(annex),
        "draft": annex.status == AnnexStatus.DRAFT,
        "status": annex.get_status_display(),
    }


def build(convention, today: datetime.date) -> dict:
    siae, day = convention.siae, convention.start_date
    authority_name = c.name_on(convention.authority, day)
    annexes = _annexes(convention)
    programmes = _programmes(convention)
    spips = []
    for programme in programmes:
        for spip in c.spips_of(programme.establishment):
            if c.name_on(spip, day) not in spips:
                spips.append(c.name_on(spip, day))
    measures = sorted({c.label(AspMeasure, annex.measure) for annex in annexes})
    total = sum((annex.aid_amount for annex in annexes), Decimal(0))
    return {
        "title": title(convention),
        "heading": "Convention entre l'État et une structure d'insertion par l'activité économique",
        "subtitle": f"{siae.name} — activité d'insertion en établissement pénitentiaire",
        "author": authority_name,
        "metadata": c.metadata(KIND_LABEL, ", ".join(p.code for p in programmes), convention.reference,
                               detail=f"{siae.name}, {c.period(convention.start_date, convention.end_date)}"),
        "letterhead": c.state_letterhead(authority_name, "Par délégation du préfet"),
        "reference": convention.reference,
        "issued_on": c.long_date(today),
        "authority": authority_name,
        "parties": [state_party(convention, day), siae_party(siae)],
        "siae": {"name": siae.name, "kind": c.label(SiaeKind, siae.kind), "siret": c.siret(siae.siret),
                 "kind_lower": c.lower_first(c.label(SiaeKind, siae.kind))},
        "programmes": [{"code": p.code, "activity": p.activity, "place": c.programme_place(p)} for p in programmes],
        "spips": spips,
        "start": c.long_date(convention.start_date),
        "end": c.long_date(convention.end_date),
        "duration": c.duration(convention.start_date, convention.end_date),
        "measures": measures,
        "annexes": [annex_row(annex) for annex in annexes],
        "total_aid": c.euros(total),
        "copies": c.copies(2),
        "cdiae_opinion_on": c.long_date(convention.cdiae_opinion_on) if convention.cdiae_opinion_on else "",
        "target_dynamic": f"{c.quantity(convention.target_dynamic_pct)}{c.NBSP}%"
        if convention.target_dynamic_pct is not None else "",
        "target_durable": f"{c.quantity(convention.target_durable_pct)}{c.NBSP}%"
        if convention.target_durable_pct is not None else "",
        "objectives": convention.objectives,
    }


SPEC = register(KindSpec(
    kind=DocumentKind.STATE_CONVENTION, subject_type=SubjectType.CONVENTION,
    template="documents/pdf/state_convention.html", template_version=TEMPLATE_VERSION, build=build,
    missing=missing, title=title,
))
