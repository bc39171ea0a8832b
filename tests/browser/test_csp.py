"""S-6 live: the Content Security Policy (no unsafe-inline, no unsafe-eval) blocks nothing on the main pages.

Three demo personas (a SPIP counsellor, an SIAE director, a DISP officer) and the administrator open their main
pages in Chromium; every "Refused to ..." console message and every securitypolicyviolation event is collected:
0 expected. htmx still works: typing in a list's search box fetches the results in place (no page load) and
pushes the URL, with htmx's eval and injected <style> turned off (templates/base.html). The control test shows
that the collector does see a violation when the page makes one.
"""

import re

import pytest
from playwright.sync_api import expect

from .signin import sign_in

pytestmark = [pytest.mark.browser]

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""
# Each persona's pages: a path, then (optionally) the first link of the results to follow to a detail page.
PAGES = {
    "cpip.meaux": ["/", "/participants/", ("/participants/", "#resultats tbody a"), "/participants/parcours/",
                   ("/participants/parcours/", "#resultats tbody a"), "/participants/sessions/",
                   ("/participants/sessions/", "main tbody a"), "/participants/import/", "/documents/",
                   "/participants/nouveau/"],
    "siae.ares": ["/", "/programmes/", ("/programmes/", "main tbody a"), "/siae/", "/conventions/",
                  ("/conventions/", "main tbody a"), "/organisations/comites/", "/documents/"],
    "disp.paris": ["/", "/tableaux-de-bord/", "/tableaux-de-bord/disp/DISP_PARIS/", "/etablissements/",
                   ("/etablissements/", "main tbody a"), "/organisations/evenements/"],
    "admin": ["/gestion/", "/gestion/programmes/programme/",
              ("/gestion/programmes/programme/", "#result_list tbody th a"), "/gestion/accounts/user/"],
}


class Violations:
    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        self.found: dict[str, list[str]] = {}
        page.on("console", self._on_console)

    def _on_console(self, message):
        if "Content Security Policy" in message.text or message.text.startswith("Refused to"):
            self.console.append(message.text)

    def collect(self, where: str) -> None:
        events = self.page.evaluate("() => window.__cspViolations || []")
        if events or self.console:
            self.found[where] = [*events, *self.console]
        self.console = []


def open_page(page, violations, base: str, target) -> None:
    path, follow = (target, None) if isinstance(target, str) else target
    response = page.goto(base + path)
    assert response is not None and response.status == 200, f"{path}: {response and response.status}"
    where = path
    if follow:
        link = page.locator(follow).first
        expect(link).to_be_visible()
        with page.expect_navigation():
            link.click()
        where = f"{path} → {page.url.removeprefix(base)}"
    page.wait_for_load_state("load")
    dsfr_started(page)
    violations.collect(where)


def dsfr_started(page) -> None:
    """DSFR's engine marks the page (data-fr-js) once started; its components start in the next animation frames.
    (The administration's pages have no DSFR script.)"""
    page.wait_for_function("() => !document.querySelector('script[src*=\"dsfr\"]') "
                           "|| document.documentElement.getAttribute('data-fr-js') === 'true'")
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def test_main_pages_of_each_persona_make_no_csp_violation(page, page_log, demo_site, sign_in_as, screenshot_dir):
    base = demo_site.url
    page.context.add_init_script(COLLECT_VIOLATIONS)
    violations = Violations(page)
    policy = page.goto(f"{base}/connexion/").headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy and "script-src 'self'" in policy

    js_errors = {}
    for number, (username, targets) in enumerate(PAGES.items()):
        page.context.clear_cookies()
        if number == 0:  # the sign-in pages, password and code, once
            sign_in(page, base, username)
        else:
            sign_in_as(page, username)
        expect(page.get_by_role("button", name="Se connecter")).to_have_count(0)
        violations.collect(f"{username}: connexion")
        if page_log.js_errors:  # the login and second-factor pages
            js_errors[f"{username} connexion"] = [*page_log.js_errors]
            page_log.js_errors.clear()
        for number, target in enumerate(targets):
            open_page(page, violations, base, target)
            if number in (0, 2):  # to look at: DSFR's styles and scripts all applied under the policy
                page.screenshot(path=screenshot_dir / f"csp-{username}-{number}.png")
            if page_log.js_errors:
                js_errors[f"{username} {target}"] = [*page_log.js_errors]
                page_log.js_errors.clear()

    assert violations.found == {}, violations.found
    assert js_errors == {}, js_errors


SEARCHES = [
    # templates/participants/includes/_participant_filters.html and includes/_filters.html with post=True: sent by
    # POST, so that a searched name stays out of the URL
    ("cpip.meaux", "/participants/", "Nom, prénom ou numéro d'écrou", False),
    ("cpip.meaux", "/participants/parcours/", "Nom, prénom ou numéro d'écrou", False),
    ("siae.ares", "/programmes/", "Rechercher", True),  # templates/includes/_filters.html
]


def test_htmx_search_as_you_type_still_works_under_the_policy(page, page_log, demo_site, sign_in_as):
    """The three searches, each with its user signed in afresh."""
    base = demo_site.url
    page.context.add_init_script(COLLECT_VIOLATIONS)
    violations = Violations(page)
    for username, path, label, in_url in SEARCHES:
        sign_in_as(page, username)
        page.goto(base + path)
        page.wait_for_load_state("load")
        before = page.locator("#resultats").inner_text()
        page.evaluate("() => { window.__samePage = true; }")  # gone if the browser loaded a new page
        assert page.evaluate("() => document.querySelectorAll('style').length") == 0  # htmx injected none

        page.get_by_label(label, exact=True).press_sequentially("zzqx", delay=30)

        expect(page.locator("#resultats")).not_to_have_text(before)  # swapped by htmx with the answer
        if in_url:
            expect(page).to_have_url(re.compile(r"[?&]q=zzqx"))  # pushed by htmx (hx-push-url)
        else:
            assert "zzqx" not in page.url, path
        assert page.evaluate("() => window.__samePage === true"), path
        violations.collect(path)
    assert violations.found == {}, violations.found
    assert page_log.js_errors == [], page_log.js_errors


def test_the_collector_sees_a_violation(page, demo_site):
    """The control: an inline style added by a script is refused and reported, so 0 above means 0."""
    page.context.add_init_script(COLLECT_VIOLATIONS)
    violations = Violations(page)
    page.goto(f"{demo_site.url}/connexion/")
    page.wait_for_load_state("load")

    page.evaluate("() => { const s = document.createElement('style'); s.textContent = 'body{}'; "
                  "document.head.appendChild(s); }")
    page.wait_for_timeout(300)
    violations.collect("control")

    assert any("style-src" in line for line in violations.found.get("control", [])), violations.found
