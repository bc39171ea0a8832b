from django.contrib.auth import views as auth_views
from django.shortcuts import render

from . import selectors


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def home(request):
    return render(request, "accounts/home.html", selectors.home_for(user=request.user))
