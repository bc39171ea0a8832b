"""Access matrix entries for partner roles, contacts, committees, decisions and events
(see tests/accounts/test_scope_matrix.py).

A page that creates something under an object (a contact of an organisation, a role in a programme...) is
declared with a kind "<what it creates>@<the object in its URL>", so scope_a_object knows which object to give.
"""

import datetime

from partners.enums import MeetingKind, PartnerRoleKind
from partners.models import Contact, Decision, Event, Meeting, PartnerRole
from programmes.models import Region

OBJECT_URLS = {
    "partners:contact_create": ("contact@organisation", "update"),
    "partners:contact_update": ("contact", "update"),
    "partners:role_create": ("partner_role@programme", "update"),
    "partners:role_update": ("partner_role", "update"),
    "partners:meeting_create": ("meeting@programme", "update"),
    "partners:meeting_create_establishment": ("meeting@establishment", "update"),
    "partners:meeting_detail": ("meeting", "detail"),
    "partners:meeting_update": ("meeting", "update"),
    "partners:decision_create": ("decision@meeting", "update"),
    "partners:decision_update": ("decision", "update"),
    "partners:event_detail": ("event", "detail"),
    "partners:event_update": ("event", "update"),
}

_STEERING = {"ADMIN", "DISP_STAFF", "DREETS_STAFF", "DDETS_STAFF", "SIAE_DIRECTOR", "SPIP_MANAGER"}
_CONTACTS = {"ADMIN", "DISP_STAFF", "DREETS_STAFF", "DDETS_STAFF", "SIAE_DIRECTOR"}

# Written from the issue, never imported from access.permissions.
MAY_EDIT = {
    "partner_role": {"ADMIN", "DISP_STAFF", "DREETS_STAFF", "DDETS_STAFF", "SIAE_DIRECTOR", "SPIP_MANAGER"},
    "partner_role@programme": _STEERING,
    "contact": {"ADMIN", "DISP_STAFF", "DREETS_STAFF", "DDETS_STAFF", "SIAE_DIRECTOR"},
    "contact@organisation": _CONTACTS,
    "meeting": {"ADMIN", "DISP_STAFF", "DREETS_STAFF", "DDETS_STAFF", "SIAE_DIRECTOR", "SPIP_MANAGER"},
    "meeting@programme": _STEERING,
    "meeting@establishment": _STEERING,
    "decision": {"ADMIN", "DISP_STAFF", "DREETS_STAFF", "DDETS_STAFF", "SIAE_DIRECTOR", "SPIP_MANAGER"},
    "decision@meeting": _STEERING,
    "event": {"ADMIN", "DISP_STAFF", "DREETS_STAFF"},
}


def _meeting(scope_a) -> Meeting:
    return Meeting.objects.create(kind=MeetingKind.STEERING, programme=scope_a.programme,
                                  date=datetime.date(2018, 3, 22), agenda="Bilan de la première année")


def scope_a_object(scope_a, kind: str):
    organisations = scope_a.organisations
    if kind == "contact@organisation":
        return organisations["spip"]
    if kind in {"partner_role@programme", "meeting@programme"}:
        return scope_a.programme
    if kind == "meeting@establishment":
        return scope_a.establishment
    if kind in {"meeting", "decision@meeting"}:
        return _meeting(scope_a)
    if kind == "contact":
        return Contact.objects.create(organisation=organisations["spip"], first_name="Claire", last_name="Alpha")
    if kind == "partner_role":
        return PartnerRole.objects.create(programme=scope_a.programme, organisation=organisations["spip"],
                                          role=PartnerRoleKind.PRESCRIBER, start_date=datetime.date(2018, 1, 1))
    if kind == "decision":
        return Decision.objects.create(meeting=_meeting(scope_a), text="Recruter un encadrant technique",
                                       owner=organisations["siae"], due_date=datetime.date(2018, 6, 30))
    if kind == "event":
        # Île-de-France, the region of scope A: scope B does not see it.
        event = Event.objects.create(title="Tour de France de l'IAE en détention — Paris",
                                     date=datetime.date(2021, 3, 30))
        event.regions.set([Region.objects.get(code="11")])
        return event
    raise KeyError(kind)


def shown_text(obj) -> str:
    return getattr(obj, "title", None) or str(obj)
