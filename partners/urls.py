from django.urls import path

from . import views

app_name = "partners"
urlpatterns = [
    path("", views.OrganisationList.as_view(), name="organisation_list"),
    path("nouvelle/", views.OrganisationCreate.as_view(), name="organisation_create"),
    path("<int:pk>/", views.OrganisationDetail.as_view(), name="organisation_detail"),
    path("<int:pk>/modifier/", views.OrganisationUpdate.as_view(), name="organisation_update"),
    path("<int:pk>/contacts/nouveau/", views.ContactCreate.as_view(), name="contact_create"),
    path("contacts/<int:pk>/modifier/", views.ContactUpdate.as_view(), name="contact_update"),
    path("programmes/<int:pk>/roles/nouveau/", views.PartnerRoleCreate.as_view(), name="role_create"),
    path("roles/<int:pk>/modifier/", views.PartnerRoleUpdate.as_view(), name="role_update"),
    path("comites/", views.MeetingList.as_view(), name="meeting_list"),
    path("programmes/<int:pk>/comites/nouveau/", views.MeetingCreate.as_view(), name="meeting_create"),
    path("etablissements/<int:pk>/comites/nouveau/", views.MeetingCreateForEstablishment.as_view(),
         name="meeting_create_establishment"),
    path("comites/<int:pk>/", views.MeetingDetail.as_view(), name="meeting_detail"),
    path("comites/<int:pk>/modifier/", views.MeetingUpdate.as_view(), name="meeting_update"),
    path("comites/<int:pk>/decisions/nouvelle/", views.DecisionCreate.as_view(), name="decision_create"),
    path("decisions/<int:pk>/modifier/", views.DecisionUpdate.as_view(), name="decision_update"),
    path("evenements/", views.EventList.as_view(), name="event_list"),
    path("evenements/nouveau/", views.EventCreate.as_view(), name="event_create"),
    path("evenements/<int:pk>/", views.EventDetail.as_view(), name="event_detail"),
    path("evenements/<int:pk>/modifier/", views.EventUpdate.as_view(), name="event_update"),
]
