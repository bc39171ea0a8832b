"""Signing in through the real login form, over HTTP: the ONE place to adapt when the login changes.

Used by the resilience scenarios (requests.Session) and by the locust personas (locust's HttpSession is a
requests.Session too). Nothing here imports Django: the locust process must not load it.
"""

import hmac
import os
import re
import struct
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Names a second-factor form may give its code field (django-otp's OTPTokenForm uses otp_token).
CODE_INPUT = re.compile(r'<input[^>]*name="(otp_token|code|token)"')


class LoginFailed(RuntimeError):
    pass


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    if not match:
        raise LoginFailed("jeton CSRF introuvable dans le formulaire")
    return match.group(1)


def current_code(username: str, env: dict | None = None) -> str:
    """The user's current TOTP code, from `manage.py demo_code <username>` (the lead's command), run against the
    same database as the server (``env``: its DATABASE_URL...)."""
    result = subprocess.run([sys.executable, "manage.py", "demo_code", username], cwd=ROOT,  # noqa: S603
                            env=env or os.environ, capture_output=True, text=True, check=False)
    match = re.search(r"\b(\d{6,8})\b", result.stdout)
    if result.returncode or not match:
        raise LoginFailed(f"code de second facteur introuvable pour {username} (demo_code : {result.returncode})")
    return match.group(1)


def totp_code(key_hex: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 code (HMAC-SHA1, T0 = 0), what django-otp's TOTPDevice checks, for accounts whose key the test
    knows (the load accounts get the demo key). Each account signs in once per run: no replay refusal."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), "sha1").digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10 ** digits:0{digits}d}"


def login(session, base: str, username: str, password: str, code_for=current_code, timeout: float = 30) -> None:
    """Sign ``session`` in as ``username`` through /connexion/ (and the second-factor page when one follows).
    Raises LoginFailed when the user is not signed in at the end."""
    page = session.get(f"{base}/connexion/", timeout=timeout)
    answer = session.post(f"{base}/connexion/", timeout=timeout, headers={"Referer": f"{base}/connexion/"},
                          data={"csrfmiddlewaretoken": csrf_token(page.text), "username": username,
                                "password": password})
    code_field = CODE_INPUT.search(answer.text)
    if code_field and "/connexion/" in answer.url:  # the second factor (TOTP), once the lead's step exists
        answer = session.post(answer.url, timeout=timeout, headers={"Referer": answer.url},
                              data={"csrfmiddlewaretoken": csrf_token(answer.text),
                                    code_field.group(1): code_for(username)})
    if answer.status_code >= 400 or "/connexion/" in answer.url or 'name="password"' in answer.text:
        raise LoginFailed(f"connexion refusée pour {username} (HTTP {answer.status_code}, {answer.url})")


def post_form(session, url: str, page_url: str, data: dict | None = None, timeout: float = 30, **kwargs):
    """POST to ``url`` with the CSRF token of the page at ``page_url`` (the cookie token works for any form)."""
    token = session.cookies.get("csrftoken")
    if not token:
        token = csrf_token(session.get(page_url, timeout=timeout).text)
    return session.post(url, data={"csrfmiddlewaretoken": token, **(data or {})}, timeout=timeout,
                        headers={"Referer": page_url}, allow_redirects=False, **kwargs)
