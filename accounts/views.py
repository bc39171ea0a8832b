from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone

from . import lockout, selectors


class LockoutAuthenticationForm(AuthenticationForm):
    """Refuses a locked account before checking its password (accounts.lockout)."""

    def clean(self):
        until = lockout.locked_until(self.cleaned_data.get("username"))
        if until is not None:
            raise ValidationError(
                "Trop d'essais infructueux : ce compte est bloqué jusqu'à %(time)s. Réessayez ensuite ou "
                "demandez à votre administrateur de vérifier votre compte.",
                code="locked", params={"time": timezone.localtime(until).strftime("%H h %M")},
            )
        return super().clean()


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    authentication_form = LockoutAuthenticationForm


def home(request):
    return render(request, "accounts/home.html", selectors.home_for(user=request.user))
