"""« Comptes » (issue 18, §3): the accounts a manager reads and manages (access.permissions: administrators every
account, SPIP managers and SIAE directors those of their organisation), and the invitation's page where a new
account's holder chooses a password. Each page fetches through accounts.management_selectors (404 outside), checks
the right (403), validates a form and calls one service (accounts.services)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST, require_safe

from access import permissions
from core.views import crumb, form_page, one_page, posted, require_form_methods, save_form

from . import invitations, management_forms, management_selectors, services, two_factor

ACCOUNTS = crumb("Comptes", reverse_lazy("accounts:account_list"))
FORM = "programmes/form.html"


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


@require_safe
def account_list(request):
    permissions.require(permissions.can_manage_accounts(request.user),
                        "Votre rôle ne permet pas de gérer des comptes.")
    filter_form = management_forms.AccountFilterForm(request.GET or None, user=request.user)
    filter_form.is_valid()
    filters = {name: value for name, value in getattr(filter_form, "cleaned_data", {}).items() if value}
    accounts = management_selectors.account_list_for(user=request.user, **filters)
    template = ("accounts/management/includes/_account_results.html" if request.htmx
                else "accounts/management/account_list.html")
    page = one_page(request, accounts)
    page["object_list"] = list(page["object_list"])
    for account in page["object_list"]:  # the second factor owed by the accounts that read names (no query)
        account.second_factor_owed = not account.enrolled and two_factor.requires_two_factor(account)
    return render(request, template, {"filter_form": filter_form, "title": "Comptes", "can_create": True, **page})


@require_form_methods
def account_create(request):
    permissions.require(permissions.can_manage_accounts(request.user),
                        "Votre rôle ne permet pas de gérer des comptes.")
    form = management_forms.AccountForm(posted(request), user=request.user)
    if form.is_valid():
        account = save_form(request, form, lambda: services.account_create(
            **form.account_values(), by=request.user, base_url=_base_url(request)),
            message="Le compte est créé : l'invitation à choisir un mot de passe est envoyée.")
        if account:
            return redirect("accounts:account_detail", pk=account.pk)
    return form_page(request, FORM, form, title="Nouveau compte", parent=ACCOUNTS,
                     subtitle="Son ou sa titulaire reçoit par courriel un lien pour choisir son mot de passe, puis "
                              "active la double authentification à sa première connexion.")


@require_safe
def account_detail(request, pk):
    account, can_manage = management_selectors.get_account_for(request.user, pk)
    return render(request, "accounts/management/account_detail.html", {
        "object": account, "account": account, "can_manage": can_manage, "title": str(account),
        "breadcrumb_parent": ACCOUNTS, "breadcrumb_current": str(account),
        **management_selectors.account_page_for(user=request.user, account=account),
    })


def _reason_page(request, pk, *, title, submit_label, intro, save, message):
    account, can_manage = management_selectors.get_account_for(request.user, pk)
    permissions.require(can_manage, "Votre rôle ne permet pas de gérer ce compte.")
    form = management_forms.ReasonForm(posted(request), submit_label=submit_label)
    if form.is_valid() and save_form(request, form, lambda: save(account, form.cleaned_data["reason"]),
                                     message=message):
        return redirect("accounts:account_detail", pk=account.pk)
    detail_url = reverse("accounts:account_detail", args=[account.pk])
    return form_page(request, FORM, form, title=title % {"account": f"{account} ({account.username})"}, parent=ACCOUNTS,
                     cancel_url=detail_url, subtitle=intro)


@require_form_methods
def account_activation(request, pk):
    """Deactivate an active account, or reactivate a deactivated one: a confirmation with its reason."""
    account, _can_manage = management_selectors.get_account_for(request.user, pk)
    active = not account.is_active
    return _reason_page(
        request, pk, title="Réactiver le compte de %(account)s" if active else "Désactiver le compte de %(account)s",
        submit_label="Réactiver le compte" if active else "Désactiver le compte",
        intro=("Le compte pourra de nouveau se connecter." if active else
               "Le compte ne pourra plus se connecter ; ses sessions ouvertes se ferment à leur prochaine page. Rien "
               "de ce qu'il a saisi n'est effacé, et il peut être réactivé."),
        save=lambda account, reason: services.account_set_active(account=account, active=active, reason=reason,
                                                                  by=request.user),
        message="Le compte est réactivé." if active else "Le compte est désactivé.")


@require_form_methods
def account_second_factor_reset(request, pk):
    return _reason_page(
        request, pk, title="Réinitialiser la double authentification de %(account)s",
        submit_label="Réinitialiser la double authentification",
        intro="Pour un téléphone perdu ou changé : l'application d'authentification et les codes de secours du compte "
              "sont supprimés, et son ou sa titulaire en active une nouvelle à sa prochaine connexion.",
        save=lambda account, reason: services.second_factor_reset(account=account, reason=reason, by=request.user),
        message="La double authentification est réinitialisée : elle sera activée de nouveau à la prochaine "
                "connexion.")


@require_POST
def account_invitation_resend(request, pk):
    account, can_manage = management_selectors.get_account_for(request.user, pk)
    permissions.require(can_manage, "Votre rôle ne permet pas de gérer ce compte.")
    try:
        services.invitation_resend(account=account, by=request.user, base_url=_base_url(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Une nouvelle invitation est envoyée ; le lien précédent ne fonctionne plus.")
    return redirect("accounts:account_detail", pk=account.pk)


# --- The invitation's link (no account signed in) ----------------------------------------------------------


@method_decorator(login_not_required, name="dispatch")
class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """Django's password reset confirmation, with the invitation's token (accounts.invitations): the link works once,
    expires, and is refused for a deactivated account."""

    token_generator = invitations.invitation_token_generator
    template_name = "accounts/management/invitation_accept.html"
    success_url = reverse_lazy("accounts:invitation_done")

    def form_valid(self, form):
        self.request.session["invitation_username"] = self.user.get_username()
        with transaction.atomic():
            response = super().form_valid(form)
            services.invitation_accepted(account=self.user)
        return response


@login_not_required
@require_safe
def invitation_done(request):
    return render(request, "accounts/management/invitation_done.html", {
        "username": request.session.pop("invitation_username", "")})
