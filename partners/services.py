from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from access import permissions
from audit.context import records_by
from core.validation import period_errors
from programmes.enums import ProgrammeStage

from . import rules
from .models import Contact, Decision, Event, Meeting, MeetingAttendee, Organisation, PartnerRole
from .validators import normalise_phone


@records_by
@transaction.atomic
def organisation_save(*, organisation: Organisation, served_establishments=None, by) -> Organisation:
    """``served_establishments``: the full list (objects or ids) replacing the former one; None leaves it as it is.
    The relations that decide who reads names change only by an administrator (access.permissions)."""
    permissions.require_scope_change(by, Organisation, _scope_changes(organisation, served_establishments))
    organisation.full_clean()
    organisation.save()
    if served_establishments is not None:
        organisation.served_establishments.set(served_establishments)
    return organisation


def _scope_changes(organisation: Organisation, served_establishments) -> list[str]:
    """Which of the organisation's scope relations this save changes, compared with the row as stored."""
    stored = Organisation.objects.filter(pk=organisation.pk).first() if organisation.pk else None
    changed = [name for name in ("siae", "establishment")
               if getattr(organisation, f"{name}_id") != (getattr(stored, f"{name}_id") if stored else None)]
    if served_establishments is not None:
        before = {str(pk) for pk in stored.served_establishments.values_list("pk", flat=True)} if stored else set()
        if {str(getattr(establishment, "pk", establishment)) for establishment in served_establishments} != before:
            changed.append("served_establishments")
    return changed


@records_by
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


@records_by
@transaction.atomic
def partner_role_save(*, partner_role: PartnerRole, by) -> PartnerRole:
    role = partner_role
    errors = period_errors(role.start_date, role.end_date)
    if role.contact_id and role.organisation_id and (error := rules.contact_error(role.contact, role.organisation)):
        errors["contact"] = [error]
    if errors:
        raise ValidationError(errors)
    role.full_clean()
    role.save()
    return role


@records_by
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


@records_by
@transaction.atomic
def decision_save(*, decision: Decision, by) -> Decision:
    meeting_date = decision.meeting.date if decision.done_on and decision.meeting_id else None
    if error := rules.done_on_error(status=decision.status, done_on=decision.done_on, meeting_date=meeting_date):
        raise ValidationError({"done_on": [error]})
    decision.full_clean()
    decision.save()
    return decision


@records_by
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
        raise ValidationError({"regions": [rules.NO_REGION]})
    event.full_clean()
    event.save()
    event.regions.set(regions)
    event.co_organisers.set(co_organisers)
    event.projects.set(projects)
    return event
