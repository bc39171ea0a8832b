"""Headless Chromium (Debian's, through Playwright's sync API) against a live server on the demo data.

Without Chromium the browser tests are skipped on a developer's machine and fail under `make test`
(IAE_TEST_SERVICES=1). The browser tests run as one group (one xdist worker): the demo is loaded once, committed,
for the whole package, with one live server; the database is put back as it was after the last one
(`demo_site`). So the journeys must not depend on each other's writes: each records people and annexes of its
own, and reads figures the others do not change.

The test bodies do not use the ORM: Playwright's sync API leaves an asyncio loop running in the main thread, and
while a loop runs Django hands out *other* connection objects (asgiref's thread-critical Local switches to
context-local storage), which would be left open. So what needs the database (the demo, the sessions of
`sign_in_as`, a newcomer's account) is done by fixtures that run before Chromium starts (`chromium` depends on
them, or they are listed before `page`).
"""

import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections

from tests.celery_worker import skip_or_fail
from tests.demo import load_committed

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",  # no request leaves the machine (see `page`)
]
AXE_PATH = Path(settings.BASE_DIR, "node_modules", "axe-core", "axe.min.js")
SCREENSHOT_DIR = Path(settings.BASE_DIR, "var", "screenshots")
PAGE_TIMEOUT_MS = 15_000



@pytest.fixture(scope="session")
def chromium_executable() -> str:
    if not (os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)):
        skip_or_fail(f"Chromium not found at {CHROMIUM_PATH} (set CHROMIUM_PATH, or apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_or_fail("the playwright Python package is not installed (pip install -e '.[dev]')")
    # Playwright's sync API runs an asyncio loop in this thread: without this, Django would refuse
    # any ORM call made while it runs as coming from an async context.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    return CHROMIUM_PATH


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_PATH.is_file():
        skip_or_fail(f"axe-core is not installed ({AXE_PATH} is missing: run `npm ci`)")
    return AXE_PATH.read_text(encoding="utf-8")


@dataclass(frozen=True)
class DemoSite:
    url: str  # the live server, without a trailing slash
    programme_paths: dict[str, str]  # programme code -> detail page path

    def programme_url(self, code: str) -> str:
        return self.url + self.programme_paths[code]


@pytest.fixture(scope="package")
def live_server(django_db_setup):
    """One live server for the package (pytest-django's is session-wide and makes each test that uses it
    transactional, so the database would be emptied after each test: see `_live_server_helper`). Its name is what
    tells pytest-django to create the test database for these tests."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    with static_files_cached():
        yield server
    server._live_server_modified_settings.disable()
    server.stop()


@contextmanager
def static_files_cached():
    """The live server's static files with a cache lifetime, as in production (whitenoise serves them under names
    with their digest, cached for a year: iae_detention/settings.py): without it Chromium asks again for DSFR's
    styles, scripts, fonts and icons on every page (15 requests a page, each a file served by the server's thread)."""
    from django.contrib.staticfiles import handlers

    original = handlers.StaticFilesHandlerMixin.serve

    def serve(self, request):
        response = original(self, request)
        # A year, as whitenoise gives: the server's Date is the tests' clock (tests/clock.py), weeks away from the
        # browser's, and a response older than its max-age would be asked for again.
        response["Cache-Control"] = "max-age=31536000, immutable"
        return response

    handlers.StaticFilesHandlerMixin.serve = serve
    try:
        yield
    finally:
        handlers.StaticFilesHandlerMixin.serve = original


@pytest.fixture(autouse=True)
def _live_server_helper():
    """Replaces pytest-django's, which would make every test of the package transactional (see `live_server`)."""
    yield


@pytest.fixture(scope="package")
def demo_site(chromium_executable, live_server, django_db_blocker):
    """The live server on the demo data, loaded once for the package and committed (the server's thread reads it
    through its own connection); afterwards the database is emptied and its reference data (regions, departments,
    DISP of the migrations) put back, as a transactional test with serialized rollback leaves it."""
    from programmes.models import Programme
    from tests.browser.signin import forget_codes

    # Database access stays open for the whole package: the live server's thread reads and writes it.
    with django_db_blocker.unblock():
        reference_data = reset_database()
        load_committed()  # from the process's snapshot of the demo when another module made it (tests/demo.py)
        paths = {programme.code: programme.get_absolute_url() for programme in Programme.objects.all()}
        forget_codes()  # new devices: no code used yet
        yield DemoSite(url=live_server.url.rstrip("/"), programme_paths=paths)
        reset_database(reference_data)


def reset_database(reference_data: str | None = None) -> str:
    """Empties the test database and loads the reference data back: `reference_data`, else the copy pytest-django
    made after the migrations for the tests with serialized rollback, else (no such test in this run, so no
    test has emptied the database yet) the database as it is now. Returns the copy it loaded."""
    connection = connections[DEFAULT_DB_ALIAS]
    reference_data = reference_data or getattr(connection, "_test_serialized_contents", None)
    if reference_data is None:
        return connection.creation.serialize_db_to_string()
    # Sequences kept where they are (as TransactionTestCase does): the reference data comes back with its own ids,
    # below them, and the tests after these can still insert.
    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True, reset_sequences=False)
    connection.creation.deserialize_db_from_string(reference_data)
    return reference_data


@pytest.fixture
def sign_in_as(demo_site, django_db_blocker):
    """sign_in_as(page, "cpip.meaux"): the page's browser holds a session of that demo account, password and second
    factor done, as after the sign-in forms (tested on their own in test_journeys.py and test_two_factor_journey.py).
    The sessions are made before Chromium starts (see the module doc), a new one for each account and test."""
    from django.conf import settings as django_settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from demo.programmes import ACCOUNTS

    cookies = {}
    # The demo accounts; a device of their own for those that must type a code (the demo's shared key).
    with django_db_blocker.unblock():
        for user in User.objects.filter(username__in=[account[0] for account in ACCOUNTS]):
            client = Client()
            client.force_login(user)  # the password step (tests/conftest.py leaves browser tests alone)
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is not None:
                session = client.session
                session[DEVICE_ID_SESSION_KEY] = device.persistent_id
                session.save()
            cookies[user.username] = client.cookies[django_settings.SESSION_COOKIE_NAME].value

    def sign_in(page, username: str) -> None:
        page.context.clear_cookies()
        page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookies[username],
                                   "url": demo_site.url + "/"}])
        page.goto(demo_site.url + "/")

    return sign_in


@pytest.fixture
def chromium(demo_site, sign_in_as, chromium_executable):
    """A headless Chromium for one test, started once the database work is done (see the module doc)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class PageLog:
    """What a page did besides what the test asked: requests leaving the live server, JavaScript errors."""

    outside_requests: list[str] = field(default_factory=list)
    js_errors: list[str] = field(default_factory=list)


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(demo_site, chromium, page_log):
    """A page in a French browser context; requests leaving the live server are logged, and fail: Chromium resolves
    no host name but localhost (CHROMIUM_ARGS). Not through Playwright's routing, which would turn the browser's
    cache off: every page would then fetch DSFR's styles, scripts, fonts and icons again (15 requests a page)."""
    context = chromium.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900}
    )

    def keep_local(request):
        if not request.url.startswith((demo_site.url + "/", "data:")):
            page_log.outside_requests.append(request.url)

    context.on("request", keep_local)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.on("pageerror", lambda error: page_log.js_errors.append(str(error)))
    yield page
    context.close()


def run_axe(page, axe_source: str) -> dict:
    """axe-core on the current page (WCAG 2.x A/AA rules and best practices).

    Returns its ``violations`` and ``incomplete`` (to review by hand) results, as lists of rule results.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: an inline <script> tag would be refused by the site's Content
        # Security Policy (no 'unsafe-inline'), which these tests keep on.
        page.evaluate(f"() => {{ {axe_source}\n }}")
    results = page.evaluate(
        """async () => {
            const r = await axe.run(document);
            return {violations: r.violations, incomplete: r.incomplete, passes: r.passes.length,
                    version: r.testEngine.version};
        }"""
    )
    assert results["passes"] > 0, f"axe-core {results['version']} checked nothing on {page.url}"
    return results


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} [{violation['helpUrl']}]")
        for node in violation["nodes"][:10]:
            lines.append(f"    target {json.dumps(node['target'])}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", " ")[:300])
    return "\n".join(lines)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
