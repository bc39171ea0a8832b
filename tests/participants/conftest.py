"""The two scopes' programmes take people into their workshop: an implantation contract in force on every date the
tests use (programmes.rules.workshop_frame_errors refuses an entry without one, issue 15)."""

import pytest

from tests.participants.factories import implantation_in_force


@pytest.fixture(autouse=True)
def workshop_frames(request):
    for name in ("scope_a", "scope_b"):
        if name in request.fixturenames:
            implantation_in_force(request.getfixturevalue(name).programme)
