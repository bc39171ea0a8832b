from django.urls import path

from . import access_views, import_views, session_views, views

app_name = "participants"

urlpatterns = [
    # --- Caseload, participants, pathways, timeline, follow-ups (views.py) ---------------------------------
    path("", views.ParticipantListView.as_view(), name="participant_list"),
    path("nouveau/", views.ParticipantCreateView.as_view(), name="participant_create"),
    path("<uuid:pk>/", views.ParticipantDetailView.as_view(), name="participant_detail"),
    path("<uuid:pk>/modifier/", views.ParticipantUpdateView.as_view(), name="participant_update"),
    path("<uuid:pk>/droit-d-acces/", access_views.right_of_access, name="participant_access_export"),
    path("<uuid:pk>/candidature/", views.PathwayCreateView.as_view(), name="pathway_create"),
    path("parcours/", views.PathwayListView.as_view(), name="pathway_list"),
    path("parcours/<uuid:pk>/", views.PathwayDetailView.as_view(), name="pathway_detail"),
    path("parcours/<uuid:pk>/etape/<slug:step>/", views.PathwayStepView.as_view(), name="pathway_step"),
    path("parcours/<uuid:pk>/actions/nouvelle/", views.EventCreateView.as_view(), name="event_create"),
    path("actions/<int:pk>/supprimer/", views.EventDeleteView.as_view(), name="event_delete"),
    path("parcours/<uuid:pk>/suivi/<int:milestone>/", views.FollowUpView.as_view(), name="follow_up"),
    # --- Recruitment sessions and their candidate board (session_views.py) -------------------------------
    path("sessions/", session_views.session_list, name="session_list"),
    path("sessions/nouvelle/", session_views.session_create, name="session_create"),
    path("sessions/<int:pk>/", session_views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/modifier/", session_views.session_update, name="session_update"),
    path("sessions/<int:pk>/candidats/", session_views.session_add_candidates, name="session_add_candidates"),
    path("sessions/<int:pk>/decisions/", session_views.session_decide, name="session_decide"),
    # --- Import of spreadsheets (import_views.py) ---------------------------------------------------------
    path("import/", import_views.import_upload, name="import_upload"),
    path("import/<uuid:pk>/", import_views.import_detail, name="import_detail"),
    path("import/<uuid:pk>/confirmer/", import_views.import_confirm, name="import_confirm"),
]
