from django.urls import path

from . import access_views, contract_change_views, hours_views, import_views, pay_views, session_views, views

app_name = "participants"

urlpatterns = [
    # --- Caseload, participants, pathways, timeline, follow-ups (views.py) ---------------------------------
    path("", views.participant_list, name="participant_list"),
    path("nouveau/", views.participant_create, name="participant_create"),
    path("<uuid:pk>/", views.participant_detail, name="participant_detail"),
    path("<uuid:pk>/modifier/", views.participant_update, name="participant_update"),
    path("<uuid:pk>/droit-d-acces/", access_views.right_of_access, name="participant_access_export"),
    path("<uuid:pk>/candidature/", views.pathway_create, name="pathway_create"),
    path("parcours/", views.pathway_list, name="pathway_list"),
    path("parcours/<uuid:pk>/", views.pathway_detail, name="pathway_detail"),
    path("parcours/<uuid:pk>/etape/<slug:step>/", views.pathway_step, name="pathway_step"),
    path("parcours/<uuid:pk>/actions/nouvelle/", views.event_create, name="event_create"),
    path("actions/<int:pk>/supprimer/", views.event_delete, name="event_delete"),
    path("parcours/<uuid:pk>/suivi/<int:milestone>/", views.follow_up, name="follow_up"),
    # --- Pay that follows the SMIC: contracts to revalue, revaluations (pay_views.py) ------------------------
    path("revalorisations/", pay_views.pay_revaluations, name="pay_revaluations"),
    path("parcours/<uuid:pk>/revalorisation/", pay_views.pay_revalue, name="pay_revalue"),
    # --- Avenant changing the hours or the post; skills acquired (contract_change_views.py) ---------------------
    path("parcours/<uuid:pk>/avenant/", contract_change_views.contract_change, name="contract_change"),
    path("parcours/<uuid:pk>/competences/", contract_change_views.skills, name="pathway_skills"),
    # --- The month's hours sheet of a workshop (hours_views.py) -------------------------------------------------
    path("heures/", hours_views.hours_index, name="hours_index"),
    path("heures/<int:pk>/<int:year>/<int:month>/", hours_views.hours_sheet, name="hours_sheet"),
    path("heures/<int:pk>/<int:year>/<int:month>/valider/", hours_views.hours_validate, name="hours_validate"),
    path("heures/<int:pk>/<int:year>/<int:month>/export/", hours_views.hours_export, name="hours_export"),
    path("heures/<int:pk>/<int:year>/<int:month>/import/", hours_views.hours_import, name="hours_import"),
    # --- Recruitment sessions and their candidate board (session_views.py) -------------------------------
    path("sessions/", session_views.session_list, name="session_list"),
    path("sessions/nouvelle/", session_views.session_create, name="session_create"),
    path("sessions/<int:pk>/", session_views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/modifier/", session_views.session_update, name="session_update"),
    path("sessions/<int:pk>/candidats/", session_views.session_add_candidates, name="session_add_candidates"),
    path("sessions/<int:pk>/decisions/", session_views.session_decide, name="session_decide"),
    # --- Import of spreadsheets (import_views.py) ---------------------------------------------------------
    path("import/", import_views.import_upload, name="import_upload"),
    path("import/modele/", import_views.import_template, name="import_template"),
    path("import/<uuid:pk>/", import_views.import_detail, name="import_detail"),
    path("import/<uuid:pk>/confirmer/", import_views.import_confirm, name="import_confirm"),
]
