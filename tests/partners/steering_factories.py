"""Factories for partner roles, contacts, committees, decisions and events."""

import datetime

import factory
from factory.django import DjangoModelFactory

from partners.enums import DecisionStatus, MeetingKind, PartnerRoleKind
from partners.models import Contact, Decision, Event, Meeting, MeetingAttendee, PartnerRole
from tests.partners.factories import OrganisationFactory


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = "Claire"
    last_name = factory.Sequence(lambda n: f"Contact{n:04d}")
    function = "Chargée de mission"


class PartnerRoleFactory(DjangoModelFactory):
    class Meta:
        model = PartnerRole

    organisation = factory.SubFactory(OrganisationFactory)
    role = PartnerRoleKind.FUNDER
    start_date = datetime.date(2018, 1, 1)


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = MeetingKind.STEERING
    date = datetime.date(2018, 3, 22)
    agenda = "Bilan des recrutements"


class AttendeeFactory(DjangoModelFactory):
    class Meta:
        model = MeetingAttendee

    organisation = factory.SubFactory(OrganisationFactory)
    role = "Directrice"
    person = "Mme Durand"


class DecisionFactory(DjangoModelFactory):
    class Meta:
        model = Decision

    text = factory.Sequence(lambda n: f"Décision {n:04d}")
    owner = factory.SubFactory(OrganisationFactory)
    due_date = datetime.date(2018, 6, 30)
    status = DecisionStatus.OPEN


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Étape {n:02d} du Tour de France")
    date = datetime.date(2021, 3, 30)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)
