"""access.scope builds each of a user's querysets once (issue 19: a participant's page built the documents' scope twice,
3.5 ms each), and this changes nothing of what the user sees: each call answers a fresh copy of the same SQL, never a
cached result, and a user changed in place (role, organisation) gets the querysets of what they are now."""

import pytest

from access import scope
from accounts.enums import Role
from tests.programmes.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_the_same_sql_built_once_and_evaluated_afresh(personas, scope_a, django_assert_num_queries):
    user = personas["SIAE_DIRECTOR_A"]
    first = scope.documents_for(user)

    with django_assert_num_queries(0):  # the second call builds nothing and reads nothing
        second = scope.documents_for(user)

    assert first is not second and str(first.query) == str(second.query)
    assert list(scope.programmes_for(user)) == [scope_a.programme]
    later = ProgrammeFactory(code="MEMO-2", siae=scope_a.siae, establishment=scope_a.establishment)
    assert set(scope.programmes_for(user)) == {scope_a.programme, later}  # no result kept from the first reading


def test_a_user_changed_in_place_gets_the_scope_of_what_they_are_now(personas, scope_a, scope_b):
    user = personas["SIAE_DIRECTOR_A"]
    assert list(scope.programmes_for(user)) == [scope_a.programme]

    user.organisation = scope_b.organisations["siae"]
    assert list(scope.programmes_for(user)) == [scope_b.programme]

    user.role = Role.NATIONAL
    assert set(scope.programmes_for(user)) == {scope_a.programme, scope_b.programme}

    user.role, user.is_active = Role.SIAE_DIRECTOR, False
    assert list(scope.programmes_for(user)) == []
