"""Small helpers to build hand-computed indicator fixtures (issue 6, task C; others may import them).

Every pathway past the candidacy goes through the participants' services, so a fixture is a state the
application itself can reach: ``entrant(programme, start=D(2023, 1, 16))`` is a person selected at a session two
weeks earlier who entered the workshop that day; ``leaver(...)`` then left on ``exit_on``. Only the
department-sized fixture (hundreds of exits) is bulk-created: ``bulk_exits``.

The person's profile is given as ``person={"sex": "F", "birth_date": D(1990, 1, 1), "rsa": True, ...}``.
"""

import datetime
from decimal import Decimal

from accounts.enums import Role
from accounts.models import User
from dashboards import summaries
from participants import services
from participants.enums import (
    EventKind,
    ExitReason,
    JobContract,
    Outcome,
    PathwayStatus,
    ReturnReason,
    SentenceAdjustment,
    SessionDecision,
    Sex,
)
from participants.models import Participant, Pathway, RecruitmentSession, age_on
from participants.rules import ecrou_key
from programmes.enums import AnnexStatus, AspMeasure, SiaeKind
from programmes.models import FinancialAnnex
from tests.participants.factories import PathwayFactory, enter_workshop
from tests.programmes.convention_factories import make_convention
from tests.programmes.factories import EstablishmentFactory, ProgrammeFactory, SiaeFactory

D = datetime.date
DAY = datetime.timedelta(days=1)

# What each outcome needs at the exit (the services refuse an employment outcome without its contract).
JOB_OF = {
    Outcome.DURABLE: {"job_contract": JobContract.CDI},
    Outcome.TRANSITION: {"job_contract": JobContract.CDD, "job_months": 3},
}
# What each exit reason needs.
REASON_FIELDS = {
    ExitReason.RELEASE_ADJUSTMENT: {"adjustment": SentenceAdjustment.LC},
    ExitReason.RETURN_ORDINARY_DETENTION: {"return_reason": ReturnReason.OWN_REQUEST},
}


def national_user() -> User:
    """What the export command uses by default: an unsaved national user, who sees everything and reads no name
    (every small cell hidden, programme level included)."""
    return User(role=Role.NATIONAL)


def reader() -> User:
    """An unsaved administrator: sees everything and reads names (small cells hidden above the programme only, as
    the export command's --per-level)."""
    return User(role=Role.ADMIN)


def programme(code: str | None = None, *, kind: str = SiaeKind.ACI, establishment=None, siae=None,
              department_code: str = "77"):
    """A programme of an SIAE of ``kind`` in an establishment of the department (both new unless given)."""
    establishment = establishment or EstablishmentFactory(department_code=department_code)
    siae = siae or SiaeFactory(kind=kind, department_code=department_code)
    fields = {"code": code} if code else {}
    return ProgrammeFactory(siae=siae, establishment=establishment, **fields)


def session(prog, day: datetime.date) -> RecruitmentSession:
    """The programme's recruitment session of that day (one per programme and day)."""
    return RecruitmentSession.objects.get_or_create(programme=prog, date=day)[0]


def _person(person: dict | None) -> dict:
    return {f"participant__{name}": value for name, value in (person or {}).items()}


def candidacy(prog, session_day: datetime.date, *, decision: str = "", person: dict | None = None) -> Pathway:
    """A candidacy at the session of ``session_day``; decided when ``decision`` is given."""
    pathway = PathwayFactory(programme=prog, session=session(prog, session_day), **_person(person))
    if decision:
        reason = "Motif de test" if decision == SessionDecision.NOT_SELECTED else ""
        pathway = services.pathway_decide(pathway=pathway, decision=decision, reason=reason, by=None)
    return pathway


def entrant(prog, start: datetime.date, *, session_day: datetime.date | None = None,
            classified_on: datetime.date | None = None, assigned_on: datetime.date | None = None,
            person: dict | None = None) -> Pathway:
    """Selected at a session (two weeks before ``start`` unless given), optionally classified and assigned,
    then in the workshop from ``start``."""
    day = session_day or min(start - 14 * DAY, classified_on or start, assigned_on or start)
    pathway = candidacy(prog, day, decision=SessionDecision.SELECTED, person=person)
    # Classified and assigned (on the session's day unless given), then in the workshop: no step skipped (issue 15).
    return enter_workshop(pathway, start, classified_on=classified_on, assigned_on=assigned_on)


def leaver(prog, start: datetime.date, exit_on: datetime.date, *,
           reason: str = ExitReason.RELEASE_END_OF_SENTENCE, outcome: str = Outcome.OTHER, person: dict | None = None,
           session_day: datetime.date | None = None, **exit_fields) -> Pathway:
    """In the workshop from ``start``, out on ``exit_on`` for ``reason`` with ``outcome`` (the contract an
    employment outcome needs, and what the reason needs, are filled in unless given)."""
    pathway = entrant(prog, start, session_day=session_day, person=person)
    return exit_pathway(pathway, exit_on, reason=reason, outcome=outcome, **exit_fields)


def exit_pathway(pathway: Pathway, exit_on: datetime.date, *, reason: str = ExitReason.RELEASE_END_OF_SENTENCE,
                 outcome: str = Outcome.OTHER, **exit_fields) -> Pathway:
    fields = {**REASON_FIELDS.get(reason, {}), **JOB_OF.get(outcome, {}), **exit_fields}
    return services.pathway_exit(pathway=pathway, on=exit_on, reason=reason, outcome=outcome, by=None, **fields)


def hours(pathway: Pathway, month: datetime.date, amount) -> None:
    """The hours worked in the month of ``month`` (the services date them on the 1st)."""
    services.event_record(pathway=pathway, kind=EventKind.HOURS_WORKED, on=month, hours=Decimal(str(amount)),
                          by=None)


def event(pathway: Pathway, kind: str, on: datetime.date) -> None:
    services.event_record(pathway=pathway, kind=kind, on=on, by=None)


def follow_up(pathway: Pathway, milestone: int, *, reached: bool, situation: str = "",
              contacted_on: datetime.date | None = None) -> None:
    contacted_on = contacted_on or pathway.exit_on + datetime.timedelta(days=30 * milestone)
    services.follow_up_record(pathway=pathway, milestone=milestone, reached=reached, situation=situation,
                              contacted_on=contacted_on, by=None)


def imported(pathway: Pathway, *, hours_worked=None, pmsmp=None) -> Pathway:
    """The totals an imported spreadsheet carries for a pathway."""
    Pathway.objects.filter(pk=pathway.pk).update(
        imported_hours_worked=None if hours_worked is None else Decimal(str(hours_worked)), imported_pmsmp=pmsmp)
    pathway.refresh_from_db()
    # An UPDATE sends no signal: it refreshes its monthly summaries itself, as every bulk write must.
    summaries.refresh({pathway.programme_id}, {pathway.contract_start})
    return pathway


_ANNEX_NUMBERS = iter(range(1, 10_000))


def annex(siae, start: datetime.date, end: datetime.date, etp, *, status: str = AnnexStatus.VALIDATED,
          measure: str | None = None) -> FinancialAnnex:
    """A financial annex of a State convention of the SIAE covering ``start`` to ``end``."""
    measure = measure or (AspMeasure.EI_MP if siae.kind == SiaeKind.EI else AspMeasure.ACI_MP)
    convention = make_convention(siae=siae, start=start, end=end)
    number = f"{'EI' if siae.kind == SiaeKind.EI else 'ACI'}{siae.department_id:0>3}{start.year % 100:02d}" \
             f"{next(_ANNEX_NUMBERS):04d}"
    return FinancialAnnex.objects.create(
        convention=convention, asp_number=number, measure=measure, year=start.year, start_date=start, end_date=end,
        etp=Decimal(str(etp)), aid_amount=Decimal("1000"), status=status)


def bulk_exits(prog, *, start: datetime.date, exit_on: datetime.date, outcomes: dict[str, int],
               reason: str = ExitReason.RELEASE_END_OF_SENTENCE) -> list[Pathway]:
    """``outcomes`` = {outcome: number of people}: that many people who entered on ``start`` and left on
    ``exit_on`` with that outcome, bulk-created (the services would take minutes for a department)."""
    people, pathways = [], []
    for outcome, number in outcomes.items():
        for _ in range(number):
            index = len(people)
            ecrou = f"B{prog.pk}X{index:05d}"
            person = Participant(establishment=prog.establishment, ecrou=ecrou, ecrou_key=ecrou_key(ecrou),
                                 stay_ended_on=exit_on, last_name=f"Masse{index}", first_names="Dominique",
                                 birth_date=D(1985, 5, 5), sex=Sex.M)
            people.append(person)
            pathways.append(Pathway(participant=person, programme=prog, status=PathwayStatus.EXITED,
                                    decision=SessionDecision.SELECTED, contract_start=start, exit_on=exit_on,
                                    age_at_entry=age_on(person.birth_date, start),
                                    exit_reason=reason, outcome=outcome, **JOB_OF.get(outcome, {})))
    Participant.objects.bulk_create(people)
    created = Pathway.objects.bulk_create(pathways)
    summaries.refresh({prog.pk}, {start, exit_on})  # bulk_create sends no signal
    return created
