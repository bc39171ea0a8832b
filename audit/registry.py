"""Which pages write an access-log row: URL name -> what the row says.

A page listed with ``action`` writes one row per successful GET (2xx). A list page listed with ``export_param``
writes a row only when that query parameter asks for a file (``?format=csv``): showing the list is no export.
tests/audit/test_registry.py fails when a URL that exports or downloads (its name, or its view's code) is missing.
"""

from dataclasses import dataclass

from core.views import EXPORT_FORMATS

from .enums import AccessAction

LIST_FORMATS = EXPORT_FORMATS  # the lists of core.views.list_page and the caseload; dashboards.views has the same


@dataclass(frozen=True)
class Route:
    action: str | None  # the action of a plain GET; None: only its export is logged
    object_type: str = ""
    id_kwargs: tuple[str, ...] = ("pk",)  # URL arguments that make the object id (joined with "/")
    export_param: str | None = None  # the query parameter that turns the page into a file
    export_values: frozenset = LIST_FORMATS
    method: str = "GET"  # the method of the read (a form that answers a file on POST: "POST")
    attachment_only: bool = False  # logged only when the response is a file (not the form shown again)

    def object_id(self, kwargs: dict) -> str:
        return "/".join(str(kwargs[name]) for name in self.id_kwargs if kwargs.get(name) not in (None, ""))


def _list_export(object_type: str) -> Route:
    return Route(action=None, object_type=object_type, id_kwargs=(), export_param="format")


ROUTES: dict[str, Route] = {
    # Reads of one person's file.
    "participants:participant_detail": Route(AccessAction.PARTICIPANT_VIEW, "participant"),
    "participants:participant_update": Route(AccessAction.PARTICIPANT_VIEW, "participant"),  # the form shows it all
    "participants:pathway_detail": Route(AccessAction.PATHWAY_VIEW, "pathway"),
    # Documents.
    "documents:document_download": Route(AccessAction.DOCUMENT_DOWNLOAD, "document"),
    "documents:batch_download": Route(AccessAction.DOCUMENT_DOWNLOAD, "document_batch"),
    # The right of access (GDPR art. 15): a valid POST answers the JSON file of everything held on the person.
    "participants:participant_access_export": Route(AccessAction.RIGHT_OF_ACCESS_EXPORT, "participant",
                                                    method="POST", attachment_only=True),
    # Lists exported with ?format=csv|xlsx (core.views.list_page and the caseload).
    "participants:participant_list": _list_export("participant"),
    "participants:pathway_list": _list_export("pathway"),
    "programmes:establishment_list": _list_export("establishment"),
    "programmes:siae_list": _list_export("siae"),
    "programmes:programme_list": _list_export("programme"),
    "programmes:convention_list": _list_export("state_convention"),
    "programmes:funding_list": _list_export("funding_line"),
    "partners:organisation_list": _list_export("organisation"),
    "partners:meeting_list": _list_export("meeting"),
    "partners:event_list": _list_export("event"),
    # Dashboards: ?format=csv|xlsx&tableau=... (aggregates, logged all the same: an export is an export).
    "dashboards:national": Route(None, "dashboard", id_kwargs=("level",), export_param="format"),
    "dashboards:scope": Route(None, "dashboard", id_kwargs=("level", "key"), export_param="format"),
}


def is_attachment(response) -> bool:
    return response.get("Content-Disposition", "").startswith("attachment")


def action_for(view_name: str, method: str, query, response) -> tuple[Route, str, str] | None:
    """(route, action, detail) when this successful request is to be logged, else None."""
    route = ROUTES.get(view_name)
    if route is None or method != route.method or (route.attachment_only and not is_attachment(response)):
        return None
    if route.export_param:
        value = query.get(route.export_param, "")
        if value in route.export_values:
            return route, AccessAction.EXPORT, value
    if route.action:
        return route, route.action, ""
    return None
