"""Password rules (issue 7, security.md 2.1 and 2.4): 12 characters for users, 16 for administrators, no
composition rule, common passwords refused, Argon2 hashes."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.enums import Role
from accounts.models import User

pytestmark = pytest.mark.django_db


def messages_for(password, user):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


@pytest.mark.parametrize(("password", "accepted"), [
    ("rivière-pont", True),  # 12 characters, lower case only: no composition rule
    ("rivière-pon", False),  # 11
    ("x" * 5 + "ébène sous la pluie " * 3, True),  # long passphrase
])
def test_a_user_needs_twelve_characters(password, accepted):
    user = User(username="cpip.test", role=Role.CPIP)

    messages = messages_for(password, user)

    assert (messages == []) is accepted, messages
    if not accepted:
        assert any("12 caractères" in message for message in messages)


@pytest.mark.parametrize("administrator", [
    User(username="admin.test", role=Role.ADMIN),
    User(username="staff.test", role=Role.NATIONAL, is_staff=True),
    User(username="root.test", role=Role.NATIONAL, is_superuser=True),
])
def test_an_administrator_needs_sixteen(administrator):
    assert any("administrateur" in message and "16 caractères" in message
               for message in messages_for("rivière-pont-bl", administrator))  # 15 characters
    assert messages_for("rivière-pont-ble", administrator) == []  # 16


def test_a_common_password_is_refused_whatever_its_length():
    messages = messages_for("qwerty123456", User(username="cpip.test", role=Role.CPIP))

    assert any("courant" in message for message in messages), messages


def test_passwords_are_stored_with_argon2_and_checked_back(production_hashers):
    user = User.objects.create_user(username="cpip.argon", password="rivière-pont-levis", role=Role.NATIONAL)

    assert user.password.startswith("argon2$")
    user.refresh_from_db()
    assert user.check_password("rivière-pont-levis")
    assert not user.check_password("rivière-pont-levi")
