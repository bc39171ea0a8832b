"""Access matrix entries for recruitment sessions and their candidate board (see tests/accounts/test_scope_matrix.py).

Written from issue 4, not from access.permissions or access.scope: a session lists its candidates by name,
so only the roles that work with the people read it (SPIP, SIAE, establishment staff, administrators);
territorial and national staff get 404 even inside their territory. The SPIP and the SIAE run the sessions:
they (and administrators) edit them, add candidates and record the commission's decisions; establishment staff
read the board only.

The two board actions answer POST only; an empty POST from an editor goes back to the session (302) with a
French error message.
"""

import datetime

from participants.models import RecruitmentSession
from tests.participants.factories import ParticipantFactory, PathwayFactory

KIND = "recruitment_session"

OBJECT_URLS = {
    "participants:session_detail": (KIND, "detail"),
    "participants:session_update": (KIND, "update"),
    "participants:session_add_candidates": (KIND, "action"),
    "participants:session_decide": (KIND, "action"),
}

SESSION_EDITORS = {"ADMIN", "CPIP", "SPIP_MANAGER", "SIAE_DIRECTOR", "SIAE_STAFF"}
SESSION_READERS = SESSION_EDITORS | {"ESTABLISHMENT_STAFF"}

MAY_EDIT = {KIND: SESSION_EDITORS}
READERS = {KIND: SESSION_READERS}

SESSION_DATE = datetime.date(2025, 3, 4)


def scope_a_object(scope_a, kind: str) -> RecruitmentSession:
    session, created = RecruitmentSession.objects.get_or_create(programme=scope_a.programme, date=SESSION_DATE)
    if created:  # one candidate, so that the board shows a name
        participant = ParticipantFactory(establishment=scope_a.establishment, last_name="Matrice")
        PathwayFactory(programme=scope_a.programme, participant=participant, session=session)
    return session


def shown_text(obj) -> str:
    return f"Session du {obj.date:%d/%m/%Y}"  # the page's breadcrumb (the board's names: test_session_pages.py)
