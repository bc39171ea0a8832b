"""Access matrix entries for the revaluation of pay (issue 15 §2, see tests/accounts/test_scope_matrix.py).

Written from the issue: who revalues a contract's pay is who edits the pathway's contract (the pathway's step
editors); the pages show names, so territorial and national staff get 404 even inside their territory. The list
of contracts to revalue and its "Tout revaloriser" (a POST to the list, naming the programme) take no id: their
access is tested in tests/participants/test_pay_revaluation.py.
"""

from decimal import Decimal

from participants import services
from participants.enums import SessionDecision
from tests.participants.factories import PathwayFactory, enter_workshop, session_of
from tests.participants.matrix_participants import NOMINATIVE_READERS, STEP_EDITORS

OBJECT_URLS = {
    "participants:pay_revalue": ("pay_revaluation@pathway", "update"),
}
MAY_EDIT = {"pay_revaluation@pathway": STEP_EDITORS}
READERS = {kind: NOMINATIVE_READERS for kind in MAY_EDIT}


def _contract_under_the_floor(scope_a):
    pathway = PathwayFactory(programme=scope_a.programme, session=session_of(scope_a.programme),
                             participant__last_name="Matrisalaire")
    pathway = services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    return enter_workshop(pathway, pathway.session.date, hourly_pay=Decimal("5.35"))


def scope_a_object(scope_a, kind: str):
    return _contract_under_the_floor(scope_a)


def shown_text(obj) -> str:
    return str(obj.participant)
