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
    date = factory.Sequence(lambda n: datetime.date(2025, 1, 6) + datetime.timedelta(days=7 * n))


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


def pathway_in_workshop(by=None, start=None, **kwargs) -> Pathway:
    pathway = selected_pathway(by=by, **kwargs)
    start = start or pathway.session.date + datetime.timedelta(days=14)
    return services.pathway_start(pathway=pathway, start=start, hours_per_week=Decimal("24"),
                                  hourly_pay=Decimal("6.00"), signed_on=start, by=by)


def exited_pathway(by=None, on=None, reason=ExitReason.RELEASE_END_OF_SENTENCE, outcome=Outcome.OTHER,
                   **kwargs) -> Pathway:
    pathway = pathway_in_workshop(by=by, **kwargs)
    on = on or pathway.contract_start + datetime.timedelta(days=90)
    return services.pathway_exit(pathway=pathway, on=on, reason=reason, outcome=outcome, by=by)
