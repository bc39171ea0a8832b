"""The invitation of a new account (issue 18, §3), through a real SMTP server (tests/smtp.py): the administrator
creates the account on its page, the mail arrives with a one-time link, the holder chooses a password there, then
the first sign-in leads to the second factor's enrolment. The link works once, expires, and a new invitation or a
deactivation ends it."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts import invitations, services
from accounts.enums import Role
from accounts.models import User
from audit import history
from tests.accounts.pages import page_text

pytestmark = pytest.mark.django_db
PASSWORD = "une phrase de passe assez longue"
ADDRESS = "nadia.benali@justice.invalid"
EXPIRED = "Lien d'invitation expiré ou déjà utilisé"


def invite(client_as, organisation) -> User:
    response = client_as("ADMIN").post(reverse("accounts:account_create"), {
        "first_name": "Nadia", "last_name": "Benali", "email": ADDRESS, "organisation": organisation.pk,
        "role": Role.CPIP})
    assert response.status_code == 302, page_text(response)
    return User.objects.get(email=ADDRESS)


def link_in(smtp_inbox, index=-1) -> str:
    text = smtp_inbox.text_of(smtp_inbox.to(ADDRESS)[index])
    return re.search(r"http://testserver(/invitation/\S+/)", text).group(1)


def choose(client, link, password=PASSWORD, confirmation=None):
    form_url = client.get(link, follow=True).redirect_chain[-1][0]  # the token swapped for the session, as Django does
    return client.post(form_url, {"new_password1": password, "new_password2": confirmation or password})


def test_the_invited_counsellor_chooses_a_password_once_then_enrols_the_second_factor(client_as, scope_a,
                                                                                      smtp_inbox):
    account = invite(client_as, scope_a.organisations["spip"])

    [message] = smtp_inbox.to(ADDRESS)
    text = smtp_inbox.text_of(message)
    assert message["Subject"].strip() == "IAE en détention : votre compte est prêt, choisissez votre mot de passe"
    assert "identifiant : nadia.benali" in text and "dans les 7 jours" in text and "SPIP Alpha" in text
    client = Client()
    response = choose(client, link_in(smtp_inbox))
    assert response.status_code == 302 and response.url == reverse("accounts:invitation_done")
    assert "votre identifiant <strong>nadia.benali</strong>" in page_text(client.get(response.url))
    account.refresh_from_db()
    assert account.check_password(PASSWORD)
    assert [row.author for row in history.rows_for(account, account)] == ["nadia.benali (CPIP)", "admin (ADMIN)"]

    assert EXPIRED in page_text(Client().get(link_in(smtp_inbox), follow=True))  # once only

    signed_in = client.post(reverse("accounts:login"), {"username": "nadia.benali", "password": PASSWORD})
    assert signed_in.status_code == 302
    first_page = client.get(reverse("accounts:home"))
    assert first_page.status_code == 302 and first_page.url.startswith(reverse("accounts:two_factor_setup"))


def test_a_short_password_is_refused_in_french_and_the_link_still_works(client_as, scope_a, smtp_inbox):
    account = invite(client_as, scope_a.organisations["spip"])
    client = Client()

    response = choose(client, link_in(smtp_inbox), "trop-court")

    assert "Ce mot de passe est trop court" in page_text(response)
    assert not User.objects.get(pk=account.pk).has_usable_password()
    assert choose(Client(), link_in(smtp_inbox)).status_code == 302


def test_the_link_expires(client_as, scope_a, smtp_inbox):
    invite(client_as, scope_a.organisations["spip"])
    link = link_in(smtp_inbox)

    with time_machine.travel(datetime.timedelta(seconds=invitations.lifetime_seconds() + 60)):
        late = page_text(Client().get(link, follow=True))

    assert EXPIRED in late
    assert "Bienvenue" in page_text(Client().get(link, follow=True))  # still valid before its end


def test_a_new_invitation_ends_the_former_link_and_a_deactivation_ends_any(client_as, personas, scope_a, smtp_inbox):
    account = invite(client_as, scope_a.organisations["spip"])
    former = link_in(smtp_inbox)

    resent = client_as("SPIP_MANAGER_A").post(reverse("accounts:account_invitation_resend", args=[account.pk]),
                                              follow=True)

    assert "Une nouvelle invitation est envoyée" in page_text(resent)
    assert len(smtp_inbox.to(ADDRESS)) == 2
    assert EXPIRED in page_text(Client().get(former, follow=True))
    services.account_set_active(account=account, active=False, reason="Erreur de saisie", by=personas["ADMIN"])
    assert EXPIRED in page_text(Client().get(link_in(smtp_inbox), follow=True))


def test_a_mail_server_that_refuses_leaves_no_account(client_as, scope_a, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    users = User.objects.count()

    response = client_as("ADMIN").post(reverse("accounts:account_create"), {
        "first_name": "Nadia", "last_name": "Benali", "email": ADDRESS,
        "organisation": scope_a.organisations["spip"].pk, "role": Role.CPIP})

    assert response.status_code == 200
    assert "L'invitation n'a pas pu être envoyée" in page_text(response)
    assert User.objects.count() == users
