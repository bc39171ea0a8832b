"""Headless Chromium (Debian's, through Playwright's sync API) against pytest-django's live_server.

Without Chromium the browser tests are skipped on a developer's machine and fail under `make test`
(IAE_TEST_SERVICES=1). Each test gets the demo data, loaded with `load_demo` into the (transactional)
test database, then its own Chromium.

Why Playwright is started per test, after the database: its sync API leaves an asyncio loop running in
the main thread, and while a loop runs Django hands out *other* connection objects (asgiref's
thread-critical Local switches to context-local storage). pytest-django's per-test database setup and
flush would then use a connection without the serialized reference data, and the regions, departments
and DISP of the migrations would be gone after the first test. So the tests' database work (setup,
load_demo, lookups, flush) happens while no loop runs, and the test bodies do not use the ORM.
"""

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE_PATH = Path(settings.BASE_DIR, "node_modules", "axe-core", "axe.min.js")
SCREENSHOT_DIR = Path(settings.BASE_DIR, "var", "screenshots")
PAGE_TIMEOUT_MS = 15_000
# Password hashing is what makes load_demo slow (PBKDF2, about 0.6 s per hash and two per account);
# the demo is reloaded before each test, so these tests use a fast hasher: the login path is the same.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def services_required() -> bool:
    return os.environ.get("IAE_TEST_SERVICES") == "1"


def skip_or_fail(reason: str) -> None:
    if services_required():
        pytest.fail(f"{reason} (IAE_TEST_SERVICES=1: `make test` must provide it)", pytrace=False)
    pytest.skip(reason)


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


@pytest.fixture
def demo_site(chromium_executable, live_server, transactional_db, django_db_serialized_rollback, settings):
    """The live server, with the demo data loaded (the database is flushed after each test).

    serialized_rollback puts back the reference data of the migrations (regions, departments, DISP)
    that the flush removes, for load_demo and for the tests that run after these ones.
    """
    from programmes.models import Programme
    from tests.browser.signin import forget_codes

    settings.PASSWORD_HASHERS = FAST_HASHERS
    call_command("load_demo", verbosity=0)
    forget_codes()  # new devices: no code used yet
    paths = {programme.code: programme.get_absolute_url() for programme in Programme.objects.all()}
    return DemoSite(url=live_server.url.rstrip("/"), programme_paths=paths)


@pytest.fixture
def chromium(demo_site, chromium_executable):
    """A headless Chromium for one test, started once the test database is ready (see the module doc)."""
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
    """A page in a French browser context; requests leaving the live server are aborted and logged."""
    context = chromium.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900}
    )

    def keep_local(route):
        url = route.request.url
        if url.startswith((demo_site.url + "/", "data:")):
            route.continue_()
        else:
            page_log.outside_requests.append(url)
            route.abort()

    context.route(re.compile(r".*"), keep_local)
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
