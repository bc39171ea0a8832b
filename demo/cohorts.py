"""Demo pathways dated from the day load_demo runs, and Metz's actes d'engagement of 2021-2022 (docs/domain.md
§11.2): each cohort is one session and its entrants (Route), written by demo.participants' Builder; _today builds a
programme's cohorts of today from its people and their routes, for Metz (METZ-EFIC) and Meaux (MEAUX-ARES) alike.

load_participants_demo (the command load_demo) writes every piece once: Meaux 2017-2018 (demo.participants), Metz
2021-2022, today's Metz, today's Meaux.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from dashboards import summaries
from demo.participants import (
    DAY,
    MEAUX,
    MEAUX_SESSIONS,
    METZ,
    NOT_SELECTED_REASONS,
    RR,
    SA,
    WITHDRAWN_REASONS,
    A,
    Actors,
    Builder,
    E,
    People,
    Plan,
    _actors,
    _d,
    _database_checks_left_to_the_database,
    _meaux_history,
    _next_monday,
    _timeline,
    _weekday,
    _weekday_before,
)
from participants import contract_changes, hours, pay, services
from participants.enums import RELEASE_REASONS, ExitReason, JobContract, Outcome, PathwayStatus, SessionDecision
from participants.models import AccompanimentEvent, FollowUp, Participant, Pathway, RecruitmentSession
from programmes import rates

# --- Metz: actes d'engagement turned into CEPs (2021-2022), and today's cohorts ---------------------------

METZ_NOTES = ["Session de recrutement de l'atelier palettes et meubles.",
              "Session de recrutement de l'atelier palettes et meubles : quatre places à pourvoir.",
              "Session de recrutement de l'atelier palettes et meubles : six places à pourvoir.",
              "Session de recrutement de l'atelier palettes et meubles : quatre places en septembre."]
METZ_2021_NOTE = "Session de recrutement de l'atelier palettes et meubles (actes d'engagement)."
# The code pénitentiaire's CEP replaces the acte d'engagement from 1 May 2022: EFIC turns its open actes into CEPs
# on the first working day (Monday 2 May 2022), well before the deadline of 1 January 2023.
METZ_CEP_DAY = datetime.date(2022, 5, 2)
R, T, H = ExitReason.RETURN_ORDINARY_DETENTION, ExitReason.TRANSFER, ExitReason.HEALTH


@dataclass
class Route:
    """A Metz entrant: the exit (months before today, or a date) and its row, a follow-up at +3 months."""

    exit: int | datetime.date | None = None  # None: still in the workshop
    row: tuple | None = None  # a RELEASES row, or (reason, return reason, note) for another exit
    follow_up: tuple | None = None  # (situation, note) at +3 months
    follow_up_6: tuple | None = None  # (situation, note) at +6 months
    expected_in_days: int | None = None  # still in: expected release that many days after today
    converted: bool = False  # an acte d'engagement turned into a CEP on METZ_CEP_DAY
    revalued: bool = False  # still in, paid 45 % of the SMIC of its start, revalued when the SMIC rose (_revalue)


def _cohort(b: Builder, today: datetime.date, commission: datetime.date, note: str, routes: list,
            hours: tuple = (24, 28, 30)) -> None:
    """One session and its entrants, from the commission to today: contract (``hours`` a week, drawn), monthly
    hours (to the end of last month for those still in), exits, follow-ups."""
    rng = b.rng
    commission = b.free_day(commission)
    session = b.session(commission, _weekday_before(commission - DAY * 14), _weekday_before(commission - DAY * 7),
                        note)
    start = _next_monday(commission + DAY * 10)
    last_month = today.replace(day=1) - DAY
    for route in routes:
        exit_on = route.exit
        if isinstance(exit_on, int):
            exit_on = _weekday_before(today - relativedelta(months=exit_on))
        plan = Plan(fate="in" if exit_on is None else "exit", classified_on=_weekday(commission + DAY * 3),
                    assigned_on=_weekday(commission + DAY * 6), start=start, hours=Decimal(rng.choice(hours)),
                    exit_on=exit_on)
        if exit_on is None:
            plan.expected_release = today + DAY * route.expected_in_days
        elif route.row[0] in RELEASE_REASONS:
            plan.release = route.row
            plan.expected_release = exit_on if route.row[0] == E else exit_on + DAY * rng.randint(90, 200)
            plan.eligibility = exit_on - DAY * rng.randint(20, 40) if route.row[0] == A else None
        else:
            plan.expected_release = exit_on + DAY * rng.randint(90, 300)
            plan.return_ = route.row[1:] if route.row[0] == R else None
        quartier = b.actors.quartier or rng.choice(b.actors.others)  # the programme's quartier (Meaux: QNC)
        participant = b.participant(age_on=start, quartier=quartier, expected_release=plan.expected_release,
                                    eligibility=plan.eligibility)
        # Those still in are paid at least 45 % of the SMIC in force today as well as at their start: no open
        # contract of the demo falls below today's floor (a SMIC raised since would show the revaluation alert);
        # a revalued route is paid the floor of its start and raised to today's by an avenant (_revalue).
        hourly_pay = rates.pay_floor(rates.smic_on(start))
        if exit_on is None and not route.revalued:
            hourly_pay = max(hourly_pay, rates.pay_floor(rates.smic_on(today)))
        pathway = b.enter(b.candidacy(participant, session), plan, pay=hourly_pay)
        if route.converted:
            pathway = services.pathway_convert_to_cep(
                pathway=pathway, on=METZ_CEP_DAY, hours_per_week=plan.hours, signed_on=METZ_CEP_DAY,
                hourly_pay=rates.pay_floor(rates.smic_on(METZ_CEP_DAY)), by=b.actors.siae)
        pathway = b.finish(pathway, plan)
        if exit_on and not plan.release and not plan.return_:
            pathway = services.pathway_exit(pathway=pathway, on=exit_on, reason=route.row[0], note=route.row[2],
                                            by=b.actors.spip)
        _timeline(b, pathway, plan, exit_on or last_month, [], 30)
        if route.follow_up:
            services.follow_up_record(
                pathway=pathway, milestone=3, reached=True, situation=route.follow_up[0], note=route.follow_up[1],
                contacted_on=_weekday(exit_on + relativedelta(months=3) + DAY * 4), by=b.actors.spip)
        if route.follow_up_6:
            services.follow_up_record(
                pathway=pathway, milestone=6, reached=True, situation=route.follow_up_6[0], note=route.follow_up_6[1],
                contacted_on=_weekday(exit_on + relativedelta(months=6) + DAY * 3), by=b.actors.spip)
        if route.revalued:
            _revalue(b, pathway, today)


SENIORITY_RAISE = Decimal("0.20")  # € an hour, after SENIORITY_MONTHS in the workshop, when the SMIC did not rise
SENIORITY_MONTHS = 6


def _revalue(b: Builder, pathway: Pathway, today: datetime.date) -> None:
    """The SIAE raises the pay of a contract paid 45 % of the SMIC of its start, through the pathway page's service
    (a PayRate row, the subject of the avenant de rémunération): as the page proposes it when the SMIC held in data
    rose since the start (participants.pay.revaluation_defaults: from that day, at 45 % of the new SMIC); otherwise
    (a load after the last SMIC known) by SENIORITY_RAISE from the first day of the month after SENIORITY_MONTHS of
    contract, so that the demo has its avenant whatever the day it is loaded."""
    pathway = Pathway.objects.get(pk=pathway.pk)
    proposed = pay.revaluation_defaults(pathway, today)
    valid_from, hourly_pay = proposed["valid_from"], proposed["hourly_pay"]
    if hourly_pay is None or hourly_pay <= pathway.hourly_pay:
        valid_from = (pathway.contract_start + relativedelta(months=SENIORITY_MONTHS + 1)).replace(day=1)
        hourly_pay = pathway.hourly_pay + SENIORITY_RAISE
    pay.pay_revalue(pathway=pathway, valid_from=min(valid_from, today), hourly_pay=hourly_pay, by=b.actors.siae)


def _metz_2022(actors: Actors) -> None:
    """A cohort under actes d'engagement from December 2021: one released before May 2022, two whose actes EFIC
    turned into CEPs on 2 May 2022 (the log shows the acte ending on 1 May), released in the autumn."""
    rng = random.Random(2022)
    b = Builder(rng, People(rng, range(410000, 490000)), actors)
    _cohort(b, datetime.date(2023, 1, 1), datetime.date(2021, 11, 16), METZ_2021_NOTE, [
        Route(datetime.date(2022, 3, 18), (E, "", Outcome.POSITIVE, "", None,
                                           "Formation qualifiante d'agent de fabrication de meubles.")),
        Route(datetime.date(2022, 9, 16), (A, SA.SL, Outcome.TRANSITION, JobContract.CDD, 6,
                                           "CDD de 6 mois de menuisier poseur."), converted=True),
        Route(datetime.date(2022, 12, 9), (E, "", Outcome.DURABLE, JobContract.CDI, None,
                                           "CDI d'opérateur de production dans une entreprise de palettes."),
              (Outcome.DURABLE, "Toujours en poste"), converted=True),
    ])


def _today(actors: Actors, today: datetime.date, people: People, cohorts: list, hours: tuple) -> Builder:
    """A programme's cohorts of today: (months before today of the commission, session note, routes) each."""
    b = Builder(people.rng, people, actors)
    for months, note, routes in cohorts:
        _cohort(b, today, _weekday_before(today - relativedelta(months=months)), note, routes, hours)
    return b


def _metz(actors: Actors, today: datetime.date) -> None:
    """Today's Metz: four sessions over fourteen months, eleven people in the workshop (12 posts, 7 ETP)."""
    rng = random.Random(57)
    b = _today(actors, today, People(rng, range(510000, 590000)), [(14, METZ_NOTES[2], [
        Route(11, (R, RR.OWN_REQUEST, "À sa demande, après deux mois d'atelier.")),
        Route(10, (T, "", "Transfert vers un centre de détention pour la suite de la peine.")),
        Route(9, (A, SA.LC, Outcome.DURABLE, JobContract.CDI, None, "CDI de menuisier dans une entreprise messine."),
              (Outcome.DURABLE, "Toujours en poste"), (Outcome.DURABLE, "Toujours en poste")),
        Route(7, (E, "", Outcome.TRANSITION, JobContract.INTERIM, 3, "Missions d'intérim de 3 mois en scierie."),
              (Outcome.OTHER, "Fin de mission, inscrit à France Travail"),
              (Outcome.TRANSITION, "Nouvelles missions d'intérim")),
        Route(5, (E, "", Outcome.OTHER, "", None, "Libéré en fin de peine, en recherche d'emploi.")),
        Route(3, (A, SA.PE, Outcome.POSITIVE, "", None, "Embauche en CDDI dans un atelier et chantier d'insertion.")),
        Route(expected_in_days=150),  # a long sentence: in the workshop for more than a year
    ]), (8, METZ_NOTES[0], [
        # Released 4 months ago under a DDSE, no follow-up yet: the +3 months one is due. One of those still in
        # leaves within 30 days and has no pre-release action yet: the CPIP's home page says so.
        Route(4, (A, SA.DDSE, Outcome.TRANSITION, JobContract.CDD, 4, "CDD de 4 mois de menuisier d'agencement.")),
        Route(6, (E, "", Outcome.POSITIVE, "", None, "Formation qualifiante d'agent de fabrication de meubles."),
              (Outcome.POSITIVE, "Formation en cours")),
        Route(expected_in_days=30),
        Route(expected_in_days=210),
    ]), (5, METZ_NOTES[3], [Route(expected_in_days=days) for days in (120, 180, 240, 300)]),
        (2, METZ_NOTES[1], [Route(expected_in_days=days) for days in (90, 150, 200, 300)])], hours=(24, 28, 30))
    session = RecruitmentSession.objects.get(programme=actors.programme, note=METZ_NOTES[1])
    participant = b.participant(age_on=session.date, quartier=rng.choice(actors.others),
                                expected_release=today + DAY * 200)
    b.decline(b.candidacy(participant, session), SessionDecision.WITHDRAWN, WITHDRAWN_REASONS[0])


# --- Meaux today (MEAUX-ARES, Après's workshop at the QNC since 2023) -----------------------------------------

MEAUX_TODAY = "MEAUX-ARES"
MEAUX_TODAY_NOTES = ["Session de recrutement de l'atelier de conditionnement.",
                     "Session de recrutement de l'atelier de conditionnement : cinq places à pourvoir.",
                     "Session de recrutement de l'atelier de conditionnement : quatre places à pourvoir.",
                     "Session de recrutement de l'atelier de conditionnement : trois places en septembre."]


def _meaux_today(actors: Actors, today: datetime.date) -> None:
    """Today's Meaux: four sessions over sixteen months, thirteen people in the workshop at 30 to 35 hours a week
    (20 posts; Après's 16 ETP conventioned: an occupation of about 60 % over twelve months), six exits over the
    past year, two candidates declined."""
    rng = random.Random(77)
    people = People(rng, range(710000, 790000))
    # Nobody shares a name with the people of 2017-2018 at the same establishment.
    people.taken |= set(Participant.objects.filter(establishment=actors.programme.establishment)
                        .values_list("last_name", "first_names"))
    b = _today(actors, today, people, [(16, MEAUX_TODAY_NOTES[0], [
        Route(10, (R, RR.INSUFFICIENCY, "Rythme de travail non tenu malgré l'accompagnement ; retour au bâtiment.")),
        Route(8, (A, SA.SL, Outcome.DURABLE, JobContract.CDI, None,
                  "CDI de préparateur de commandes dans une plateforme logistique de Seine-et-Marne."),
              (Outcome.DURABLE, "Toujours en poste"), (Outcome.DURABLE, "Toujours en poste")),
        Route(6, (E, "", Outcome.TRANSITION, JobContract.INTERIM, 3, "Missions d'intérim de cariste (CACES obtenu)."),
              (Outcome.TRANSITION, "Nouvelles missions d'intérim")),
        Route(5, (H, "", "Hospitalisation de longue durée hors de l'établissement.")),
        Route(3, (T, "", "Transfert vers un centre de détention pour la suite de la peine.")),
        Route(expected_in_days=120), Route(expected_in_days=240, revalued=True),
    ]), (12, MEAUX_TODAY_NOTES[1], [
        Route(2, (A, SA.DDSE, Outcome.POSITIVE, JobContract.CDDI, None,
                  "Embauche en CDDI dans une entreprise d'insertion du Groupe ARES.")),
        *[Route(expected_in_days=days) for days in (90, 180, 270, 330)],
    ]), (8, MEAUX_TODAY_NOTES[2], [Route(expected_in_days=days) for days in (150, 210, 300, 360)]),
        (4, MEAUX_TODAY_NOTES[3], [Route(expected_in_days=days) for days in (160, 250, 320)])], hours=(30, 32, 35))
    # Not everyone is selected: one candidate not retained, one who withdrew.
    for note, decision, reason in [(MEAUX_TODAY_NOTES[2], SessionDecision.NOT_SELECTED, NOT_SELECTED_REASONS[0]),
                                   (MEAUX_TODAY_NOTES[3], SessionDecision.WITHDRAWN, WITHDRAWN_REASONS[1])]:
        session = RecruitmentSession.objects.get(programme=actors.programme, note=note)
        participant = b.participant(age_on=session.date, quartier=rng.choice(actors.others),
                                    expected_release=today + DAY * 250)
        b.decline(b.candidacy(participant, session), decision, reason)


# --- Entry point ---------------------------------------------------------------------------------------


@transaction.atomic
def load_participants_demo() -> dict[str, int]:
    """Create the demo pathways once (each piece is skipped when its first session exists); return counts."""
    with _database_checks_left_to_the_database(), summaries.deferred():  # the dashboards' summaries once, at the end
        _load(timezone.localdate())
    return {
        "sessions": RecruitmentSession.objects.count(),
        "participants": Participant.objects.count(),
        "pathways": Pathway.objects.count(),
        "events": AccompanimentEvent.objects.count(),
        "follow_ups": FollowUp.objects.count(),
    }


def _load(today: datetime.date) -> None:
    meaux = _actors(MEAUX, "cpip.meaux", "siae.ares")
    sessions = RecruitmentSession.objects.filter(programme=meaux.programme)
    if not sessions.filter(date=_d(MEAUX_SESSIONS[0][0])).exists():
        _meaux_history(meaux)
    metz = _actors(METZ, "cpip.metz", "siae.efic")
    metz_sessions = RecruitmentSession.objects.filter(programme=metz.programme)
    if not metz_sessions.filter(note=METZ_2021_NOTE).exists():
        _metz_2022(metz)
    if not metz_sessions.filter(note=METZ_NOTES[0]).exists():
        _metz(metz, today)
    meaux_today = _actors(MEAUX_TODAY, "cpip.meaux", "siae.ares")
    if not RecruitmentSession.objects.filter(programme=meaux_today.programme, note=MEAUX_TODAY_NOTES[0]).exists():
        _meaux_today(meaux_today, today)
        _meaux_today_sheets(meaux_today, today)
        _meaux_today_contract_life(meaux_today, today)


def _meaux_today_contract_life(actors: Actors, today: datetime.date) -> None:
    """Issue 17 §3: the longest-serving person in today's Meaux workshop moves to 35 h a week as a preparer of orders
    from the first working day of last month (an avenant, siae.ares), and the person released with a CDI has the
    skills acquired recorded for the attestation de fin de parcours."""
    pathways = Pathway.objects.filter(programme=actors.programme)
    current = pathways.filter(status=PathwayStatus.IN_WORKSHOP, hours_per_week__lt=35).order_by("contract_start",
                                                                                                  "pk").first()
    if current is not None:
        day = _weekday(today.replace(day=1) - relativedelta(months=1))
        contract_changes.contract_change_record(
            pathway=current, valid_from=max(day, current.contract_start + DAY), hours_per_week=Decimal("35"),
            post="Préparation de commandes", reason="Passage à temps plein sur le poste de préparation de commandes.",
            by=actors.siae)
    released = pathways.filter(status=PathwayStatus.EXITED, outcome=Outcome.DURABLE).order_by("exit_on", "pk").first()
    if released is not None:
        contract_changes.skills_record(pathway=released, by=actors.siae, skills="\n".join([
            "Préparation de commandes et contrôle des quantités",
            "Conditionnement et étiquetage dans le respect des délais",
            "Travail en équipe et respect des consignes de sécurité"]))


def _meaux_today_sheets(actors: Actors, today: datetime.date) -> None:
    """Today's Meaux's hours sheets (issue 18 §2): every past month since the first entry in the workshop validated by
    siae.ares through the sheet's own service (its hours are the timeline's, entered month by month); the current
    month stays open, to be filled from « Heures du mois »."""
    first = (Pathway.objects.filter(programme=actors.programme, contract_start__isnull=False)
             .order_by("contract_start").values_list("contract_start", flat=True).first())
    if first is None:
        return
    month, current = first.replace(day=1), today.replace(day=1)
    while month < current:
        hours.sheet_validate(programme=actors.programme, month=month, by=actors.siae)
        month = hours.next_month(month)
