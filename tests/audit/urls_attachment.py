"""A URL conf for one test: the project's URLs plus a page that sends a file and is missing from audit.registry."""

from django.http import HttpResponse
from django.urls import path

from iae_detention.urls import urlpatterns as project_urlpatterns


def unlisted_file(request):
    response = HttpResponse("a;b\n1;2\n", content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="essai.csv"'
    return response


urlpatterns = [path("essai-piece-jointe/", unlisted_file, name="essai_piece_jointe"), *project_urlpatterns]
