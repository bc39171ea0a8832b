from django.urls import path

from . import batch_views, report_views, views
from .enums import SubjectType

app_name = "documents"

urlpatterns = [
    # --- Documents: list, request, status, download, retry (views.py) -------------------------------------
    path("", views.document_list, name="document_list"),
    path("programmes/<int:pk>/demander/<slug:kind>/", views.document_request,
         {"subject_type": SubjectType.PROGRAMME},
         name="programme_document_request"),
    path("conventions/<int:pk>/demander/<slug:kind>/", views.document_request,
         {"subject_type": SubjectType.CONVENTION},
         name="convention_document_request"),
    path("parcours/<uuid:pk>/demander/<slug:kind>/", views.document_request,
         {"subject_type": SubjectType.PATHWAY},
         name="pathway_document_request"),
    # The programme activity report, asked for from the programme dashboard with its period (report_views.py).
    path("programmes/<str:code>/rapport-d-activite/", report_views.activity_report_request,
         name="activity_report_request"),
    path("<uuid:pk>/", views.document_detail, name="document_detail"),
    path("<uuid:pk>/telecharger/", views.document_download, name="document_download"),
    path("<uuid:pk>/relancer/", views.document_retry, name="document_retry"),
    # --- Batches: a session's charters and contracts in one ZIP (batch_views.py) --------------------------
    path("sessions/<int:pk>/lot/", batch_views.batch_create, name="batch_create"),
    path("lots/<uuid:pk>/", batch_views.batch_detail, name="batch_detail"),
    path("lots/<uuid:pk>/telecharger/", batch_views.batch_download, name="batch_download"),
]
