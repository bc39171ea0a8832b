"""Access matrix entries for the import of pathway spreadsheets (see tests/accounts/test_scope_matrix.py).

The exact rule, written from issue 4: an import job is seen only by the person who uploaded it and by
administrators; everybody else gets 404, even a colleague of the same SPIP (the report holds the names of
the file). The matrix expects the same answer for every user of a role, so the job of scope A is uploaded by
the scope A CPIP and READERS says "CPIP and ADMIN": every other role gets 404 (scope B's CPIP gets 404 as an
outsider). That a second CPIP of the same SPIP gets 404 too is in tests/participants/test_import_pages.py.

Confirming needs a role that may import (ADMIN, CPIP, SPIP_MANAGER, SIAE_DIRECTOR); the matrix's job is still
being checked, so a confirmation goes back to the page (302) with a French message.
"""

from django.contrib.auth import get_user_model

from participants.models import ImportJob

KIND = "pathway_import"
FILE_NAME = "parcours-matrice.csv"

OBJECT_URLS = {
    "participants:import_detail": (KIND, "detail"),
    "participants:import_confirm": (KIND, "action"),
}

MAY_EDIT = {KIND: {"ADMIN", "CPIP", "SPIP_MANAGER", "SIAE_DIRECTOR"}}
READERS = {KIND: {"CPIP", "ADMIN"}}  # the uploader (scope A's CPIP) and administrators


def scope_a_object(scope_a, kind: str) -> ImportJob:
    uploader = get_user_model().objects.get(username="cpip_a")  # the CPIP_A persona (tests/accounts/personas.py)
    job, _ = ImportJob.objects.get_or_create(created_by=uploader, file_name=FILE_NAME,
                                             defaults={"file_path": "imports/matrice.csv"})
    return job


def shown_text(obj) -> str:
    return obj.file_name
