"""Which pages write an access-log row: URL name -> what the row says.

Every page that shows a participant's identity or pathway is listed (tests/audit/test_personal_pages.py crawls the
application and the administration with a canary in a person's name and écrou, and fails on a page that shows it
without a row). A listed page writes one row per successful answer (2xx) to one of its ``methods``: a form page also
on POST, since the form shown again (refused input, or the conflict after a stale save with every current value)
shows the person again; a valid POST redirects, and a refused access (403, 404) answers no 2xx: no row. A list page
with ``export_param`` writes an export row instead when that query parameter asks for a file (``?format=csv``);
a list with no ``action`` (no names on it) is logged only when exported.
tests/audit/test_registry.py fails when a URL that exports or downloads (its name, or its view's code) is missing.
"""

from dataclasses import dataclass

from core.views import EXPORT_FORMATS

from .enums import AccessAction

LIST_FORMATS = EXPORT_FORMATS  # the lists of core.views.list_page and the caseload; dashboards.views has the same


@dataclass(frozen=True)
class Route:
    action: str | None  # the action of the page shown; None: only its export is logged
    object_type: str = ""
    id_kwargs: tuple[str, ...] = ("pk",)  # URL arguments that make the object id (joined with "/")
    export_param: str | None = None  # the query parameter that turns the page into a file
    export_values: frozenset = LIST_FORMATS
    methods: tuple[str, ...] = ("GET",)  # the methods whose answer shows the data
    file_action: str | None = None  # the action when the answer is a file (the form shown again: ``action``)

    def object_id(self, kwargs: dict) -> str:
        return "/".join(str(kwargs[name]) for name in self.id_kwargs if kwargs.get(name) not in (None, ""))


def _list_export(object_type: str) -> Route:
    return Route(action=None, object_type=object_type, id_kwargs=(), export_param="format")


def _page(action: str, object_type: str, *, form: bool = False, **options) -> Route:
    """A page about one object; ``form``: also its POST, which shows the form again when it is refused."""
    return Route(action, object_type, methods=("GET", "POST") if form else ("GET",), **options)


def _admin(app_model: str, action: str, object_type: str, pages=("changelist", "change", "history")) -> dict:
    """The administration's pages of a model (read only): its list and search, one object, its history (whose title
    is the object's name)."""
    return {f"admin:{app_model}_{page}": Route(AccessAction.LIST_VIEW if page == "changelist" else action, object_type,
                                               id_kwargs=() if page == "changelist" else ("object_id",))
            for page in pages}


PARTICIPANT, PATHWAY = AccessAction.PARTICIPANT_VIEW, AccessAction.PATHWAY_VIEW

ROUTES: dict[str, Route] = {
    # One person's file, and the forms that show it (a pathway's forms: the pathway's id).
    "participants:participant_detail": _page(PARTICIPANT, "participant"),
    "participants:participant_update": _page(PARTICIPANT, "participant", form=True),
    "participants:pathway_create": _page(PARTICIPANT, "participant", form=True),
    "participants:pathway_detail": _page(PATHWAY, "pathway"),
    "participants:pathway_step": _page(PATHWAY, "pathway", form=True),
    "participants:pay_revalue": _page(PATHWAY, "pathway", form=True),
    "participants:contract_change": _page(PATHWAY, "pathway", form=True),
    "participants:pathway_skills": _page(PATHWAY, "pathway", form=True),
    "participants:event_create": _page(PATHWAY, "pathway", form=True),
    "participants:follow_up": _page(PATHWAY, "pathway", form=True),
    # The right of access (GDPR art. 15): the form shows the person; a valid POST answers the JSON file of everything
    # held on them.
    "participants:participant_access_export": _page(PARTICIPANT, "participant", form=True,
                                                    file_action=AccessAction.RIGHT_OF_ACCESS_EXPORT),
    # The lists of named people (the caseload's HTML carries the columns of its export), the session board (also
    # shown again by its refused actions), the import reports (the file's rows, by name and écrou).
    "participants:participant_list": Route(AccessAction.LIST_VIEW, "participant", id_kwargs=(), export_param="format"),
    "participants:pathway_list": Route(AccessAction.LIST_VIEW, "pathway", id_kwargs=(), export_param="format"),
    # The contracts to revalue (issue 15 §2); its POST ("Tout revaloriser") redirects, or is refused: no row then.
    "participants:pay_revaluations": Route(AccessAction.LIST_VIEW, "pathway", id_kwargs=(), methods=("GET", "POST")),
    "participants:session_detail": _page(AccessAction.SESSION_VIEW, "recruitment_session"),
    "participants:session_add_candidates": Route(AccessAction.SESSION_VIEW, "recruitment_session", methods=("POST",)),
    "participants:session_decide": Route(AccessAction.SESSION_VIEW, "recruitment_session", methods=("POST",)),
    "participants:import_detail": _page(AccessAction.IMPORT_VIEW, "import_job"),
    # The month's hours sheet of a workshop (issue 18 §2): every person of the month by name, also shown again by a
    # refused save; its file (CSV by default, ?format=csv|xlsx) is an export.
    "participants:hours_sheet": Route(AccessAction.LIST_VIEW, "hours_sheet", id_kwargs=("pk", "year", "month"),
                                      methods=("GET", "POST")),
    "participants:hours_export": Route(AccessAction.EXPORT, "hours_sheet", id_kwargs=("pk", "year", "month"),
                                       export_param="format"),
    # Documents: their titles name the person.
    "documents:document_list": Route(AccessAction.LIST_VIEW, "document", id_kwargs=()),
    "documents:document_detail": _page(AccessAction.DOCUMENT_VIEW, "document"),
    "documents:document_download": _page(AccessAction.DOCUMENT_DOWNLOAD, "document"),
    "documents:batch_detail": _page(AccessAction.DOCUMENT_VIEW, "document_batch"),
    "documents:batch_download": _page(AccessAction.DOCUMENT_DOWNLOAD, "document_batch"),
    # The administration (/gestion/), read only: participants and pathways (lists, searches, records, history),
    # the import jobs (their report), the change history (the values before and after).
    **_admin("participants_participant", PARTICIPANT, "participant"),
    **_admin("participants_pathway", PATHWAY, "pathway"),
    **_admin("participants_importjob", AccessAction.IMPORT_VIEW, "import_job", pages=["change"]),
    **_admin("audit_changerecord", AccessAction.HISTORY_VIEW, "change_record", pages=["change"]),
    # Lists with no names, exported with ?format=csv|xlsx (core.views.list_page).
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
    # The annual open-data release (national staff): its ZIP is an export, logged as one.
    "dashboards:release": Route(None, "release", id_kwargs=(), export_param="format",
                                export_values=frozenset({"zip"})),
    # The import's empty template (?format=csv|xlsx: the format's column names, no row): a file like any export.
    "participants:import_template": Route(None, "import_template", id_kwargs=(), export_param="format"),
}


def is_attachment(response) -> bool:
    return response.get("Content-Disposition", "").startswith("attachment")


def action_for(view_name: str, method: str, query, response) -> tuple[Route, str, str] | None:
    """(route, action, detail) when this successful request is to be logged, else None."""
    route = ROUTES.get(view_name)
    if route is None or method not in route.methods:
        return None
    if route.file_action and is_attachment(response):
        return route, route.file_action, ""
    if route.export_param:
        value = query.get(route.export_param, "")
        if value in route.export_values:
            return route, AccessAction.EXPORT, value
    if route.action:
        return route, route.action, ""
    return None
