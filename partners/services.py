from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from programmes.enums import ProgrammeStage

from .enums import DecisionStatus
from .models import Contact, Decision, Event, Meeting, MeetingAttendee, Organisation, PartnerRole
from .validators import normalise_phone

PERIOD_ERROR = _("La date de fin doit être postérieure à la date de début.")


@transaction.atomic
def organisation_save(*, organisation: Organisation, served_establishments=None, by) -> Organisation:
    organisation.full_clean()
    organisation.save()
    if served_establishments is not None:
        organisation.served_establishments.set(served_establishments)
    return organisation


@transaction.atomic
def contact_save(*, contact: Contact, by) -> Contact:
    try:
        contact.phone = normalise_phone(contact.phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from error
    contact.email = contact.email.strip().lower()
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def partner_role_save(*, partner_role: PartnerRole, by) -> PartnerRole:
    role = partner_role
    errors = {}
    if role.end_date and role.start_date and role.end_date < role.start_date:
        errors["end_date"] = [PERIOD_ERROR]
    if role.contact_id and role.organisation_id and role.contact.organisation_id != role.organisation_id:
        errors["contact"] = [_("Ce contact n'appartient pas à l'organisation choisie : choisissez une personne de "
                               "« %(organisation)s ».") % {"organisation": role.organisation}]
    if errors:
        raise ValidationError(errors)
    role.full_clean()
    role.save()
    return role


@transaction.atomic
def meeting_save(*, meeting: Meeting, attendees=None, by) -> Meeting:
    """``attendees``: the full list of (organisation, role, person); it replaces the former list."""
    meeting.full_clean()
    meeting.save()
    if attendees is not None:
        meeting.attendees.all().delete()
        MeetingAttendee.objects.bulk_create(
            MeetingAttendee(meeting=meeting, organisation=organisation, role=role, person=person)
            for organisation, role, person in attendees
        )
    return meeting


@transaction.atomic
def decision_save(*, decision: Decision, by) -> Decision:
    if decision.status == DecisionStatus.DONE and not decision.done_on:
        raise ValidationError({"done_on": [_("Indiquez la date à laquelle la décision a été faite.")]})
    if decision.status != DecisionStatus.DONE and decision.done_on:
        raise ValidationError({"done_on": [_("Une date de réalisation ne se saisit que pour une décision "
                                             "« Faite » : videz ce champ ou changez le suivi.")]})
    if decision.done_on and decision.meeting_id and decision.done_on < decision.meeting.date:
        raise ValidationError({"done_on": [_("Une décision ne peut être faite avant le comité qui l'a prise.")]})
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def event_save(*, event: Event, regions, co_organisers, projects, by) -> Event:
    """Projects an event gave rise to are programmes at the emergence stage when they are linked."""
    already = set(event.projects.values_list("pk", flat=True)) if event.pk else set()
    late = [p for p in projects if p.pk not in already and p.stage != ProgrammeStage.EMERGENCE]
    if late:
        raise ValidationError({"projects": [
            _("« %(code)s » n'est pas au stade Émergence : seuls les projets en émergence se rattachent à un "
              "événement.") % {"code": p.code} for p in late
        ]})
    if not regions:
        raise ValidationError({"regions": [_("Choisissez au moins une région.")]})
    event.full_clean()
    event.save()
    event.regions.set(regions)
    event.co_organisers.set(co_organisers)
    event.projects.set(projects)
    return event
