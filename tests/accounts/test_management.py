"""« Comptes » (issue 18, §3): who manages whose account (written from the issue, not from access.permissions), the
services' rules and history, the pages as managers read them, and the home page of a user whose organisation
covers nothing yet."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import permissions
from accounts import services
from accounts.enums import Role
from accounts.models import User
from audit import history
from audit.models import ChangeRecord
from partners.enums import OrganisationKind
from tests.accounts.factories import UserFactory
from tests.accounts.pages import option_labels, page_text
from tests.partners.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
BASE_URL = "http://testserver/"

# Which roles each manager gives (issue 18, §3): everyone for an administrator; the SPIP's roles for its manager; the
# SIAE's roles for its director; nothing for anyone else.
GRANTS = {
    "ADMIN": set(Role),
    "SPIP_MANAGER_A": {Role.CPIP, Role.SPIP_MANAGER},
    "SIAE_DIRECTOR_A": {Role.SIAE_DIRECTOR, Role.SIAE_STAFF},
    "CPIP_A": set(), "SIAE_STAFF_A": set(), "DISP_STAFF_A": set(), "DREETS_STAFF_A": set(), "NATIONAL": set(),
}
# (manager, account) -> whether the manager manages it.
MANAGES = {
    ("ADMIN", "CPIP_A"): True, ("ADMIN", "SIAE_DIRECTOR_B"): True, ("ADMIN", "NATIONAL"): True,
    ("ADMIN", "ADMIN"): False,  # never their own account
    ("SPIP_MANAGER_A", "CPIP_A"): True, ("SPIP_MANAGER_A", "CPIP_B"): False,
    ("SPIP_MANAGER_A", "SIAE_STAFF_A"): False, ("SPIP_MANAGER_A", "SPIP_MANAGER_A"): False,
    ("SIAE_DIRECTOR_A", "SIAE_STAFF_A"): True, ("SIAE_DIRECTOR_A", "SIAE_STAFF_B"): False,
    ("SIAE_DIRECTOR_A", "CPIP_A"): False,
    ("CPIP_A", "CPIP_A"): False, ("DISP_STAFF_A", "CPIP_A"): False, ("NATIONAL", "CPIP_A"): False,
}


@pytest.mark.parametrize("manager", GRANTS)
def test_each_manager_gives_the_roles_of_their_organisation_only(personas, manager):
    assert set(permissions.grantable_roles(personas[manager])) == GRANTS[manager]
    assert permissions.can_manage_accounts(personas[manager]) == bool(GRANTS[manager])


@pytest.mark.parametrize(("manager", "account"), MANAGES)
def test_who_manages_whose_account(personas, manager, account):
    assert permissions.may_manage_account(personas[manager], personas[account]) == MANAGES[manager, account]


def test_an_spip_manager_does_not_manage_a_technical_account_of_their_spip(personas, scope_a):
    staff = UserFactory(role=Role.CPIP, organisation=scope_a.organisations["spip"], is_staff=True)

    assert not permissions.may_manage_account(personas["SPIP_MANAGER_A"], staff)


def create(by, **values):
    defaults = {"first_name": "Élodie", "last_name": "Le Gall-Durand", "email": "Elodie.LeGall@spip.invalid",
                "organisation": by.organisation, "role": Role.CPIP}
    return services.account_create(**{**defaults, **values}, by=by, base_url=BASE_URL)


def test_an_spip_manager_creates_a_counsellor_who_is_invited_and_it_is_in_the_history(personas, scope_a):
    manager = personas["SPIP_MANAGER_A"]

    account = create(manager)

    assert (account.username, account.email, account.role, account.organisation) == (
        "elodie.le-gall-durand", "elodie.legall@spip.invalid", Role.CPIP, scope_a.organisations["spip"])
    assert not account.has_usable_password() and account.is_active
    assert [message.to for message in mail.outbox] == [["elodie.legall@spip.invalid"]]
    assert "elodie.le-gall-durand" in mail.outbox[0].body
    [row] = history.rows_for(account, personas["ADMIN"])
    assert row.author == "spip_manager_a (SPIP_MANAGER)" and row.action == "Création"
    assert ("organisation", None, "SPIP Alpha") in row.lines
    assert "Élodie" not in str(row.lines) and "elodie" not in str(row.lines)  # no name, no address in the history


def test_a_taken_username_gets_a_number_and_a_chosen_one_is_kept(personas):
    first = create(personas["SPIP_MANAGER_A"])
    second = create(personas["SPIP_MANAGER_A"], email="autre@spip.invalid")
    chosen = create(personas["SPIP_MANAGER_A"], email="trois@spip.invalid", username="e.legall")

    assert (first.username, second.username, chosen.username) == (
        "elodie.le-gall-durand", "elodie.le-gall-durand2", "e.legall")


REFUSED = {
    "a role of the SIAE": ({"role": Role.SIAE_STAFF}, "role", services.ROLE_REFUSED),
    "another SPIP": ({"organisation": "spip_b"}, "organisation", services.ORGANISATION_REFUSED),
    "a taken address": ({"email": "cpip.a@spip.invalid"}, "email", services.EMAIL_TAKEN),
    "a taken username": ({"username": "CPIP_A"}, "username", services.USERNAME_TAKEN),
    "no last name": ({"last_name": "  "}, "last_name", "Ce champ est obligatoire."),
    "a formula as first name": ({"first_name": "=1+1"}, "first_name", "Un nom ne contient ni balise"),
    "a wrong address": ({"email": "elodie@"}, "email", "Saisissez une adresse de courriel valide."),
}


@pytest.mark.parametrize("case", REFUSED)
def test_refused_input_says_why_in_french_and_changes_nothing(personas, scope_b, case):
    values, field, message = REFUSED[case]
    if values.get("organisation") == "spip_b":
        values = {**values, "organisation": scope_b.organisations["spip"]}
    User.objects.filter(pk=personas["CPIP_A"].pk).update(email="cpip.a@spip.invalid")
    users, records = User.objects.count(), ChangeRecord.objects.count()

    with pytest.raises(ValidationError) as error:
        create(personas["SPIP_MANAGER_A"], **values)

    assert any(text.startswith(message) for text in error.value.message_dict[field]), error.value.message_dict
    assert (User.objects.count(), ChangeRecord.objects.count(), mail.outbox) == (users, records, [])


def test_an_administrator_attaches_a_role_to_an_organisation_of_its_kind_only(personas, scope_a):
    with pytest.raises(ValidationError) as error:
        create(personas["ADMIN"], role=Role.CPIP, organisation=scope_a.organisations["siae"])

    assert error.value.message_dict["organisation"] == [
        "Un compte « Conseiller·e pénitentiaire d'insertion et de probation (CPIP) » est rattaché à une organisation "
        "de type « Service pénitentiaire d'insertion et de probation (SPIP) »."]
    assert create(personas["ADMIN"], role=Role.NATIONAL, organisation=None).organisation is None


def test_a_counsellor_may_not_create_an_account(personas):
    with pytest.raises(PermissionDenied):
        create(personas["CPIP_A"])
    assert mail.outbox == []


def test_deactivation_needs_a_reason_ends_sign_in_and_is_in_the_history(personas):
    manager, account = personas["SPIP_MANAGER_A"], personas["CPIP_A"]
    with pytest.raises(ValidationError):
        services.account_set_active(account=account, active=False, reason=" ", by=manager)
    assert User.objects.get(pk=account.pk).is_active

    services.account_set_active(account=account, active=False, reason="Mutation dans un autre SPIP", by=manager)

    account.refresh_from_db()
    assert not account.is_active
    client = Client()
    client.force_login(account)
    assert client.get(reverse("accounts:home")).status_code == 302  # an inactive account's session opens nothing
    [row] = history.rows_for(account, manager)
    assert set(row.lines) == {("actif", "Oui", "Non"), ("Motif", None, "Mutation dans un autre SPIP")}

    services.account_set_active(account=account, active=True, reason="Retour dans le service", by=manager)
    assert User.objects.get(pk=account.pk).is_active


def test_the_second_factor_reset_removes_every_device_and_keeps_the_reason(personas):
    account = personas["SIAE_STAFF_A"]
    TOTPDevice.objects.create(user=account, name="Téléphone", confirmed=True)
    StaticDevice.objects.create(user=account, name="Codes de secours", confirmed=True)

    services.second_factor_reset(account=account, reason="Téléphone volé", by=personas["SIAE_DIRECTOR_A"])

    assert not TOTPDevice.objects.filter(user=account).exists()
    assert not StaticDevice.objects.filter(user=account).exists()
    [row] = history.rows_for(account, personas["ADMIN"])
    assert row.author == "siae_director_a (SIAE_DIRECTOR)"
    assert set(row.lines) == {("Double authentification", "configurée", "réinitialisée"),
                              ("Motif", None, "Téléphone volé")}


def test_an_siae_director_cannot_reset_a_counsellor(personas):
    with pytest.raises(PermissionDenied):
        services.second_factor_reset(account=personas["CPIP_A"], reason="x", by=personas["SIAE_DIRECTOR_A"])


# --- pages ---------------------------------------------------------------------------------------------------


def test_the_list_shows_a_manager_the_accounts_of_their_organisation_with_filters(client_as, personas, scope_a):
    UserFactory(username="ancien.cpip", role=Role.CPIP, organisation=scope_a.organisations["spip"], is_active=False)
    client = client_as("SPIP_MANAGER_A")

    everyone = page_text(client.get(reverse("accounts:account_list")))
    inactive = page_text(client.get(reverse("accounts:account_list"), {"active": "non"}))
    counsellors = page_text(client.get(reverse("accounts:account_list"), {"role": Role.CPIP}))

    assert {"cpip_a", "spip_manager_a", "ancien.cpip"} <= set(usernames(everyone))
    assert not {"cpip_b", "siae_staff_a"} & set(usernames(everyone))
    assert usernames(inactive) == ["ancien.cpip"]
    assert set(usernames(counsellors)) == {"cpip_a", "ancien.cpip"}
    assert "Désactivé" in inactive
    assert option_labels(client.get(reverse("accounts:account_create")), "role") == [
        "Choisir un rôle", "Conseiller·e pénitentiaire d'insertion et de probation (CPIP)", "Encadrement du SPIP"]


def usernames(text: str) -> list[str]:
    return re.findall(r"</a></td>\s*<td>([^<]+)</td>", text)


@pytest.mark.parametrize(("persona", "status"), [("CPIP_A", 403), ("DISP_STAFF_A", 403), ("NATIONAL", 403),
                                                  ("SIAE_DIRECTOR_A", 200), ("ADMIN", 200)])
def test_the_list_and_the_create_page_are_for_managers(client_as, persona, status):
    client = client_as(persona)

    assert client.get(reverse("accounts:account_list")).status_code == status
    assert client.get(reverse("accounts:account_create")).status_code == status


@pytest.mark.parametrize(("persona", "in_menu"), [("SPIP_MANAGER_A", True), ("SIAE_DIRECTOR_A", True),
                                                   ("ADMIN", True), ("CPIP_A", False), ("NATIONAL", False)])
def test_the_menu_offers_comptes_to_managers_under_partenaires(client_as, persona, in_menu):
    text = page_text(client_as(persona).get(reverse("accounts:home")))
    menu = text.split('aria-label="Menu principal"', 1)[1].split("</nav>", 1)[0]

    assert (f'href="{reverse("accounts:account_list")}">Comptes<' in menu) == in_menu


def test_the_create_form_refuses_in_french_and_keeps_what_was_typed(client_as, personas, scope_a):
    users = User.objects.count()
    response = client_as("SPIP_MANAGER_A").post(reverse("accounts:account_create"), {
        "first_name": "Inès", "last_name": "Morel", "email": "pas-une-adresse",
        "organisation": scope_a.organisations["spip"].pk, "role": Role.SIAE_DIRECTOR})

    text = page_text(response)
    assert response.status_code == 200 and User.objects.count() == users and mail.outbox == []
    assert "Saisissez une adresse de courriel valide." in text
    assert "Sélectionnez un choix valide" in text
    assert 'value="Morel"' in text


def test_the_account_page_resets_the_second_factor_with_a_reason(client_as, personas):
    client = client_as("ADMIN")
    account = personas["CPIP_A"]
    TOTPDevice.objects.create(user=account, name="Téléphone", confirmed=True)
    url = reverse("accounts:account_second_factor_reset", args=[account.pk])

    refused = client.post(url, {"reason": ""})
    assert "Ce champ est obligatoire." in page_text(refused) and TOTPDevice.objects.filter(user=account).exists()

    response = client.post(url, {"reason": "Téléphone perdu"}, follow=True)

    text = page_text(response)
    assert "La double authentification est réinitialisée" in text
    assert "Non activée" in text and "Téléphone perdu" in text
    assert not TOTPDevice.objects.filter(user=account).exists()


# --- home: an organisation that covers nothing yet --------------------------------------------------------------


def test_a_counsellor_of_a_spip_serving_no_establishment_reads_why_and_whom_to_ask(client, scope_a):
    new_spip = OrganisationFactory(kind=OrganisationKind.SPIP, name="SPIP du Nord", department=scope_a.establishment
                                   .department)
    UserFactory(first_name="Mathilde", last_name="Roux", email="m.roux@spip.invalid", role=Role.SPIP_MANAGER,
                organisation=new_spip)
    UserFactory(first_name="Alain", last_name="Admin", email="admin@iae.invalid", role=Role.ADMIN)
    counsellor = UserFactory(role=Role.CPIP, organisation=new_spip)
    client.force_login(counsellor)

    text = page_text(client.get(reverse("accounts:home")))

    assert "Pourquoi vos listes sont vides" in text
    assert "Votre SPIP, « SPIP du Nord », ne dessert encore aucun établissement" in text
    assert "Mathilde Roux (Encadrement du SPIP) — " in text and "m.roux@spip.invalid" in text
    assert "Alain Admin (Administrateur·rice)" in text and "admin@iae.invalid" in text


def test_a_user_who_sees_programmes_reads_no_such_explanation(client_as):
    assert "Pourquoi vos listes sont vides" not in page_text(client_as("CPIP_A").get(reverse("accounts:home")))


def test_the_list_reads_a_page_in_a_fixed_number_of_queries_and_badges_what_is_owed(client_as, scope_a,
                                                                                   django_assert_num_queries):
    spip = scope_a.organisations["spip"]
    for number in range(25):
        UserFactory(username=f"cpip.{number:02d}", role=Role.CPIP, organisation=spip)
    client = client_as("ADMIN")
    client.get(reverse("accounts:account_list"))  # the session and the menu's flags are read once

    # The session, the user, their OTP device; the organisation filtered on; the count; the page of accounts with
    # their organisation and whether their second factor is enrolled; the filter's organisations (the session is
    # not written, nor the site's DSFR settings read: each at most once a minute). Whatever the rows.
    with django_assert_num_queries(7):
        response = client.get(reverse("accounts:account_list"), {"organisation": spip.pk})

    text = page_text(response)
    assert "27 comptes" in text and "Page 1 sur 2" in text
    assert "Invitation envoyée" in text  # the factory's accounts have no password yet
    national = page_text(client.get(reverse("accounts:account_list"), {"role": Role.NATIONAL}))
    assert "Double authentification à activer" not in national and "Actif" in national  # figures only: not owed


def test_the_administrator_picks_the_organisation_among_those_of_its_kind(client_as, scope_a):
    text = page_text(client_as("ADMIN").get(reverse("accounts:account_create")))

    spips = re.search(r'<optgroup label="Service pénitentiaire d\'insertion et de probation \(SPIP\)">(.*?)</optgroup>',
                      text, re.S)
    assert spips and re.findall(r">([^<]+)</option>", spips.group(1)) == ["SPIP Alpha", "SPIP Bravo"]


EMPTY_SCOPES = {
    "an SIAE organisation bound to no SIAE": (Role.SIAE_STAFF, {"kind": OrganisationKind.SIAE},
                                              "n'est encore rattachée à aucune SIAE"),
    "an SIAE with no programme": (Role.SIAE_DIRECTOR, {"kind": OrganisationKind.SIAE, "siae": "new"},
                                  "ne porte encore aucun programme en détention"),
    "a registry bound to no establishment": (Role.ESTABLISHMENT_STAFF, {"kind": OrganisationKind.ESTABLISHMENT},
                                             "n'est encore rattachée à aucun établissement"),
    "a DDETS of a department without programme": (Role.DDETS_STAFF, {"kind": OrganisationKind.DDETS},
                                                  "Aucun programme n'est encore enregistré sur votre territoire."),
}


@pytest.mark.parametrize("case", EMPTY_SCOPES)
def test_each_empty_scope_says_why(client, scope_a, case):
    from programmes.models import Department
    from tests.programmes.factories import SiaeFactory

    role, organisation, reason = EMPTY_SCOPES[case]
    if organisation.get("siae") == "new":
        organisation = {**organisation, "siae": SiaeFactory(department_code="59")}
    user = UserFactory(role=role, organisation=OrganisationFactory(
        name="Nouvelle organisation", department=Department.objects.get(code="59"), **organisation))
    client.force_login(user)

    text = page_text(client.get(reverse("accounts:home")))

    assert "Pourquoi vos listes sont vides" in text and reason in text


def test_the_activation_page_deactivates_then_reactivates_with_a_confirmation(client_as, personas):
    client, account = client_as("SPIP_MANAGER_A"), personas["CPIP_A"]
    url = reverse("accounts:account_activation", args=[account.pk])
    assert "Désactiver le compte de CPIP_A Testeur (cpip_a)" in page_text(client.get(url))

    client.post(url, {"reason": "Congé long"})
    page = page_text(client.get(url))
    client.post(url, {"reason": "Retour de congé"})

    assert "Réactiver le compte de CPIP_A Testeur (cpip_a)" in page and ">Réactiver le compte</button>" in page
    assert User.objects.get(pk=account.pk).is_active
    assert [set(row.lines) for row in history.rows_for(account, personas["ADMIN"])] == [
        {("Motif", None, "Retour de congé"), ("actif", "Non", "Oui")},
        {("Motif", None, "Congé long"), ("actif", "Oui", "Non")}]
