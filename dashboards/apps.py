from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboards"
    verbose_name = "Tableaux de bord"

    def ready(self):
        # The monthly summaries follow every save and delete of the rows they count (dashboards.summaries).
        from . import summaries

        summaries.connect()
