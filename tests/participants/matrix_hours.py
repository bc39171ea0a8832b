"""Access matrix entries for the month's hours sheet (issue 18 §2, see tests/accounts/test_scope_matrix.py).

Written from the issue: the SIAE running the workshop enters the hours (director and staff, and the administrator),
only its director validates the month; the sheet names everyone, so the roles that read no names (territorial,
national) get 404 even inside their territory, like the other nominative pages. The list of the user's workshops
(participants:hours_index) takes no id: tests/participants/test_hours_pages.py checks it.
"""

import datetime
from decimal import Decimal

from participants import services
from participants.enums import SessionDecision
from tests.participants.factories import PathwayFactory, enter_workshop, session_of
from tests.participants.matrix_participants import NOMINATIVE_READERS

SHEET, VALIDATION = "hours_sheet@programme", "hours_validation@programme"
OBJECT_URLS = {
    "participants:hours_sheet": (SHEET, "update"),
    "participants:hours_export": (SHEET, "detail"),
    "participants:hours_import": (SHEET, "action"),
    "participants:hours_validate": (VALIDATION, "action"),
}
MAY_EDIT = {SHEET: {"ADMIN", "SIAE_DIRECTOR", "SIAE_STAFF"}, VALIDATION: {"ADMIN", "SIAE_DIRECTOR"}}
READERS = {kind: NOMINATIVE_READERS for kind in MAY_EDIT}
EXTRA_ARGS = {name: [2026, 11] for name in OBJECT_URLS}  # November 2026: the suite's month (tests/clock.py)


def scope_a_object(scope_a, kind: str):
    """Scope A's programme, with one person in its workshop since October 2026."""
    pathway = PathwayFactory(programme=scope_a.programme, session=session_of(scope_a.programme),
                             participant__last_name="Matriheures")
    pathway = services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    enter_workshop(pathway, datetime.date(2026, 10, 5), hourly_pay=Decimal("6.00"))
    return scope_a.programme


def shown_text(obj) -> str:
    return str(obj.pathways.get(participant__last_name="Matriheures").participant)
