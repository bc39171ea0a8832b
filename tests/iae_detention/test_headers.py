"""S-6: security headers and cookies, on the login page and on a signed-in page; Clear-Site-Data on logout.

The development settings are the ones under test for the headers every environment sends (CSP, nosniff,
Referrer-Policy, X-Frame-Options, COOP, no-store). HSTS, the HTTPS redirect and the cookie attributes exist only
with the production settings: those are read from settings.py in a subprocess with a production environment
(test_deploy_settings.production_settings) and applied here, so these tests follow settings.py.
"""

from http.cookies import SimpleCookie

import pytest
from django.test import Client
from django.urls import reverse

from accounts.sessions import RENEWED_AT
from tests.iae_detention.test_deploy_settings import production_settings

LOGIN = reverse("accounts:login")
HOME = reverse("accounts:home")
LOGOUT = reverse("accounts:logout")
EXPECTED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_common_headers(response):
    csp = parse_csp(response["Content-Security-Policy"])
    assert csp == EXPECTED_CSP
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_login_page_headers():
    response = Client().get(LOGIN)

    assert response.status_code == 200
    assert_common_headers(response)


@pytest.mark.django_db
def test_signed_in_page_headers_and_no_store(client_as):
    response = client_as("CPIP_A").get(HOME)

    assert response.status_code == 200
    assert_common_headers(response)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(client_as):
    """What the policy would block, looked for in the HTML itself (the browser test checks the same live)."""
    body = client_as("CPIP_A").get(HOME).content.decode()

    assert "<style" not in body and " style=" not in body
    for tag in body.split("<script")[1:]:
        opening, _, rest = tag.partition(">")
        assert " src=" in opening, f"inline <script{opening}>"
        assert rest.startswith("</script>")
    assert '"includeIndicatorStyles": false' in body  # htmx would otherwise add a <style> at load


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    return production_settings(tmp_path_factory.mktemp("production"))


@pytest.fixture
def production_headers(production, settings):
    for name, value in production.items():
        if name not in {"DEBUG", "SILENCED_SYSTEM_CHECKS"}:
            setattr(settings, name, tuple(value) if isinstance(value, list) and name.endswith("HEADER") else value)
    settings.ALLOWED_HOSTS = [*production["ALLOWED_HOSTS"], "testserver"]
    return production


def cookie_attributes(response, name: str) -> dict:
    """The attributes of one cookie as the browser reads them in Set-Cookie (lowercase names)."""
    cookie = SimpleCookie()
    cookie.load(response.cookies[name].OutputString())
    morsel = cookie[name]
    return {key: morsel[key] for key in morsel.keys() if morsel[key]} | {"_raw": response.cookies[name].OutputString()}


@pytest.mark.django_db
def test_production_redirects_http_to_https_but_not_the_health_probes(production_headers):
    client = Client()

    plain = client.get(LOGIN)
    probe = client.get(reverse("healthz"))

    assert plain.status_code == 301 and plain["Location"] == f"https://testserver{LOGIN}"
    assert probe.status_code == 200


@pytest.mark.django_db
def test_production_hsts_and_csrf_cookie(production_headers):
    response = Client().get(LOGIN, secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert_common_headers(response)
    csrf = cookie_attributes(response, "__Host-csrftoken")
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    assert csrf["path"] == "/" and "domain" not in csrf  # what the __Host- prefix demands of the browser


@pytest.mark.django_db
def test_production_session_cookie(production_headers, client_as):
    client = client_as("CPIP_A")  # logged in with the production cookie name
    session = client.session
    session[RENEWED_AT] = 0  # the cookie is sent when the session is renewed (at most once a minute, issue 19)
    session.save()

    response = client.get(HOME, secure=True)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    session = cookie_attributes(response, "__Host-sessionid")
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert session["path"] == "/" and "domain" not in session
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_logout_clears_site_data(client_as):
    client = client_as("CPIP_A")

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert client.get(HOME).status_code == 302  # the session is over


@pytest.mark.django_db
def test_other_answers_do_not_clear_site_data(client_as):
    client = client_as("CPIP_A")

    assert "Clear-Site-Data" not in client.get(HOME)
    assert "Clear-Site-Data" not in client.get(LOGOUT)  # logout answers POST only (405)
    assert "Clear-Site-Data" not in Client().post(LOGIN, {"username": "x", "password": "y"})
