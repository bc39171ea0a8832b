"""Accounts managed in the application (issue 18, §3): create an account and invite its holder, deactivate and
reactivate it, reset its second factor, invite again. Who may do what to whom is decided in access.permissions
(ROLES_GRANTED_BY, may_manage_account); every write here checks it, validates, saves all or nothing and writes one
row of the account's change history (audit.models.ChangeRecord, object type "user": who, when, what, the reason;
never a name or an address)."""

import logging
import re
import smtplib
import unicodedata

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction

from access import permissions
from audit.context import user_label
from audit.enums import ChangeAction
from audit.models import ChangeRecord
from core.validation import validate_person_name
from partners.enums import OrganisationKind

from . import invitations, two_factor
from .enums import Role
from .models import User

logger = logging.getLogger("accounts.management")

# The kind of organisation each role acts for (its scope is read there: access.scope); national and administrator
# accounts may belong to any organisation or none.
ROLE_ORGANISATION_KIND = {
    Role.CPIP: OrganisationKind.SPIP,
    Role.SPIP_MANAGER: OrganisationKind.SPIP,
    Role.SIAE_DIRECTOR: OrganisationKind.SIAE,
    Role.SIAE_STAFF: OrganisationKind.SIAE,
    Role.ESTABLISHMENT_STAFF: OrganisationKind.ESTABLISHMENT,
    Role.DISP_STAFF: OrganisationKind.DISP,
    Role.DREETS_STAFF: OrganisationKind.DREETS,
    Role.DDETS_STAFF: OrganisationKind.DDETS,
}
USERNAME_TAKEN = "Cet identifiant est déjà utilisé : choisissez-en un autre, ou laissez le champ vide pour qu'il " \
                 "soit formé du prénom et du nom."
EMAIL_TAKEN = "Un compte utilise déjà cette adresse électronique : chaque personne a son propre compte."
ROLE_REFUSED = "Vous ne pouvez pas donner ce rôle."
ORGANISATION_REFUSED = "Vous ne pouvez pas rattacher un compte à cette organisation."
REQUIRED = "Ce champ est obligatoire."
MAIL_FAILED = "L'invitation n'a pas pu être envoyée (serveur de messagerie injoignable) : rien n'a été " \
              "enregistré, réessayez plus tard."
REASON_MAX = 300


def role_organisation_error(role, organisation) -> str | None:
    """The French message when an account of ``role`` may not act for ``organisation`` (None: it may)."""
    kind = ROLE_ORGANISATION_KIND.get(role)
    if kind is None:
        return None
    if organisation is None:
        return "Ce rôle exige une organisation de rattachement."
    if organisation.kind != kind:
        return f"Un compte « {Role(role).label} » est rattaché à une organisation de type « {kind.label} »."
    return None


def derived_username(first_name: str, last_name: str) -> str:
    """« Élodie », « Le Gall-Durand » -> « elodie.le-gall-durand »; a number is added when it is taken."""
    def part(text):
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
        return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")

    base = ".".join(filter(None, [part(first_name), part(last_name)]))[:140] or "compte"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def _clean_account(*, first_name, last_name, email, organisation, role, username, by) -> dict:
    errors: dict[str, list[str]] = {}

    def check(field, value, *validators):
        if not value:
            errors.setdefault(field, []).append(REQUIRED)
            return
        for validator in validators:
            try:
                validator(value)
            except ValidationError as error:
                errors.setdefault(field, []).extend(error.messages)

    first_name, last_name = " ".join((first_name or "").split()), " ".join((last_name or "").split())
    email, username = (email or "").strip().lower(), (username or "").strip()
    check("first_name", first_name, validate_person_name)
    check("last_name", last_name, validate_person_name)
    check("email", email, validate_email)
    if email and User.objects.filter(email__iexact=email).exists():
        errors.setdefault("email", []).append(EMAIL_TAKEN)
    if not role:
        errors.setdefault("role", []).append(REQUIRED)
    elif role not in permissions.grantable_roles(by):
        errors.setdefault("role", []).append(ROLE_REFUSED)
    if organisation is not None and not permissions.organisations_granted_by(by).filter(pk=organisation.pk).exists():
        errors.setdefault("organisation", []).append(ORGANISATION_REFUSED)
    elif role and (message := role_organisation_error(role, organisation)):
        errors.setdefault("organisation", []).append(message)
    if username:
        check("username", username, UnicodeUsernameValidator())
        if User.objects.filter(username__iexact=username).exists():
            errors.setdefault("username", []).append(USERNAME_TAKEN)
    if errors:
        raise ValidationError(errors)
    return {"first_name": first_name, "last_name": last_name, "email": email, "organisation": organisation,
            "role": role, "username": username or derived_username(first_name, last_name)}


def _record(account, by, action, changes: dict) -> None:
    ChangeRecord.objects.create(user=by, user_label=user_label(by), object_type="user", object_id=str(account.pk),
                                action=action, changes=changes)


def _send_invitation(account, *, base_url, by) -> None:
    try:
        invitations.send(account, base_url=base_url, by=by)
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("accounts: invitation of account %s not sent (%s)", account.pk, type(error).__name__)
        raise ValidationError(MAIL_FAILED) from error


def _require_manager(by) -> None:
    if not permissions.can_manage_accounts(by):
        raise PermissionDenied("Votre rôle ne permet pas de gérer des comptes.")


@transaction.atomic
def account_create(*, first_name: str, last_name: str, email: str, organisation, role: str, username: str = "",
                   by: User, base_url: str) -> User:
    """A new account, with no password yet: its holder receives the invitation (accounts.invitations) to choose one,
    then enrols the second factor at the first sign-in. Refused input (ValidationError, French messages by field),
    or a mail that cannot be sent, leaves nothing."""
    _require_manager(by)
    values = _clean_account(first_name=first_name, last_name=last_name, email=email, organisation=organisation,
                            role=role, username=username, by=by)
    account = User(**values)
    account.set_unusable_password()
    account.full_clean(exclude=["password"])
    account.save()
    _record(account, by, ChangeAction.CREATE, {
        "role": [None, account.get_role_display()],
        "organisation": [None, str(organisation) if organisation else None],
        "Invitation": [None, "envoyée"],
    })
    _send_invitation(account, base_url=base_url, by=by)
    logger.info("accounts: account %s created by %s", account.pk, by.pk)
    return account


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": [REQUIRED]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [f"Le motif tient en {REASON_MAX} caractères au plus."]})
    return reason


def _managed(account, by) -> User:
    """The account, locked for the change, once ``by`` is known to manage it (PermissionDenied otherwise)."""
    if not permissions.may_manage_account(by, account):
        raise PermissionDenied("Votre rôle ne permet pas de gérer ce compte.")
    return User.objects.select_for_update().get(pk=account.pk)


@transaction.atomic
def account_set_active(*, account: User, active: bool, reason: str, by: User) -> User:
    """Deactivate (the account can no longer sign in; its open sessions end at their next request) or reactivate an
    account, with the reason written to its history."""
    reason = _clean_reason(reason)
    account = _managed(account, by)
    if account.is_active == active:
        raise ValidationError("Ce compte est déjà " + ("actif." if active else "désactivé."))
    User.objects.filter(pk=account.pk).update(is_active=active)  # one history row below, with the reason
    account.is_active = active
    _record(account, by, ChangeAction.UPDATE, {"is_active": ["Non" if active else "Oui", "Oui" if active else "Non"],
                                               "Motif": [None, reason]})
    logger.info("accounts: account %s %s by %s", account.pk, "reactivated" if active else "deactivated", by.pk)
    return account


@transaction.atomic
def second_factor_reset(*, account: User, reason: str, by: User) -> User:
    """A lost phone: every device of the account goes (accounts.two_factor.reset); its holder enrols again at the
    next sign-in. The reason is written to the account's history."""
    reason = _clean_reason(reason)
    account = _managed(account, by)
    two_factor.reset(account)
    _record(account, by, ChangeAction.UPDATE, {"Double authentification": ["configurée", "réinitialisée"],
                                               "Motif": [None, reason]})
    return account


@transaction.atomic
def invitation_resend(*, account: User, by: User, base_url: str) -> User:
    """A new invitation for an account whose holder has not chosen a password yet (the former link stops
    working)."""
    account = _managed(account, by)
    if account.has_usable_password():
        raise ValidationError("Ce compte a déjà un mot de passe : son titulaire utilise « Mot de passe oublié ».")
    if not account.is_active:
        raise ValidationError("Ce compte est désactivé : réactivez-le avant de l'inviter à nouveau.")
    _record(account, by, ChangeAction.UPDATE, {"Invitation": [None, "envoyée à nouveau"]})
    _send_invitation(account, base_url=base_url, by=by)
    return account


def invitation_accepted(*, account: User) -> None:
    """The holder chose their password through the invitation's link: written to the account's history, by them."""
    _record(account, account, ChangeAction.UPDATE, {"Invitation": ["envoyée", "acceptée (mot de passe choisi)"]})
    logger.info("accounts: invitation accepted for account %s", account.pk)
