from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Traçabilité"

    def ready(self):
        from . import history, protection

        history.connect()
        protection.connect()
