"""Every URL that takes an id, for every persona, GET and POST: 404 outside the scope, 403 for a role that
may not edit, a redirect to the login page for anonymous visitors, 200 otherwise.

The expectations come from the small tables below (written from the issue on roles), never from
access.scope or access.permissions, so a change there that opens or closes access makes this fail.
"""

import html
import importlib
import types
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import transaction
from django.urls import NoReverseMatch, URLResolver, get_resolver, include, path, reverse
from django.urls.resolvers import RegexPattern

from tests.accounts import territories as shared
from tests.accounts.matrix_registry import MAY_CHANGE_SCOPE, SCOPE_RELATIONS
from tests.accounts.personas import PERSONAS, client_on
from tests.programmes.factories import EstablishmentFactory, SiaeFactory

pytestmark = pytest.mark.django_db

# The territories and personas built once for the module (tests/accounts/territories.py), not once per URL.
territories, scope_a, scope_b, personas = shared.territories, shared.scope_a, shared.scope_b, shared.personas

# Each tests/<app>/matrix_*.py module declares, for the URLs of its pages that take an id:
#   OBJECT_URLS = {url name: (kind of object, page)}  page: "detail" (GET only), "update" (GET shows a form,
#       POST saves; also for pages that create something under the object) or "action" (POST only: it
#       changes the object, then redirects)
#   MAY_EDIT = {kind: roles that open its "update" pages inside their scope}
#   def scope_a_object(scope_a, kind): the object of scope A the URL is built with
#   def shown_text(obj): a text its detail page shows
#   EXTRA_ARGS (optional) = {url name: [arguments after the id]}, e.g. a pathway step's slug
#   READERS (optional) = {kind: roles that may read it at all}: any other role gets 404 even inside its
#       territory, as if the object did not exist (nominative data is not read by territorial staff)
MATRIX_MODULES = [
    importlib.import_module(f"tests.{path.parent.name}.{path.stem}")
    for path in sorted(Path(__file__).resolve().parent.parent.glob("*/matrix_*.py"))
]
OBJECT_URLS = {name: entry for module in MATRIX_MODULES for name, entry in module.OBJECT_URLS.items()}
MAY_EDIT = {kind: roles for module in MATRIX_MODULES for kind, roles in module.MAY_EDIT.items()}
MODULE_OF_URL = {name: module for module in MATRIX_MODULES for name in module.OBJECT_URLS}
EXTRA_ARGS = {name: args for module in MATRIX_MODULES for name, args in getattr(module, "EXTRA_ARGS", {}).items()}
# ARGS_BEFORE_ID (optional) = {url name: [arguments before the id]}, e.g. a dashboard's level
ARGS_BEFORE_ID = {name: args for module in MATRIX_MODULES
                  for name, args in getattr(module, "ARGS_BEFORE_ID", {}).items()}
READERS = {kind: roles for module in MATRIX_MODULES for kind, roles in getattr(module, "READERS", {}).items()}
MISSING_ID = 987654321


def object_url(url_name: str, pk) -> str:
    return reverse(url_name, args=[*ARGS_BEFORE_ID.get(url_name, []), pk, *EXTRA_ARGS.get(url_name, [])])


def missing_object_url(url_name: str) -> str:
    """The same URL for an id that does not exist (a UUID for the pages of participants and documents)."""
    try:
        return object_url(url_name, MISSING_ID)
    except NoReverseMatch:
        return object_url(url_name, uuid.UUID(int=MISSING_ID))


def expected_status(persona, url_name: str, method: str) -> int:
    kind, page = OBJECT_URLS[url_name]
    if persona.role is None:
        return 302  # to the login page
    if page == "detail" and method == "post":
        return 405  # detail pages answer GET only, whatever the id: this reveals nothing
    if page == "action" and method == "get":
        return 405  # actions answer POST only, whatever the id
    if persona.scope == "B":
        return 404  # scope A's objects do not exist for scope B
    if kind in READERS and persona.role not in READERS[kind]:
        return 404  # a role that reads no such data: it does not exist for them either
    if page in {"update", "action"} and persona.role not in MAY_EDIT[kind]:
        return 403
    return 302 if page == "action" else 200


def scope_a_object(scope_a, url_name: str):
    return MODULE_OF_URL[url_name].scope_a_object(scope_a, OBJECT_URLS[url_name][0])


@pytest.mark.parametrize("url_name", list(OBJECT_URLS))
def test_object_url_answers_each_persona_as_the_table_says(url_name, scope_a, territories, subtests):
    """One object, then every persona × method as a subtest, each in a savepoint rolled back afterwards (an
    action done by one persona is undone before the next): every mismatch is reported, not only the first."""
    sessions = territories.sessions
    obj = scope_a_object(scope_a, url_name)
    url = object_url(url_name, obj.pk)
    for persona in PERSONAS:
        for method in ("get", "post"):
            with subtests.test(persona=persona.name, method=method), transaction.atomic():
                try:
                    check_answer(persona, sessions[persona.name], url_name, method, obj, url)
                finally:
                    transaction.set_rollback(True)


def check_answer(persona, session_key: str | None, url_name: str, method: str, obj, url: str) -> None:
    client = client_on(session_key)
    expected = expected_status(persona, url_name, method)

    response = getattr(client, method)(url)

    assert response.status_code == expected
    # A download answers a file (streamed), checked by its headers, not a page.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = "" if response.streaming else html.unescape(body.decode())
    if expected == 302 and persona.role is None:
        assert response.url == f"{reverse('accounts:login')}?next={quote(url)}"
    elif expected == 302:
        assert not response.url.startswith(reverse("accounts:login"))  # the action was done
    elif expected == 404:
        assert "Page introuvable" in text
        assert "ne fait pas partie de votre périmètre" in text
    elif expected == 403:
        assert "Accès refusé" in text
    elif expected == 405:
        assert method.upper() not in response["Allow"]
    elif method == "get" and response.streaming:  # a file to download
        assert response["Content-Disposition"].startswith("attachment; filename=") and body
    elif method == "get":
        assert MODULE_OF_URL[url_name].shown_text(obj) in text
    else:
        # an empty form is refused field by field, in French, and the object is left as it was
        assert "Ce champ est obligatoire." in text


@pytest.mark.parametrize("url_name", list(OBJECT_URLS))
def test_outsider_gets_the_same_answer_as_for_an_id_that_does_not_exist(url_name, scope_a, territories):
    client = client_on(territories.sessions["DISP_STAFF_B"])
    url = object_url(url_name, scope_a_object(scope_a, url_name).pk)
    missing = missing_object_url(url_name)

    send = client.post if OBJECT_URLS[url_name][1] == "action" else client.get  # actions answer POST only

    assert send(url).status_code == send(missing).status_code == 404


# --- relations that decide who reads names: only an administrator changes them ------------------------------


def scope_relation(organisation, field: str):
    if field == "served_establishments":
        return set(organisation.served_establishments.values_list("pk", flat=True))
    return getattr(type(organisation).objects.get(pk=organisation.pk), f"{field}_id")


def scope_relation_post(organisation, field: str) -> dict:
    """The organisation's form as it is, but for one more establishment served, or another SIAE or establishment
    (of the same department: the territorial roles see them)."""
    data = {"kind": organisation.kind, "name": organisation.name, "department": organisation.department_id or "",
            "region": organisation.region_id or "", "disp": organisation.disp_id or ""}
    if field == "served_establishments":
        return {**data, field: [*scope_relation(organisation, field), EstablishmentFactory(department_code="77").pk]}
    factory = SiaeFactory if field == "siae" else EstablishmentFactory
    return {**data, field: factory(department_code="77").pk}


def scope_relation_status(persona) -> int:
    if persona.role is None:
        return 302  # to the login page
    if persona.scope == "B":
        return 404
    if persona.role not in MAY_EDIT["organisation"]:
        return 403
    return 302  # saved: the other fields, and the relation only for an administrator


@pytest.mark.parametrize("field", list(SCOPE_RELATIONS))
def test_only_an_administrator_changes_a_relation_that_defines_a_scope(field, scope_a, territories, subtests):
    """The probe of issue 14: a DISP officer ticked an establishment for an SPIP, and its CPIP read the people
    there. Every persona posts the change; the relation moves only for an administrator."""
    sessions = territories.sessions
    organisation = scope_a.organisations[SCOPE_RELATIONS[field]]
    url = reverse("partners:organisation_update", args=[organisation.pk])
    before = scope_relation(organisation, field)
    for persona in PERSONAS:
        with subtests.test(persona=persona.name), transaction.atomic():
            try:
                response = client_on(sessions[persona.name]).post(url, scope_relation_post(organisation, field))

                assert response.status_code == scope_relation_status(persona)
                changed = scope_relation(organisation, field) != before
                assert changed == (persona.role in MAY_CHANGE_SCOPE)
            finally:
                transaction.set_rollback(True)


# --- the matrix covers every object URL -----------------------------------------------------------


def object_url_names(resolver) -> set[str]:
    """Names ("namespace:name") of every URL pattern with a converter or regex group, through includes.

    Django's admin site is left out: it is reached only by staff and checks its own permissions.
    """
    found = set()

    def has_parameters(pattern) -> bool:
        if isinstance(pattern.pattern, RegexPattern):
            return pattern.pattern.regex.groups > 0
        return bool(pattern.pattern.converters)

    def walk(node, namespace: str, parameters: bool):
        for pattern in node.url_patterns:
            with_parameters = parameters or has_parameters(pattern)
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern, prefix, with_parameters)
            elif with_parameters:
                found.add(f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>")

    walk(resolver, "", False)
    return found


# URLs with parameters that are not objects of a scope: reached without an account, protected otherwise.
NOT_SCOPED = {
    # a signed token valid 30 minutes and once (tests/accounts/test_password_reset.py)
    "accounts:password_reset_confirm",
    # an invitation's signed token, valid once (tests/accounts/test_management_invitations.py)
    "accounts:invitation_accept",
}


def test_every_url_with_an_id_is_in_the_access_matrix():
    found = object_url_names(get_resolver())

    missing = found - set(OBJECT_URLS) - NOT_SCOPED
    stale = (set(OBJECT_URLS) | NOT_SCOPED) - found
    assert not missing, f"URLs with an id missing from OBJECT_URLS (add them to the matrix): {sorted(missing)}"
    assert not stale, f"OBJECT_URLS lists URLs that no longer exist: {sorted(stale)}"


def _view(request, **kwargs):  # pragma: no cover - never called, only resolved
    raise AssertionError


def test_url_walker_finds_ids_inside_nested_includes_and_skips_the_admin():
    inner = types.SimpleNamespace(urlpatterns=[
        path("", _view, name="list"),
        path("<uuid:pk>/", _view, name="detail"),
        path("export/", _view, name="export"),
    ])
    outer = types.SimpleNamespace(urlpatterns=[
        path("dossiers/", include((inner.urlpatterns, "dossiers"))),
        path("<int:programme_pk>/", include((inner.urlpatterns[:1], "nested"))),
        path("gestion/", include(([path("<path:object_id>/", _view, name="change")], "admin"))),
    ])

    found = object_url_names(URLResolver(RegexPattern(r"^/"), outer))

    assert found == {"dossiers:detail", "nested:list"}
