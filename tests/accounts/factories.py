import factory
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory

from accounts.enums import Role
from accounts.models import User


class UserFactory(DjangoModelFactory):
    """A user without a usable password (tests log in with force_login; hashing is slow)."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"agent{n:04d}")
    first_name = factory.Sequence(lambda n: f"Prénom{n:04d}")
    last_name = "Testeur"
    role = Role.NATIONAL
    organisation = None
    password = factory.LazyFunction(lambda: make_password(None))
