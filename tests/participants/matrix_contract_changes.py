"""Access matrix entries for the avenant of hours or post and the skills acquired (issue 17 §3, see
tests/accounts/test_scope_matrix.py): who records them is who edits the pathway's contract (the pathway's step
editors, as the pay revaluation); the pages show names, so territorial and national staff get 404 even inside their
territory."""

from participants import services
from participants.enums import SessionDecision
from tests.participants.factories import PathwayFactory, enter_workshop, session_of
from tests.participants.matrix_participants import NOMINATIVE_READERS, STEP_EDITORS

OBJECT_URLS = {
    "participants:contract_change": ("contract_change@pathway", "update"),
    "participants:pathway_skills": ("skills@pathway", "update"),
}
MAY_EDIT = {"contract_change@pathway": STEP_EDITORS, "skills@pathway": STEP_EDITORS}
READERS = {kind: NOMINATIVE_READERS for kind in MAY_EDIT}


def scope_a_object(scope_a, kind: str):
    pathway = PathwayFactory(programme=scope_a.programme, session=session_of(scope_a.programme),
                             participant__last_name="Matriavenant")
    pathway = services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    return enter_workshop(pathway, pathway.session.date)


def shown_text(obj) -> str:
    return str(obj.participant)
