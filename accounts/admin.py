from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

# django-otp's own admin pages show each user's TOTP key (and QR code) and the recovery codes: they are imported
# (so that they register first, whatever the order of INSTALLED_APPS) and replaced below by a page that shows
# whether a device is confirmed and resets a user's second factor (issue 14 item 11).
from django_otp.plugins.otp_static import admin as _otp_static_admin  # noqa: F401
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as _otp_totp_admin  # noqa: F401
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import permissions

from . import two_factor
from .models import AuthenticatorApp, LoginFailure, User
from .views import admin_login

# One way in (issue 14 item 2): the administration's login page (/gestion/login/, "admin:login") checks no password
# and sends to the application's login, with its lockout, second factor and logs.
admin.site.login = admin_login

RESET_LABEL = "Réinitialiser la double authentification (l'utilisateur la réactive à sa prochaine connexion)"


def _reset_users(model_admin, request, users) -> None:
    for user in users:
        two_factor.reset(user)
        model_admin.log_change(request, user, "Double authentification réinitialisée.")
    model_admin.message_user(request, f"Double authentification réinitialisée pour {len(users)} utilisateur(s) : "
                                      "ils la réactiveront à leur prochaine connexion.", messages.SUCCESS)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    actions = ["reset_two_factor"]
    readonly_fields = ["two_factor_state"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Rôle et organisation"), {"fields": ["role", "organisation"]}),
        (_("Double authentification"), {"fields": ["two_factor_state"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Rôle et organisation"), {"fields": ["role", "organisation"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        """Who reads what (role, organisation) and who administers (flags, groups, permissions) change only by an
        administrator (access.permissions.SCOPE_FIELDS), whatever permissions a staff account was given."""
        locked = permissions.locked_scope_fields(request.user, User)
        if locked:
            locked = (*locked, "is_staff", "is_superuser", "groups", "user_permissions")
        return [*super().get_readonly_fields(request, obj), *locked]

    @admin.display(description="État")
    def two_factor_state(self, user):
        if two_factor.is_enrolled(user):
            return "Activée"
        if TOTPDevice.objects.filter(user=user, confirmed=False).exists():
            return "En cours d'activation"
        return "Non activée"

    @admin.action(description=RESET_LABEL, permissions=["change"])
    def reset_two_factor(self, request, queryset):
        _reset_users(self, request, list(queryset))


admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(AuthenticatorApp)
class AuthenticatorAppAdmin(admin.ModelAdmin):
    """Users' authentication applications, read only and without their key: whether each is confirmed, and the
    reset (every device of the selected users deleted, recovery codes included)."""

    list_display = ["owner", "label", "state", "created", "last_used"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__last_name"]
    fields = list_display
    readonly_fields = list_display
    actions = ["reset_two_factor"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one device deleted would leave the recovery codes: reset instead
        return actions

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_reset_permission(self, request):
        return request.user.has_perm("accounts.change_user")

    @admin.display(description="Utilisateur", ordering="user__username")
    def owner(self, device):
        return device.user

    @admin.display(description="Nom", ordering="name")
    def label(self, device):
        return device.name

    @admin.display(description="Confirmé", boolean=True, ordering="confirmed")
    def state(self, device):
        return device.confirmed

    @admin.display(description="Créé le", ordering="created_at")
    def created(self, device):
        return device.created_at

    @admin.display(description="Dernière utilisation", ordering="last_used_at")
    def last_used(self, device):
        return device.last_used_at

    @admin.action(description=RESET_LABEL, permissions=["reset"])
    def reset_two_factor(self, request, queryset):
        _reset_users(self, request, list(User.objects.filter(pk__in=queryset.values("user"))))


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """The log of failed logins: read only."""

    list_display = ["at", "username", "ip"]
    search_fields = ["username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
