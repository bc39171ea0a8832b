from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Comptes"

    def ready(self):
        from . import lockout, sessions  # noqa: F401 - connect the login receivers
