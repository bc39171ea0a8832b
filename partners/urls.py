from django.urls import path

from . import views

app_name = "partners"
urlpatterns = [
    path("", views.OrganisationList.as_view(), name="organisation_list"),
    path("nouvelle/", views.OrganisationCreate.as_view(), name="organisation_create"),
    path("<int:pk>/", views.OrganisationDetail.as_view(), name="organisation_detail"),
    path("<int:pk>/modifier/", views.OrganisationUpdate.as_view(), name="organisation_update"),
]
