from django.urls import path

from . import batch_views, report_views, views

app_name = "documents"

urlpatterns = [
    # --- Documents: list, request, status, download, retry (views.py) -------------------------------------
    path("", views.DocumentListView.as_view(), name="document_list"),
    path("programmes/<int:pk>/demander/<slug:kind>/", views.ProgrammeDocumentRequestView.as_view(),
         name="programme_document_request"),
    path("conventions/<int:pk>/demander/<slug:kind>/", views.ConventionDocumentRequestView.as_view(),
         name="convention_document_request"),
    path("parcours/<uuid:pk>/demander/<slug:kind>/", views.PathwayDocumentRequestView.as_view(),
         name="pathway_document_request"),
    # The programme activity report, asked for from the programme dashboard with its period (report_views.py).
    path("programmes/<str:code>/rapport-d-activite/", report_views.ActivityReportRequestView.as_view(),
         name="activity_report_request"),
    path("<uuid:pk>/", views.DocumentDetailView.as_view(), name="document_detail"),
    path("<uuid:pk>/telecharger/", views.DocumentDownloadView.as_view(), name="document_download"),
    path("<uuid:pk>/relancer/", views.DocumentRetryView.as_view(), name="document_retry"),
    # --- Batches: a session's charters and contracts in one ZIP (batch_views.py) --------------------------
    path("sessions/<int:pk>/lot/", batch_views.BatchCreateView.as_view(), name="batch_create"),
    path("lots/<uuid:pk>/", batch_views.BatchDetailView.as_view(), name="batch_detail"),
    path("lots/<uuid:pk>/telecharger/", batch_views.BatchDownloadView.as_view(), name="batch_download"),
]
