from django.urls import path

from . import views

app_name = "programmes"
urlpatterns = [
    path("etablissements/", views.EstablishmentList.as_view(), name="establishment_list"),
    path("etablissements/nouveau/", views.EstablishmentCreate.as_view(), name="establishment_create"),
    path("etablissements/<int:pk>/", views.EstablishmentDetail.as_view(), name="establishment_detail"),
    path("etablissements/<int:pk>/modifier/", views.EstablishmentUpdate.as_view(), name="establishment_update"),
    path("siae/", views.SiaeList.as_view(), name="siae_list"),
    path("siae/nouvelle/", views.SiaeCreate.as_view(), name="siae_create"),
    path("siae/<int:pk>/", views.SiaeDetail.as_view(), name="siae_detail"),
    path("siae/<int:pk>/modifier/", views.SiaeUpdate.as_view(), name="siae_update"),
    path("programmes/", views.ProgrammeList.as_view(), name="programme_list"),
    path("programmes/nouveau/", views.ProgrammeCreate.as_view(), name="programme_create"),
    path("programmes/<int:pk>/", views.ProgrammeDetail.as_view(), name="programme_detail"),
    path("programmes/<int:pk>/modifier/", views.ProgrammeUpdate.as_view(), name="programme_update"),
]
