"""Reads of « Comptes » (issue 18, §3), always for a manager (access.permissions.accounts_for), and the explanation
a user whose organisation covers nothing yet reads on their home page."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import permissions, scope

from . import two_factor
from .enums import Role
from .models import User


def account_list_for(*, user, q: str = "", organisation=None, role: str = "", active: str = "") -> QuerySet[User]:
    qs = permissions.accounts_for(user).select_related("organisation").annotate(
        enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
    if q:
        qs = qs.filter(Q(last_name__icontains=q) | Q(first_name__icontains=q) | Q(username__icontains=q)
                       | Q(email__icontains=q))
    if organisation:
        qs = qs.filter(organisation=organisation)
    if role:
        qs = qs.filter(role=role)
    if active:
        qs = qs.filter(is_active=active == "oui")
    return qs.order_by("organisation__name", "last_name", "first_name", "username")


def get_account_for(user, pk) -> tuple[User, bool]:
    """The account in the manager's reach (404 outside), and whether they manage it (403 for its actions)."""
    account = get_object_or_404(permissions.accounts_for(user).select_related("organisation"), pk=pk)
    return account, permissions.may_manage_account(user, account)


def account_page_for(*, user, account) -> dict:
    return {
        "second_factor": ("activée" if two_factor.is_enrolled(account) else "en cours d'activation"
                          if TOTPDevice.objects.filter(user=account).exists() else "non activée"),
        "invitation_pending": not account.has_usable_password(),
    }


# --- A scope that covers nothing yet: why, and whom to ask ----------------------------------------------------


@dataclass(frozen=True)
class EmptyScope:
    reason: str
    contacts: list  # users to ask: the managers of the organisation, then the administrators


def _why(user) -> str | None:
    organisation = user.organisation
    if user.role in scope.SPIP_ROLES and not organisation.served_establishments.exists():
        return (f"Votre SPIP, « {organisation} », ne dessert encore aucun établissement : vos listes "
                "(participants, sessions, programmes) restent vides tant qu'un·e administrateur·rice ne lui a pas "
                "rattaché ses établissements.")
    if user.role in scope.SIAE_ROLES and not organisation.siae_id:
        return (f"Votre organisation, « {organisation} », n'est encore rattachée à aucune SIAE : un·e "
                "administrateur·rice doit la lier à sa structure.")
    if user.role == Role.ESTABLISHMENT_STAFF and not organisation.establishment_id:
        return (f"Votre organisation, « {organisation} », n'est encore rattachée à aucun établissement : un·e "
                "administrateur·rice doit la lier à son établissement.")
    if user.role in scope.SIAE_ROLES:
        return (f"Votre SIAE, « {organisation} », ne porte encore aucun programme en détention : vos listes se "
                "rempliront dès qu'un programme sera enregistré pour elle.")
    if user.role in scope.SPIP_ROLES | {Role.ESTABLISHMENT_STAFF}:
        return ("Aucun programme n'est encore implanté dans vos établissements : vos listes se rempliront dès qu'un "
                "programme y sera enregistré.")
    return "Aucun programme n'est encore enregistré sur votre territoire."


def empty_scope_for(user) -> EmptyScope | None:
    """None when the user sees at least one programme, or acts for no organisation (national, administrator)."""
    if not user.is_authenticated or user.organisation_id is None or scope.sees_national(user):
        return None
    if scope.programmes_for(user).exists():
        return None
    managers = User.objects.filter(is_active=True, organisation_id=user.organisation_id,
                                   role__in=permissions.ROLES_GRANTED_BY).exclude(pk=user.pk)
    managers = [m for m in managers.order_by("last_name", "first_name")
                if user.role in permissions.ROLES_GRANTED_BY.get(m.role, ())]
    administrators = list(User.objects.filter(is_active=True, role=Role.ADMIN).order_by("last_name", "first_name")[:3])
    return EmptyScope(_why(user), managers[:3] + administrators)
