"""S-6 on error pages (issue 14 item 12): a 404 and a 500 carry the same headers as other pages (CSP, nosniff,
X-Frame-Options, Referrer-Policy, COOP; no-store for a signed-in user), with DEBUG on (`make run`), off, and with the
production settings; static files are served without `Access-Control-Allow-Origin: *`. The probe's requests:
GET /nulle-part/ and a failing page under `make run` (DEBUG on) answered without Content-Security-Policy;
GET /static/css/app.css answered `Access-Control-Allow-Origin: *`."""

import pytest
from django.test import Client

from tests.iae_detention.test_headers import (  # noqa: F401 (fixtures)
    assert_common_headers,
    production,
    production_headers,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.iae_detention.error_urls")]
MISSING = "/nulle-part/"
FAILING = "/panne/"


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def signed_in(client_as) -> Client:
    client = client_as("CPIP_A")
    client.raise_request_exception = False
    return client


def test_not_found_for_an_anonymous_visitor(debug):
    response = Client().get(MISSING)

    assert response.status_code == 404
    assert_common_headers(response)


def test_not_found_and_server_error_for_a_signed_in_user(debug, client_as):
    client = signed_in(client_as)

    for url, status in ((MISSING, 404), (FAILING, 500)):
        response = client.get(url)
        assert response.status_code == status
        assert_common_headers(response)
        assert "no-store" in response["Cache-Control"]


@pytest.mark.usefixtures("production_headers")
def test_error_pages_with_the_production_settings(settings, client_as):
    settings.DEBUG = False
    client = signed_in(client_as)

    for url, status in ((MISSING, 404), (FAILING, 500)):
        response = client.get(url, secure=True)
        assert response.status_code == status
        assert_common_headers(response)
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert "no-store" in response["Cache-Control"]
    anonymous = Client().get(MISSING, secure=True)
    assert anonymous.status_code == 404
    assert_common_headers(anonymous)


def test_the_server_error_page_shows_no_traceback(client_as):
    response = signed_in(client_as).get(FAILING)

    assert response.status_code == 500
    assert "panne simulée" not in response.content.decode() and "Traceback" not in response.content.decode()


@pytest.fixture
def static_served(settings):
    """WhiteNoise reads the files from the finders, as under `make run` (its middleware starts with each Client)."""
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True


def test_static_files_are_not_open_to_every_origin(static_served):
    response = Client().get("/static/css/app.css", HTTP_ORIGIN="https://ailleurs.example")

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    assert response["X-Content-Type-Options"] == "nosniff"
