"""Factories for participants and pathways. Pathways past the candidacy are built through the services,
so that a test starts from a state the application itself can reach."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from participants import services
from participants.enums import ExitReason, Outcome, SessionDecision, Sex
from participants.models import Participant, Pathway, RecruitmentSession
from participants.rules import ecrou_key
from tests.programmes.factories import EstablishmentFactory, ProgrammeFactory


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant

    establishment = factory.SubFactory(EstablishmentFactory)
    ecrou = factory.Sequence(lambda n: f"{10000 + n}")
    ecrou_key = factory.LazyAttribute(lambda o: ecrou_key(o.ecrou))
    last_name = factory.Sequence(lambda n: f"Nomtest{n}")
    first_names = "Camille"
    birth_date = datetime.date(1990, 4, 12)
    sex = Sex.M


class RecruitmentSessionFactory(DjangoModelFactory):
    class Meta:
        model = RecruitmentSession

    programme = factory.SubFactory(ProgrammeFactory)
    # Always in the past (services refuse future commission dates), however many sessions a run creates.
    date = factory.Sequence(lambda n: datetime.date(2020, 1, 6) + datetime.timedelta(days=n % 1500))


class PathwayFactory(DjangoModelFactory):
    """A candidacy (status CANDIDATE) in a programme of the participant's establishment."""

    class Meta:
        model = Pathway

    programme = factory.SubFactory(ProgrammeFactory)
    participant = factory.SubFactory(
        ParticipantFactory, establishment=factory.SelfAttribute("..programme.establishment")
    )
    session = factory.SubFactory(RecruitmentSessionFactory, programme=factory.SelfAttribute("..programme"))


def selected_pathway(by=None, **kwargs) -> Pathway:
    pathway = PathwayFactory(**kwargs)
    return services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=by)


# A test programme's workshop frame: one implantation contract over every date the tests use (2016 regime, since it
# starts before 1 May 2022; that regime has no maximum length). Programmes of ProgrammeFactory have no dates (open).
FRAME_START, FRAME_END = datetime.date(2015, 1, 1), datetime.date(2030, 12, 31)


def implantation_in_force(programme, start=FRAME_START, end=FRAME_END):
    """The programme's workshop takes people in from ``start`` to ``end`` (programmes.rules.workshop_frame_errors)."""
    from programmes.enums import ImplantationRegime
    from programmes.models import ImplantationContract

    regime = ImplantationRegime.R2016 if start < datetime.date(2022, 5, 1) else ImplantationRegime.R2022
    return ImplantationContract.objects.get_or_create(
        programme=programme, start_date=start,
        defaults={"regime": regime, "end_date": end, "posts": 12, "weekly_hours": Decimal("24"),
                  "hourly_pay": Decimal("6.00")})[0]


def enter_workshop(pathway: Pathway, start: datetime.date, *, by=None, classified_on=None, assigned_on=None,
                   hours_per_week=Decimal("24"), hourly_pay=Decimal("6.00"), signed_on="start") -> Pathway:
    """A selected (or classified, or assigned) pathway into the workshop on ``start`` through every step of the code
    pénitentiaire: classification (favourable, on the commission's day unless given), assignment (the same day unless
    given), then the contract; the programme gets an implantation contract in force if it has none."""
    from participants.enums import CpuOpinion, PathwayStatus

    day = pathway.session.date if pathway.session else start
    if pathway.status == PathwayStatus.SELECTED:
        pathway = services.pathway_classify(pathway=pathway, opinion=CpuOpinion.FAVOURABLE,
                                            on=classified_on or day, by=by)
    if pathway.status == PathwayStatus.CLASSIFIED:
        pathway = services.pathway_assign(pathway=pathway, on=assigned_on or classified_on or day, by=by)
    if not pathway.programme.implantation_contracts.exists():
        implantation_in_force(pathway.programme)
    return services.pathway_start(pathway=pathway, start=start, hours_per_week=hours_per_week,
                                  hourly_pay=hourly_pay, signed_on=start if signed_on == "start" else signed_on, by=by)


ACTE_START = datetime.date(2021, 9, 6)


def acte_in_workshop(programme, start=ACTE_START, by=None, **kwargs) -> Pathway:
    """In the workshop under an acte d'engagement (started before 1 May 2022), still open: one to turn into a CEP."""
    pathway = PathwayFactory(programme=programme, session__date=start - datetime.timedelta(days=30), **kwargs)
    pathway = services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=by)
    return enter_workshop(pathway, start, by=by, hourly_pay=Decimal("4.80"))


def pathway_in_workshop(by=None, start=None, **kwargs) -> Pathway:
    pathway = selected_pathway(by=by, **kwargs)
    start = start or pathway.session.date + datetime.timedelta(days=14)
    return enter_workshop(pathway, start, by=by)


def exited_pathway(by=None, on=None, reason=ExitReason.RELEASE_END_OF_SENTENCE, outcome=Outcome.OTHER,
                   **kwargs) -> Pathway:
    pathway = pathway_in_workshop(by=by, **kwargs)
    on = on or pathway.contract_start + datetime.timedelta(days=90)
    return services.pathway_exit(pathway=pathway, on=on, reason=reason, outcome=outcome, by=by)


# --- Appended by the rules/services tests task -----------------------------------------------------------
# Dates are explicit (never the session sequence): every step lies in the past whatever day the tests run.
STEP_DAYS = {
    "session": datetime.date(2025, 3, 3),
    "classified": datetime.date(2025, 3, 10),
    "assigned": datetime.date(2025, 3, 17),
    "start": datetime.date(2025, 3, 24),
    "suspended": datetime.date(2025, 4, 14),
    "exit": datetime.date(2025, 5, 2),
}


def counsellor(first_name="Claire", last_name="Martin", establishment=None):
    """A CPIP of a SPIP of the 77 (serving ``establishment`` when given), as the logs name them."""
    from accounts.enums import Role
    from partners.enums import OrganisationKind
    from programmes.models import Department
    from tests.accounts.factories import UserFactory
    from tests.partners.factories import OrganisationFactory

    spip = OrganisationFactory(kind=OrganisationKind.SPIP, department=Department.objects.get(code="77"),
                               served_establishments=[establishment] if establishment else None)
    return UserFactory(first_name=first_name, last_name=last_name, role=Role.CPIP, organisation=spip)


def pathway_at(status: str, by=None, **kwargs) -> Pathway:
    """A pathway brought to ``status`` through the services, on the dates of STEP_DAYS (NOT_CLASSIFIED: the
    classification refused on STEP_DAYS["classified"])."""
    from participants.enums import PathwayStatus, SuspensionReason

    kwargs.setdefault("session__date", STEP_DAYS["session"])
    pathway = PathwayFactory(**kwargs)
    if status == PathwayStatus.CANDIDATE:
        return pathway
    if status in (PathwayStatus.NOT_SELECTED, PathwayStatus.WITHDRAWN):
        decision = SessionDecision.NOT_SELECTED if status == PathwayStatus.NOT_SELECTED else SessionDecision.WITHDRAWN
        return services.pathway_decide(pathway=pathway, decision=decision, reason="Motif de test", by=by)
    pathway = services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=by)
    if status == PathwayStatus.SELECTED:
        return pathway
    if status == PathwayStatus.NOT_CLASSIFIED:
        return services.pathway_classify(pathway=pathway, opinion="UNFAVOURABLE", on=STEP_DAYS["classified"],
                                         decision="REFUSED", reason="Risque d'évasion", by=by)
    pathway = services.pathway_classify(pathway=pathway, opinion="FAVOURABLE", on=STEP_DAYS["classified"], by=by)
    if status == PathwayStatus.CLASSIFIED:
        return pathway
    pathway = services.pathway_assign(pathway=pathway, on=STEP_DAYS["assigned"], by=by)
    if not pathway.programme.implantation_contracts.exists():
        implantation_in_force(pathway.programme)
    if status == PathwayStatus.ASSIGNED:
        return pathway
    pathway = enter_workshop(pathway, STEP_DAYS["start"], by=by)
    if status == PathwayStatus.IN_WORKSHOP:
        return pathway
    if status == PathwayStatus.SUSPENDED:
        return services.pathway_suspend(pathway=pathway, start=STEP_DAYS["suspended"],
                                        reason=SuspensionReason.ECONOMIC, by=by)
    if status == PathwayStatus.EXITED:
        return services.pathway_exit(pathway=pathway, on=STEP_DAYS["exit"], reason=ExitReason.RESIGNATION,
                                     outcome=Outcome.OTHER, by=by)
    raise ValueError(status)


# --- Appended by the participant pages task --------------------------------------------------------------
# Several people in one programme share one session (a programme has one session per date).


def session_of(programme, day=STEP_DAYS["session"]) -> RecruitmentSession:
    return RecruitmentSession.objects.get_or_create(programme=programme, date=day)[0]


def candidacy(programme, **kwargs) -> Pathway:
    """A candidacy in ``programme`` at its session of STEP_DAYS["session"]; ``participant__...`` as usual."""
    return PathwayFactory(programme=programme, session=session_of(programme), **kwargs)


def released_pathway(programme, *, exit_on, reason=ExitReason.RELEASE_END_OF_SENTENCE, outcome=Outcome.OTHER,
                     job_contract="", job_months=None, by=None, **kwargs) -> Pathway:
    """Entered the workshop on STEP_DAYS["start"], then left on ``exit_on`` (a release by default)."""
    pathway = candidacy(programme, **kwargs)
    pathway = services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=by)
    pathway = enter_workshop(pathway, STEP_DAYS["start"], by=by)
    return services.pathway_exit(pathway=pathway, on=exit_on, reason=reason, outcome=outcome,
                                 job_contract=job_contract, job_months=job_months, by=by)
