from django.urls import path, re_path

from . import views

app_name = "dashboards"

LEVELS = r"(?P<level>disp|region|department|establishment|siae|programme)"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("national/", views.dashboard, {"level": "national", "key": ""}, name="national"),
    path("national/indicateurs.json", views.indicators_json, {"level": "national", "key": ""},
         name="national_json"),
    path("national/diffusion/", views.release, name="release"),
    re_path(rf"^{LEVELS}/(?P<key>[^/]+)/$", views.dashboard, name="scope"),
    re_path(rf"^{LEVELS}/(?P<key>[^/]+)/indicateurs\.json$", views.indicators_json, name="scope_json"),
]
