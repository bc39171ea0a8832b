"""Access matrix entry for the programme activity report (see tests/accounts/test_scope_matrix.py).

Written from issue 6, section 2, not from access.permissions or dashboards.scopes: the report is asked for from
the programme's dashboard and holds no names, so every role that may open that dashboard asks for it, territorial
and national staff included (reading it afterwards follows the programme, as for the other programme documents).
Outside the scope: 404. The URL names the programme by its code, as the dashboard's URL does.

The request answers POST only; without a period it covers the last twelve months, and leads to the new document's
page (302).

Reading a stored report (issue 16, §4): the report is stored for one audience (documents.enums.Audience); its page,
its download and the list "Mes documents" show it only to the readers of that audience inside their scope.
AUDIENCE_READERS below are those rows, written from the issue: the internal report (exact figures) is read by the
State's agents who pilot the programme and by the programme's own readers; the diffusable version (protected
figures) by the same readers, who pass it on;
tests/documents/test_activity_report_access.py walks every persona through them.
"""

from types import SimpleNamespace

OBJECT_URLS = {"documents:activity_report_request": ("activity_report@programme", "action")}

ALL_ROLES = {"ADMIN", "NATIONAL", "CPIP", "SPIP_MANAGER", "SIAE_DIRECTOR", "SIAE_STAFF", "ESTABLISHMENT_STAFF",
             "DISP_STAFF", "DREETS_STAFF", "DDETS_STAFF"}
MAY_EDIT = {"activity_report@programme": ALL_ROLES}
READERS = {"activity_report@programme": ALL_ROLES}
AUDIENCE_READERS = {"INTERNAL": ALL_ROLES, "DIFFUSABLE": ALL_ROLES}


def scope_a_object(scope_a, kind: str):
    return SimpleNamespace(pk=scope_a.programme.code)  # the URL's argument is the code (ALPHA-1)


def shown_text(obj) -> str:  # pragma: no cover - an action has no page of its own
    return obj.pk
