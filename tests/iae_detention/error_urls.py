"""The project's URLs plus one view that fails, for the error page tests (tests/iae_detention/test_error_pages.py)."""

from django.urls import path

from iae_detention.urls import urlpatterns as project_urlpatterns


def fails(request):
    raise RuntimeError("panne simulée")


urlpatterns = [path("panne/", fails), *project_urlpatterns]
