"""S-11: a POST without a CSRF token is refused (403) on every URL of the site, and writes nothing.

The URL resolver is walked (every pattern, the admin site included); each pattern gets a concrete URL: the objects
of scope A for the pages with an id (the access matrix's own helpers), real primary keys for the admin's object
pages, a sample value elsewhere. A signed-in superuser (who may do everything) posts with the browser's CSRF
cookie but without the token, as a forged cross-site form would. Row counts of every table are compared.
"""

import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from accounts.enums import Role
from tests.accounts.factories import UserFactory
from tests.accounts.test_scope_matrix import NOT_SCOPED, OBJECT_URLS, object_url, scope_a_object

ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")
SAMPLES = {"int": "1", "path": "1", "str": "x", "slug": "x", "uuid": "00000000-0000-0000-0000-000000000001"}
# Views allowed to skip the CSRF check (none: every form of the site carries the token).
CSRF_EXEMPT_ALLOWED: set[str] = set()


def patterns(node=None, namespace="", pieces=()):
    """(name, [pattern pieces from the root], callback) for every URL pattern, through includes."""
    node = node or get_resolver()
    for pattern in node.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from patterns(pattern, inner, (*pieces, pattern.pattern))
        else:
            yield f"{namespace}{pattern.name}", (*pieces, pattern.pattern), pattern.callback


def first_pk(model_label: str) -> str:
    app_label, model_name = model_label
    model = apps.get_model(app_label, model_name)
    obj = model._base_manager.order_by("pk").first()
    return str(obj.pk) if obj else "1"


def sample_value(name: str, converter: str | None, admin_model) -> str:
    if name == "object_id" and admin_model:
        return first_pk(admin_model)
    if name == "content_type_id":
        return "1"
    return SAMPLES.get(converter or "str", "x")


def admin_model_of(url_name: str):
    """("participants", "participant") for "admin:participants_participant_change", else None."""
    if not url_name.startswith("admin:"):
        return None
    for model in apps.get_models():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if url_name.startswith(prefix):
            return model._meta.app_label, model._meta.model_name
    return None


def piece_text(piece, url_name: str) -> str:
    if isinstance(piece, RoutePattern):
        return ROUTE_PARAMETER.sub(lambda m: sample_value(m["name"], m["converter"], admin_model_of(url_name)),
                                   str(piece))
    assert isinstance(piece, RegexPattern)
    text = REGEX_GROUP.sub(lambda m: m["body"].split("|")[0] if re.fullmatch(r"[\w|]+", m["body"]) else "x",
                           piece.regex.pattern)
    return text.strip("^$").replace("\\.", ".")


def concrete_url(url_name: str, pieces) -> str:
    """A URL of a pattern that takes no object of the access matrix (those are built in their own test)."""
    if url_name in NOT_SCOPED:
        return reverse(url_name, args=["MQ", "abc-123"])
    return "/" + "".join(piece_text(piece, url_name) for piece in pieces)


# The URLs of the access matrix grouped by kind of object: one test per kind, with its own database (the matrix's
# builders may create the same rows for two kinds, as they run in separate tests there).
KINDS = sorted({kind for kind, _ in OBJECT_URLS.values()})
URLS_OF_KIND = {kind: sorted(name for name, (k, _) in OBJECT_URLS.items() if k == kind) for kind in KINDS}


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()
            if not model._meta.proxy and model._meta.managed}


@pytest.fixture
def superuser(db):
    return UserFactory(role=Role.ADMIN, is_superuser=True, is_staff=True)


def forging_client(user) -> Client:
    """Signed in, holding the CSRF cookie of a page it saw, but posting no token (as a cross-site form)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(reverse("accounts:home")).status_code == 200
    assert client.cookies.get("csrftoken") or client.cookies.get("__Host-csrftoken")
    return client


def test_no_view_is_csrf_exempt():
    exempt = {name for name, _, callback in patterns() if getattr(callback, "csrf_exempt", False)}

    assert exempt <= CSRF_EXEMPT_ALLOWED, f"views exempt from the CSRF check: {sorted(exempt)}"


def post_without_token(client, targets: list[tuple[str, str]]) -> None:
    before = row_counts()

    answers = {(name, url): client.post(url, {"name": "forged", "username": "x", "password": "y"}).status_code
               for name, url in targets}

    assert [key for key, status in answers.items() if status != 403] == []
    assert row_counts() == before
    assert client.get(reverse("accounts:home")).status_code == 200  # still signed in: nothing was done


def test_every_pattern_is_covered_below():
    every = [name for name, _, _ in patterns()]
    others = [name for name in every if name not in OBJECT_URLS]

    assert set(OBJECT_URLS) <= set(every)
    assert len(OBJECT_URLS) + len(others) == len(every) >= 250  # 293 patterns on 2026-11-27, the admin's included


def test_post_without_token_is_refused_on_every_url_without_a_matrix_object(db, superuser):
    client = forging_client(superuser)
    targets = []
    for url_name, pieces, _ in patterns():
        if url_name in OBJECT_URLS:
            continue
        url = concrete_url(url_name, pieces)
        assert url_name.endswith(":None") or resolve(url).view_name == url_name, (url_name, url)
        targets.append((url_name, url))

    post_without_token(client, targets)


@pytest.mark.parametrize("kind", KINDS)
def test_post_without_token_is_refused_on_the_urls_of_an_object(kind, scope_a, personas, superuser):
    obj = scope_a_object(scope_a, URLS_OF_KIND[kind][0])
    targets = [(name, object_url(name, obj.pk)) for name in URLS_OF_KIND[kind]]
    client = forging_client(superuser)

    post_without_token(client, targets)


def test_the_same_post_with_the_token_is_accepted(superuser):
    """The control: this client is refused for the missing token only (logout with the token works)."""
    client = forging_client(superuser)
    token = client.cookies["csrftoken"].value

    response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 302  # logged out
