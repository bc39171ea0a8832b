"""Acte d'engagement (contract start before 1 May 2022) or contrat d'emploi pénitentiaire (CEP, from that date),
docs/domain.md §6 and §9.7. Subject: a Pathway (participants.rules.contract_kind_on decides which).

The CEP carries the mandatory mentions of the code pénitentiaire (R412-25): régime (IAE), fixed term or not,
start date, trial period, post and missions, weekly hours, hourly pay and its share of the SMIC in force, the
socio-professional accompaniment, suspension and termination terms, the classification decision after the CPU's
opinion and the assignment decision. Parties: the SIAE as donneur d'ordre (with its SIRET) and the person,
"l'opérateur". The acte d'engagement is signed by the head of the establishment and the person.

What the data does not hold is decided here, and printed as such: the contract is fixed-term and lasts at most
the 24 months of an IAE pathway (or until the programme's end date, if earlier); the trial period follows from
that length (one day per week of contract, at most two weeks up to six months, one month beyond).
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.urls import reverse

from participants import contract_changes, rules
from participants.enums import ContractKind, CpuOpinion, Transition
from participants.pay import hourly_pay_on
from programmes import rates

from ..enums import DocumentKind, SubjectType
from ..registry import KindSpec, Missing, register
from . import common as c
from .accompaniment_charter import (
    establishment_party,
    pathway_base,
    pathway_needs,
    person_party,
    quantity,
    siae_party,
    step_url,
)
from .pathway_title import pathway_title

TEMPLATE_VERSION = "2026.3"  # 2026.2: names on the start, letterhead, "24 h"; 2026.3: risks, on-call, bonuses
IAE_MAX_MONTHS = 24  # the longest IAE pathway (docs/domain.md §6.4)
SHORT_CONTRACT_MONTHS = 6  # up to this length the trial period is at most two weeks; beyond, one month
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
POST_FIELDS = ("post_risks", "on_call", "bonuses")  # entered with the programme (the post), common.PROJECT_FIELDS


def contract_kind(pathway) -> str:
    return pathway.contract_kind or rules.contract_kind_on(pathway.contract_start)


def contract_start(pathway):
    """The first day of the contract: the CEP's when an acte d'engagement was turned into one (issue 15)."""
    return pathway.cep_from or pathway.contract_start


def smic_rate(day: datetime.date, territory: str):
    try:
        return rates.smic_rate_on(day, territory)
    except ValidationError:
        return None


def missing(pathway) -> list[Missing]:
    needs = pathway_needs(pathway)
    start = contract_start(pathway)
    entry_url = step_url(pathway, "entree", Transition.START)
    needs.check(start, "la date d'entrée en atelier (le début du contrat)", entry_url)
    contract_url = step_url(pathway, "contrat", None) if start else entry_url
    needs.check(pathway.hours_per_week, "le nombre d'heures de travail par semaine", contract_url)
    needs.check(pathway.hourly_pay, "la rémunération horaire brute", contract_url)
    if start and smic_rate(start, rates.territory_of_pathway(pathway)) is None:
        needs.add(f"le SMIC horaire en vigueur le {c.long_date(start)}", reverse("admin:programmes_smicrate_add"))
    if start and contract_kind(pathway) == ContractKind.CEP:
        classification_url = step_url(pathway, "classement", Transition.CLASSIFY)
        needs.check(pathway.classified_on, "la date de la décision de classement au travail", classification_url)
        needs.check(pathway.cpu_opinion, "l'avis de la commission pluridisciplinaire unique (CPU) sur le classement",
                    classification_url)
        needs.check(pathway.assigned_on, "la date de la décision d'affectation",
                    step_url(pathway, "affectation", Transition.ASSIGN))
    programme = pathway.programme
    needs.check(programme.activity, f"l'activité du programme {programme.code} (le poste de travail)",
                reverse("programmes:programme_update", args=[programme.pk]))
    if start and contract_kind(pathway) == ContractKind.CEP:
        c.project_needs(needs, programme, POST_FIELDS)  # the post's mentions (R412-25, 7°, 10° and 11°)
    return needs.items


def title(pathway) -> str:
    if pathway.contract_start and contract_kind(pathway) == ContractKind.ENGAGEMENT_ACT:
        return pathway_title("Acte d'engagement", pathway)
    return pathway_title("Contrat d'emploi pénitentiaire", pathway)


def contract_end(pathway) -> tuple[datetime.date, str]:
    """The last day of the fixed term and why: 24 months after the start, or the programme's end if earlier."""
    start, programme = contract_start(pathway), pathway.programme
    end = start + relativedelta(months=IAE_MAX_MONTHS) - datetime.timedelta(days=1)
    if programme.end_date and start <= programme.end_date < end:
        return programme.end_date, f"date de fin du programme {programme.code}"
    return end, f"{IAE_MAX_MONTHS} mois, durée maximale d'un parcours d'insertion"


def trial_period(start: datetime.date, end: datetime.date) -> str:
    """One day per full week of contract, at most two weeks for a contract up to 6 months, one month beyond."""
    days = max(((end - start).days + 1) // 7, 1)
    if end < start + relativedelta(months=SHORT_CONTRACT_MONTHS):
        return "deux semaines" if days >= 14 else f"{days} jour{'s' if days > 1 else ''}"
    return "un mois" if days >= 30 else f"{days} jours"


def mentions(pathway, *, start, end, end_reason, smic, share, cep: bool) -> list[list[str]]:
    """The contract at a glance (for the CEP, its mandatory mentions, R412-25), label / value rows."""
    programme = pathway.programme
    # The contract as signed on its first day: a later change of post or hours is an avenant (contract_amendment).
    post = contract_changes.post_on(pathway, start)
    post += f" (secteur : {programme.sector})" if programme.sector and post == programme.activity else ""
    until = f"jusqu'au {c.long_date(end)} au plus tard ({end_reason})"
    rows = [
        ["Régime de travail" if cep else "Activité", "Insertion par l'activité économique (IAE)"],
        (["Nature du contrat", f"À durée déterminée, {until}"] if cep
         else ["Durée de l'engagement", until[0].upper() + until[1:]]),
        ["Date de début", c.long_date(start)],
        *([["Période d'essai", trial_period(start, end)]] if cep else []),
        ["Poste et missions", post],
        ["Lieu de travail", programme.establishment.name
         + (f", {programme.quartier.get_kind_display().lower()}" if programme.quartier else "")],
        *([["Risques particuliers du poste", programme.post_risks]] if cep else []),
        ["Durée du travail", f"{c.hours(contract_changes.hours_on(pathway, start))} par semaine"],
        *([["Périodes d'astreinte", programme.on_call]] if cep else []),
        ["Rémunération horaire brute", f"{c.euros(hourly_pay_on(pathway, start))}, soit {share} % du SMIC horaire brut "
                                       f"en vigueur le {c.long_date(start)} ({c.euros(smic.hourly_amount)})"],
        *([["Primes et accessoires de rémunération", programme.bonuses]] if cep else []),
        ["Accompagnement socio-professionnel", f"Par la SIAE {programme.siae.name}, selon la charte "
                                               "d'accompagnement jointe"],
    ]
    if pathway.classified_on:
        opinion = CpuOpinion(pathway.cpu_opinion).label.lower() if pathway.cpu_opinion else ""
        rows.append(["Décision de classement au travail", c.long_date(pathway.classified_on)
                     + (f", après avis {opinion} de la CPU" if opinion else "")])
    if pathway.assigned_on:
        rows.append(["Décision d'affectation", c.long_date(pathway.assigned_on)])
    return rows


def build(pathway, today: datetime.date) -> dict:
    participant, programme = pathway.participant, pathway.programme
    siae, establishment = programme.siae, programme.establishment
    kind = contract_kind(pathway)
    cep = kind == ContractKind.CEP
    start = contract_start(pathway)
    data = pathway_base(pathway, today, start)  # names as they were on the contract's first day
    end, end_reason = contract_end(pathway)
    smic = rates.smic_rate_on(start, rates.territory_of(siae))
    pay = hourly_pay_on(pathway, start)  # the rate agreed at the start: a later revaluation is an avenant
    share = quantity(rates.smic_share_pct(pay, smic.hourly_amount))
    hours = contract_changes.hours_on(pathway, start)  # as agreed on the first day, as the pay
    monthly = (hours * WEEKS_PER_MONTH * pay).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if cep:
        parties = [
            siae_party(siae, designation="le donneur d'ordre", feminine=False,
                       heading=f"Pour le donneur d'ordre, {siae.name}"),
            person_party(participant, role="L'opérateur", designation="l'opérateur", heading="L'opérateur"),
        ]
    else:
        parties = [
            establishment_party(establishment, designation="l'administration pénitentiaire"),
            person_party(participant, role="La personne détenue", designation="la personne détenue",
                         heading="La personne détenue"),
        ]
    label = ContractKind(kind).label
    return {
        **data,
        "title": title(pathway),
        "heading": str(label),
        "subtitle": (f"Insertion par l'activité économique en détention — {siae.name} {c.at(establishment)}, "
                     f"programme {programme.code}"),
        "metadata": c.metadata(str(label), programme.code, detail=f"{siae.name}, {establishment.name}"),
        "letterhead": c.siae_letterhead(siae),
        "copies": c.copies(len(parties)),
        "kind": kind,
        "is_cep": cep,
        "parties": parties,
        "mentions": mentions(pathway, start=start, end=end, end_reason=end_reason, smic=smic, share=share, cep=cep),
        "start": c.long_date(start),
        "end": c.long_date(end),
        "end_reason": end_reason,
        "trial_period": trial_period(start, end),
        "hours_per_week": c.hours(hours),
        "hourly_pay": c.euros(pay),
        "smic": c.euros(smic.hourly_amount),
        "smic_since": c.long_date(smic.valid_from),
        "smic_share": share,
        "pay_floor": c.euros(rates.pay_floor(smic.hourly_amount)),
        "monthly_pay": c.euros(monthly),
        "signed_on": c.long_date(pathway.contract_signed_on),
        "classified_on": c.long_date(pathway.classified_on),
        "assigned_on": c.long_date(pathway.assigned_on),
        "siae_name": siae.name,
        "establishment_name": establishment.name,
    }


SPEC = register(KindSpec(
    kind=DocumentKind.WORK_CONTRACT,
    subject_type=SubjectType.PATHWAY,
    template="documents/pdf/work_contract.html",
    template_version=TEMPLATE_VERSION,
    build=build,
    missing=missing,
    title=title,
))
