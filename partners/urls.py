from django.urls import path

from . import views

app_name = "partners"
urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("nouvelle/", views.organisation_create, name="organisation_create"),
    path("<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("<int:pk>/modifier/", views.organisation_update, name="organisation_update"),
    path("<int:pk>/contacts/nouveau/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/modifier/", views.contact_update, name="contact_update"),
    path("programmes/<int:pk>/roles/nouveau/", views.role_create, name="role_create"),
    path("roles/<int:pk>/modifier/", views.role_update, name="role_update"),
    path("comites/", views.meeting_list, name="meeting_list"),
    path("programmes/<int:pk>/comites/nouveau/", views.meeting_create, name="meeting_create"),
    path("etablissements/<int:pk>/comites/nouveau/", views.meeting_create_establishment,
         name="meeting_create_establishment"),
    path("comites/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("comites/<int:pk>/modifier/", views.meeting_update, name="meeting_update"),
    path("comites/<int:pk>/decisions/nouvelle/", views.decision_create, name="decision_create"),
    path("decisions/<int:pk>/modifier/", views.decision_update, name="decision_update"),
    path("evenements/", views.event_list, name="event_list"),
    path("evenements/nouveau/", views.event_create, name="event_create"),
    path("evenements/<int:pk>/", views.event_detail, name="event_detail"),
    path("evenements/<int:pk>/modifier/", views.event_update, name="event_update"),
]
