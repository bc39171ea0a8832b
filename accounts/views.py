from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse

from . import lockout, management_selectors, selectors


class LockoutAuthenticationForm(AuthenticationForm):
    """Refuses a locked account before checking its password (accounts.lockout)."""

    def clean(self):
        lockout.refuse_if_locked(self.cleaned_data.get("username"))
        return super().clean()


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    authentication_form = LockoutAuthenticationForm


@login_not_required
def admin_login(request):
    """The administration's own login page (/gestion/login/) checks no password: one way in, the application's
    login above (lockout, second factor, logs), then on to the administration page asked for. A signed-in user
    without the administration's rights gets 403 (the login page would send them back here: a loop)."""
    if request.user.is_authenticated and not admin.site.has_permission(request):
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


def home(request):
    context = selectors.home_for(user=request.user)
    # An organisation that covers nothing yet: why the lists are empty, and whom to ask (issue 18, §3).
    context["empty_scope"] = (management_selectors.empty_scope_for(request.user)
                              if not context["programme_count"] else None)
    return render(request, "accounts/home.html", context)
