"""Contrat d'implantation of an SIAE in an establishment (docs/domain.md §9.5). Subject: a Programme; the document
prints its latest ImplantationContract (by start date).

- 2016 regime (until 30 April 2022): signed by the directeur interrégional des services pénitentiaires (DI),
  the chef d'établissement and the SIAE; it sets the nature of the activities, the individualised
  socio-professional accompaniment, the pay (at least 45 % of the SMIC), the duration and the SIAE's kind.
- 2022 regime (code pénitentiaire, R. 412-78 and R. 412-79): concluded by the donneur d'ordre (here the SIAE)
  with the chef d'établissement; seven years at most, tacitly renewable unless stated otherwise.

Names are those the organisations bore on the contract's date (signature, else start).
"""

import datetime

from django.core.exceptions import ValidationError

from programmes import rates
from programmes.enums import ImplantationRegime, SiaeKind
from programmes.services import R2022_CONTRACT_MAX_YEARS

from ..enums import DocumentKind, SubjectType
from ..registry import KindSpec, register
from . import common as c

TEMPLATE_VERSION = "2026.3"  # 2026.2: the prison administration's letterhead, metadata without names, "26 h";
# 2026.3: the 2022 regime's mentions (area, equipment, staff access, fee and fluids, insurance, renewal, modification,
# termination and notice)
KIND_LABEL = "Contrat d'implantation"


# The 2022 regime's mentions (R. 412-78 and R. 412-79, docs/domain.md §7.4) beyond the parties, activity, posts,
# hours, pay and duration: each one left empty is listed as missing, never printed as a blank.
MENTIONS_2022 = {
    "premises_area": "la surface des locaux mis à disposition",
    "equipment": "les équipements mis à disposition",
    "staff_access": "l'accès et l'habilitation des personnels",
    "monthly_fee": "la redevance mensuelle (0 s'il n'y en a pas)",
    "fluids": "la prise en charge des fluides",
    "insurance": "les assurances",
    "renewal_terms": "la clause de renouvellement",
    "modification_terms": "les modalités de modification",
    "termination_terms": "les conditions de résiliation",
    "termination_notice_months": "le préavis de résiliation",
}


def title(programme) -> str:
    return f"Contrat d'implantation {programme.code}"


def contract_day(contract) -> datetime.date:
    return contract.signed_on or contract.start_date


def _needs(programme) -> c.Needs:
    needs = c.Needs()
    siae, establishment = programme.siae, programme.establishment
    contract = c.latest_contract(programme)
    if contract is None:
        needs.add(f"le contrat d'implantation du programme {programme.code}",
                  c.url("programmes:contract_create", programme.pk))
        return needs
    needs.siae(siae, address=True, director=True)
    needs.establishment_head(establishment)
    if contract.regime == ImplantationRegime.R2016:
        needs.disp(establishment, director=True)
    edit = c.url("programmes:contract_update", contract.pk)
    needs.check(contract.premises, "les locaux mis à disposition (contrat d'implantation)", edit)
    if contract.regime == ImplantationRegime.R2022:
        for field, text in MENTIONS_2022.items():
            needs.check(getattr(contract, field), f"{text} (contrat d'implantation)", edit)
    try:
        rates.smic_on(contract.start_date, rates.territory_of(programme.siae))
    except ValidationError:
        needs.add(f"le taux du SMIC en vigueur au {c.long_date(contract.start_date)}",
                  c.url("admin:programmes_smicrate_add"))
    return needs


def missing(programme):
    return _needs(programme).items


def establishment_party(programme, *, designation="l'établissement") -> dict:
    establishment = programme.establishment
    head = c.establishment_head(establishment)
    lines = [establishment.get_kind_display()]
    if establishment.address:
        lines.append(c.one_line(establishment.address))
    lines.append(c.represented(c.person(head), c.lower_first(head.function)))
    return c.party(role="L'établissement pénitentiaire", name=establishment.name, lines=lines,
                   designation=designation, heading=f"Pour {c.the(establishment)}",
                   quality=head.function, signatory=c.person(head))


def disp_party(programme, day) -> dict:
    organisation = c.disp_organisation(programme.establishment)
    director = c.disp_director(organisation)
    name = c.name_on(organisation, day)
    return c.party(role="La direction interrégionale des services pénitentiaires", name=name,
                   lines=[c.represented(c.person(director), c.lower_first(director.function), feminine=True)],
                   designation="la direction interrégionale", feminine=True, heading=f"Pour la {name}",
                   quality=director.function, signatory=c.person(director))


def siae_party(siae, *, designation: str) -> dict:
    return c.party(
        role="La structure d'insertion par l'activité économique", name=siae.name,
        lines=[c.label(SiaeKind, siae.kind), *c.siae_identity(siae),
               c.represented(siae.director_name, "son représentant légal", feminine=True)],
        designation=designation, feminine=True, heading=f"Pour la SIAE {siae.name}", quality="Le représentant légal",
        signatory=siae.director_name,
    )


def mentions(contract) -> dict:
    """The contract's terms as printed (empty when not entered: a 2016-regime contract may lack them)."""
    fee = contract.monthly_fee
    notice = contract.termination_notice_months
    return {
        "premises_area": f"{c.quantity(contract.premises_area)}{c.NBSP}m²" if contract.premises_area else "",
        "equipment": contract.equipment.strip(),
        "staff_access": contract.staff_access.strip(),
        "fee": "" if fee is None else ("none" if fee == 0 else c.euros(fee)),
        "fluids": contract.fluids.strip(),
        "insurance": contract.insurance.strip(),
        "renewal_terms": contract.renewal_terms.strip(),
        "modification_terms": contract.modification_terms.strip(),
        "termination_terms": contract.termination_terms.strip(),
        "notice": f"{notice} mois" if notice else "",
    }


def build(programme, today: datetime.date) -> dict:
    contract = c.latest_contract(programme)
    siae, establishment = programme.siae, programme.establishment
    day = contract_day(contract)
    r2016 = contract.regime == ImplantationRegime.R2016
    smic = rates.smic_on(contract.start_date, rates.territory_of(siae))
    if r2016:
        parties = [disp_party(programme, day), establishment_party(programme),
                   siae_party(siae, designation="la SIAE")]
    else:
        parties = [establishment_party(programme), siae_party(siae, designation="le donneur d'ordre")]
    return {
        "title": title(programme),
        "heading": "Contrat d'implantation d'une structure d'insertion par l'activité économique "
                   "en établissement pénitentiaire",
        "subtitle": f"{siae.name} {c.at(establishment)}",
        "author": establishment.name,
        "metadata": c.metadata(KIND_LABEL, programme.code,
                               detail=f"{contract.get_regime_display().split(' (')[0].lower()}, {siae.name}, "
                                      f"{c.programme_place(programme)}"),
        "letterhead": c.justice_letterhead(establishment, day),
        "reference": programme.code,
        "issued_on": c.long_date(today),
        "regime": "2016" if r2016 else "2022",
        "parties": parties,
        "siae": {"name": siae.name, "kind": c.label(SiaeKind, siae.kind),
                 "kind_lower": c.lower_first(c.label(SiaeKind, siae.kind))},
        "establishment": establishment.name,
        "at_place": c.at(establishment, c.programme_place(programme)),
        "quartier": programme.quartier.get_kind_display() if programme.quartier_id else "",
        "activity": programme.activity,
        "sector": programme.sector,
        "premises": contract.premises.strip(),
        **mentions(contract),
        "posts": str(contract.posts),
        "weekly_hours": c.hours(contract.weekly_hours),
        "hourly_pay": c.euros(contract.hourly_pay),
        "smic": c.euros(smic),
        "smic_share": c.number(rates.smic_share_pct(contract.hourly_pay, smic), 1),
        "smic_floor_pct": c.number(rates.MIN_SMIC_SHARE_PCT, 0),
        "start": c.long_date(contract.start_date),
        "end": c.long_date(contract.end_date),
        "duration": c.duration(contract.start_date, contract.end_date),
        "max_years": str(R2022_CONTRACT_MAX_YEARS),
        "tacit_renewal": contract.tacit_renewal,
        "place_date": (f"Fait à {c.DOTS}, le {c.long_date(contract.signed_on)}" if contract.signed_on else ""),
        "spips": [c.name_on(spip, day) for spip in c.spips_of(establishment)],
        "copies": c.copies(len(parties)),
    }


SPEC = register(KindSpec(
    kind=DocumentKind.IMPLANTATION_CONTRACT, subject_type=SubjectType.PROGRAMME,
    template="documents/pdf/implantation_contract.html", template_version=TEMPLATE_VERSION, build=build,
    missing=missing, title=title,
))
