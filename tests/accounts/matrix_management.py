"""Access matrix entries for « Comptes » (issue 18, §3; see tests/accounts/test_scope_matrix.py): the account of a
counsellor of SPIP Alpha, invited and not yet signed in. Written from the issue, never imported from
access.permissions: an administrator manages every account, an SPIP manager those of their own SPIP; nobody else
reads them (404, as if the account did not exist)."""

from django.contrib.auth.hashers import make_password

from accounts.enums import Role
from accounts.models import User

OBJECT_URLS = {
    "accounts:account_detail": ("account", "detail"),
    "accounts:account_activation": ("account", "update"),
    "accounts:account_second_factor_reset": ("account", "update"),
    "accounts:account_invitation_resend": ("account", "action"),
}
READERS = {"account": {"ADMIN", "SPIP_MANAGER"}}
MAY_EDIT = {"account": {"ADMIN", "SPIP_MANAGER"}}


def scope_a_object(scope_a, kind: str):
    return User.objects.create(username=f"cpip.nouvelle.{scope_a.key.lower()}", first_name="Nadia",
                               last_name="Nouvelle", email=f"nadia.nouvelle.{scope_a.key.lower()}@spip.invalid",
                               role=Role.CPIP, organisation=scope_a.organisations["spip"],
                               password=make_password(None))


def shown_text(obj) -> str:
    return obj.username
