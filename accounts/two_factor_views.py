"""The second-factor pages: enrolment (QR code, first code, recovery codes shown once), the code after the password,
and new recovery codes. See accounts/two_factor.py."""

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from . import lockout, two_factor

CODES_SESSION_KEY = "two_factor_new_codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code à usage unique", max_length=32, strip=True,
        help_text="Les 6 chiffres affichés par votre application, ou un code de secours.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label="Mot de passe", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, request, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        lockout.refuse_if_locked(self.request.user.get_username())
        if not two_factor.confirm_password(self.request, self.cleaned_data["password"]):
            raise forms.ValidationError("Mot de passe incorrect.", code="invalid_password")
        return ""


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def setup(request):
    """Enrolment: scan the QR code (or type the key), then type the first code to confirm it. Replacing a confirmed
    device asks for the password first (two_factor.may_replace_device)."""
    if two_factor.is_enrolled(request.user) and not two_factor.is_verified(request):
        return redirect("accounts:two_factor_verify")
    if not two_factor.may_replace_device(request):
        return _confirm_password(request)
    device = two_factor.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_enrolment(request, device, "".join(form.cleaned_data["code"].split()))
        if codes is not None:
            request.session[CODES_SESSION_KEY] = codes
            messages.success(request, "La double authentification est activée pour votre compte.")
            return redirect(f"{_recovery_url()}?{urlencode({'next': _next_url(request)})}")
        form.add_error("code", "Ce code n'est pas valide : vérifiez l'heure de votre téléphone et saisissez le "
                               "code affiché maintenant (après une erreur, attendez quelques secondes).")
    uri = two_factor.totp_uri(device)
    return render(request, "accounts/two_factor_setup.html", {
        "title": "Activer la double authentification", "form": form, "next": _next_url(request),
        "qr_data_uri": segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
        "secret": _grouped(device.config_url.split("secret=")[1].split("&")[0]),
        "required": two_factor.requires_two_factor(request.user),
    })


def _confirm_password(request):
    form = PasswordForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect(f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': _next_url(request)})}")
    return render(request, "accounts/two_factor_password.html", {
        "title": "Changer d'application d'authentification", "form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
def verify(request):
    """The code after the password (or a recovery code)."""
    if two_factor.is_verified(request):
        return redirect(_next_url(request))
    if not two_factor.is_enrolled(request.user):
        return redirect("accounts:two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request, form.cleaned_data["code"]):
            if notice := two_factor.recovery_codes_notice(request.user):
                messages.warning(request, notice)
            return redirect(_next_url(request))
        form.add_error("code", "Code refusé : saisissez le code affiché maintenant par votre application (un code "
                               "déjà utilisé ne l'est pas deux fois), ou un code de secours. Après plusieurs "
                               "erreurs, il faut patienter un peu plus à chaque essai.")
    return render(request, "accounts/two_factor_verify.html", {
        "title": "Code à usage unique", "form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """Shows the codes just made (once), or makes new ones (POST): the old ones stop working."""
    if not two_factor.is_verified(request):
        return redirect("accounts:two_factor_verify")
    if request.method == "POST":
        request.session[CODES_SESSION_KEY] = two_factor.new_recovery_codes(request.user)
        messages.success(request, "Nouveaux codes de secours générés : les anciens ne fonctionnent plus.")
        return redirect(_recovery_url())
    codes = request.session.pop(CODES_SESSION_KEY, None)
    return render(request, "accounts/two_factor_recovery_codes.html", {
        "title": "Codes de secours", "codes": codes, "remaining": two_factor.remaining_recovery_codes(request.user),
        "next": _next_url(request),
    })


def _recovery_url() -> str:
    return reverse("accounts:two_factor_recovery_codes")


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
