"""Access matrix entries for participants, pathways, their steps, timeline and follow-ups
(see tests/accounts/test_scope_matrix.py).

Nominative data is read only by the roles that work with the person: territorial (DISP, DREETS, DDETS) and
national staff get 404 on every page below, even inside their territory (READERS). Pages that create something
under an object are declared "<what they create>@<the object in their URL>".
"""

import datetime

from accounts.enums import Role
from participants import services
from participants.enums import EventKind
from participants.models import AccompanimentEvent, Participant, Pathway
from tests.accounts.factories import UserFactory
from tests.participants.factories import PathwayFactory, exited_pathway, pathway_in_workshop
from tests.programmes.factories import ProgrammeFactory

# A fixed commission date: the factories' sequence of dates moves into the future over a long test run.
SESSION_DAY = datetime.date(2025, 1, 6)

OBJECT_URLS = {
    "participants:participant_detail": ("participant", "detail"),
    "participants:participant_update": ("participant", "update"),
    "participants:pathway_create": ("pathway@participant", "update"),
    "participants:pathway_detail": ("pathway", "detail"),
    "participants:pathway_step": ("pathway_step", "update"),
    "participants:event_create": ("accompaniment_event@pathway", "update"),
    "participants:event_delete": ("accompaniment_event", "action"),
    "participants:follow_up": ("follow_up@pathway", "update"),
    # GET: the form (date of the person's request); POST: the JSON file of the right of access
    "participants:participant_access_export": ("participant_access", "update"),
}
EXTRA_ARGS = {
    "participants:pathway_step": ["sortie"],  # on a pathway in the workshop
    "participants:follow_up": [3],  # on a pathway exited by a release
}

# Written from the issue (sections 1, 3, 4 and 5), never imported from access.permissions or access.scope.
NOMINATIVE_READERS = {"ADMIN", "CPIP", "SPIP_MANAGER", "SIAE_DIRECTOR", "SIAE_STAFF", "ESTABLISHMENT_STAFF"}
IDENTITY_EDITORS = {"ADMIN", "CPIP", "SPIP_MANAGER"}  # the SPIP records the person
STEP_EDITORS = {"ADMIN", "CPIP", "SPIP_MANAGER", "SIAE_DIRECTOR", "SIAE_STAFF", "ESTABLISHMENT_STAFF"}
TIMELINE_EDITORS = {"ADMIN", "CPIP", "SPIP_MANAGER", "SIAE_DIRECTOR", "SIAE_STAFF"}
ACCESS_EXPORTERS = {"ADMIN", "CPIP", "SPIP_MANAGER"}  # issue 7 §3: the right of access, for SPIP roles

MAY_EDIT = {
    "participant": IDENTITY_EDITORS,
    "pathway@participant": STEP_EDITORS,
    "pathway": STEP_EDITORS,
    "pathway_step": STEP_EDITORS,
    "accompaniment_event@pathway": TIMELINE_EDITORS,
    # Recorded by a CPIP of scope A's SPIP (_event): removed by that organisation only, or an administrator (issue 18).
    "accompaniment_event": {"ADMIN", "CPIP", "SPIP_MANAGER"},
    "follow_up@pathway": TIMELINE_EDITORS,
    "participant_access": ACCESS_EXPORTERS,
}
READERS = {kind: NOMINATIVE_READERS for kind in MAY_EDIT}


def _candidacy(scope_a) -> Pathway:
    """A person of CP Alpha with a candidacy in ALPHA-1 (so that the SIAE staff of SIAE Alpha read it)."""
    return PathwayFactory(programme=scope_a.programme, session__date=SESSION_DAY, participant__last_name="Matrixa")


def _candidate_for_another_programme(scope_a) -> Participant:
    """A candidate of ALPHA-1 who may apply to ALPHA-2, a second workshop of SIAE Alpha in CP Alpha."""
    ProgrammeFactory(code="ALPHA-2", siae=scope_a.siae, establishment=scope_a.establishment)
    return _candidacy(scope_a).participant


def _event(scope_a) -> AccompanimentEvent:
    counsellor = UserFactory(role=Role.CPIP, organisation=scope_a.organisations["spip"])
    return services.event_record(pathway=_candidacy(scope_a), kind=EventKind.CIP_INTERVIEW,
                                 on=datetime.date(2025, 3, 3), detail="Premier entretien", by=counsellor)


OBJECTS = {
    "participant": lambda scope_a: _candidacy(scope_a).participant,
    "participant_access": lambda scope_a: _candidacy(scope_a).participant,
    "pathway@participant": _candidate_for_another_programme,
    "pathway": _candidacy,
    "pathway_step": lambda scope_a: pathway_in_workshop(programme=scope_a.programme, session__date=SESSION_DAY),
    "accompaniment_event@pathway": _candidacy,
    "accompaniment_event": _event,
    "follow_up@pathway": lambda scope_a: exited_pathway(programme=scope_a.programme, session__date=SESSION_DAY),
}


def scope_a_object(scope_a, kind: str):
    return OBJECTS[kind](scope_a)


def shown_text(obj) -> str:
    if isinstance(obj, Pathway):
        return str(obj.participant)
    return str(obj)  # a participant: "MATRIXA Camille"
