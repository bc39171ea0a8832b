from django.contrib.auth import views as auth_views
from django.contrib.auth.views import LogoutView
from django.urls import path, reverse_lazy

from . import management_views, two_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", LogoutView.as_view(), name="logout"),
    path("connexion/code/", two_factor_views.verify, name="two_factor_verify"),
    path("connexion/double-authentification/", two_factor_views.setup, name="two_factor_setup"),
    path("compte/codes-de-secours/", two_factor_views.recovery_codes, name="two_factor_recovery_codes"),
    # Password reset by email: a link valid PASSWORD_RESET_TIMEOUT seconds, used once; the same answer whether or
    # not the address belongs to an account.
    path("mot-de-passe-oublie/", auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset_form.html",
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done")), name="password_reset"),
    path("mot-de-passe-oublie/envoye/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html"), name="password_reset_done"),
    path("reinitialiser/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete")), name="password_reset_confirm"),
    path("reinitialiser/termine/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"), name="password_reset_complete"),
    # « Comptes » (issue 18, §3): the accounts a manager manages, and the invitation's one-time link.
    path("comptes/", management_views.account_list, name="account_list"),
    path("comptes/nouveau/", management_views.account_create, name="account_create"),
    path("comptes/<int:pk>/", management_views.account_detail, name="account_detail"),
    path("comptes/<int:pk>/activation/", management_views.account_activation, name="account_activation"),
    path("comptes/<int:pk>/double-authentification/", management_views.account_second_factor_reset,
         name="account_second_factor_reset"),
    path("comptes/<int:pk>/invitation/", management_views.account_invitation_resend,
         name="account_invitation_resend"),
    path("invitation/<uidb64>/<token>/", management_views.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("invitation/terminee/", management_views.invitation_done, name="invitation_done"),
]
