from django.contrib import admin
from django.urls import include, path

from . import health, privacy

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("confidentialite/", privacy.privacy_notice, name="privacy"),
    path("gestion/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("programmes.urls")),
    path("organisations/", include("partners.urls")),
    path("participants/", include("participants.urls")),
    path("documents/", include("documents.urls")),
    path("tableaux-de-bord/", include("dashboards.urls")),
    path("compte/alertes-par-courriel/", include("notifications.urls")),
]
