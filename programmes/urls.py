from django.urls import path

from . import views

app_name = "programmes"
urlpatterns = [
    path("etablissements/", views.establishment_list, name="establishment_list"),
    path("etablissements/nouveau/", views.establishment_create, name="establishment_create"),
    path("etablissements/<int:pk>/", views.establishment_detail, name="establishment_detail"),
    path("etablissements/<int:pk>/modifier/", views.establishment_update, name="establishment_update"),
    path("siae/", views.siae_list, name="siae_list"),
    path("siae/nouvelle/", views.siae_create, name="siae_create"),
    path("siae/<int:pk>/", views.siae_detail, name="siae_detail"),
    path("siae/<int:pk>/modifier/", views.siae_update, name="siae_update"),
    path("siae/<int:pk>/logo/", views.siae_logo, name="siae_logo"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/nouveau/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/modifier/", views.programme_update, name="programme_update"),
    path("conventions/", views.convention_list, name="convention_list"),
    path("conventions/nouvelle/", views.convention_create, name="convention_create"),
    path("conventions/<int:pk>/", views.convention_detail, name="convention_detail"),
    path("conventions/<int:pk>/modifier/", views.convention_update, name="convention_update"),
    path("conventions/<int:pk>/valider/", views.convention_validate, name="convention_validate"),
    path("conventions/<int:pk>/annexes/nouvelle/", views.annex_create, name="annex_create"),
    path("annexes/<int:pk>/modifier/", views.annex_update, name="annex_update"),
    path("annexes/<int:pk>/valider/", views.annex_validate, name="annex_validate"),
    path("programmes/<int:pk>/contrats/nouveau/", views.contract_create, name="contract_create"),
    path("contrats/<int:pk>/modifier/", views.contract_update, name="contract_update"),
    path("programmes/<int:pk>/partenariats/nouveau/", views.partnership_create, name="partnership_create"),
    path("partenariats/<int:pk>/", views.partnership_detail, name="partnership_detail"),
    path("partenariats/<int:pk>/modifier/", views.partnership_update, name="partnership_update"),
    path("financements/", views.funding_list, name="funding_list"),
    path("programmes/<int:pk>/financements/nouveau/", views.funding_create, name="funding_create"),
    path("financements/<int:pk>/modifier/", views.funding_update, name="funding_update"),
]
