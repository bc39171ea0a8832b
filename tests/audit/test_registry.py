"""No export or download escapes the access log: every URL whose name or view says it sends a file is in
audit.registry, and an export chosen by a query parameter (?format=csv) is registered as such."""

import inspect

import pytest
from django.http import FileResponse
from django.test import override_settings
from django.urls import URLResolver, get_resolver, reverse

from audit.enums import AccessAction
from audit.models import AccessLog
from audit.registry import ROUTES

NAME_WORDS = ("export", "download", "telecharg")
FILE_MARKERS = ("table_response(", "FileResponse(", "as_attachment", "Content-Disposition")
QUERY_MARKERS = ('GET.get("format"', "GET.get('format'", "export=")  # export=: core.views.list_page's ?format=


def url_names(patterns=None, namespace=None, *, admin=False):
    """(view name, callback) of every named URL of the project, the admin left aside unless ``admin``."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin" and not admin:
                continue
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else (
                pattern.namespace or namespace)
            yield from url_names(pattern.url_patterns, inner, admin=admin)
        elif pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern.callback


def view_source(callback) -> str:
    """The code of the view: a function view (decorators unwrapped) with the functions of its own module it calls (so
    a helper that exports counts), or every class of a class-based view's MRO written in this project."""
    view_class = getattr(callback, "view_class", None)
    if view_class is None:
        function = inspect.unwrap(callback)
        helpers = [helper for name in function.__code__.co_names
                   if inspect.isfunction(helper := function.__globals__.get(name))
                   and helper.__module__ == function.__module__]
        return "\n".join(inspect.getsource(code) for code in [function, *helpers])
    return "\n".join(inspect.getsource(cls) for cls in view_class.__mro__
                     if not cls.__module__.startswith(("django.", "builtins")) and cls is not object)


def sends_files(name: str, callback) -> bool:
    source = view_source(callback)
    return any(word in name.split(":")[-1] for word in NAME_WORDS) or any(m in source for m in FILE_MARKERS)


def test_every_url_that_exports_or_downloads_is_in_the_registry():
    missing = sorted(name for name, callback in url_names() if sends_files(name, callback) and name not in ROUTES)
    assert missing == [], f"Add these pages to audit/registry.py ROUTES: {missing}"


def test_exports_chosen_by_a_query_parameter_are_registered_as_exports():
    by_parameter = sorted(name for name, callback in url_names()
                          if any(marker in view_source(callback) for marker in QUERY_MARKERS))
    assert "participants:participant_list" in by_parameter and "dashboards:scope" in by_parameter
    wrong = [name for name in by_parameter if ROUTES.get(name) is None or ROUTES[name].export_param != "format"]
    assert wrong == []


def test_the_registry_names_only_existing_urls():
    existing = {name for name, _callback in url_names(admin=True)}
    assert sorted(set(ROUTES) - existing) == []


def test_the_detector_sees_the_known_exports_and_downloads():
    """The meta-test above is only as good as this: it must recognise the project's own file views."""
    callbacks = dict(url_names())
    for name in ("participants:participant_list", "programmes:siae_list", "dashboards:scope", "dashboards:national",
                 "documents:document_download", "documents:batch_download"):
        assert sends_files(name, callbacks[name]), name
    assert not sends_files("participants:participant_detail", callbacks["participants:participant_detail"])

    def new_view(request):
        return FileResponse(open(__file__, "rb"), as_attachment=True)

    assert sends_files("app:nouvelle_page", new_view)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.audit.urls_attachment")
def test_a_file_sent_by_a_page_missing_from_the_registry_is_still_logged(client_as, personas):
    response = client_as("NATIONAL").get(reverse("essai_piece_jointe"), {"nom": "Dupont"})
    assert response.status_code == 200
    row = AccessLog.objects.get()
    assert (row.user, row.action, row.route, row.object_id, row.detail) == (
        personas["NATIONAL"], AccessAction.EXPORT, "essai_piece_jointe", "", "")


POST_MARKERS = ("posted(request)", "request.POST", 'request.method == "POST"')


def takes_a_form(callback) -> bool:
    return any(marker in view_source(callback) for marker in POST_MARKERS)


def test_a_registered_page_that_takes_a_form_is_logged_on_post_too():
    """A refused form is shown again on POST (and the conflict after a stale save, with every current value): a page
    logged when shown must be logged on POST as well."""
    callbacks = dict(url_names())
    forms = {name for name, route in ROUTES.items() if route.action and name in callbacks
             and takes_a_form(callbacks[name])}
    assert {"participants:participant_update", "participants:pathway_step", "participants:follow_up",
            "participants:session_decide"} <= forms  # the detector sees them
    assert sorted(name for name in forms if "POST" not in ROUTES[name].methods) == []
