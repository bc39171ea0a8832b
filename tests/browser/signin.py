"""Signing a demo account in through the pages, second factor included (accounts.two_factor).

The demo accounts that must use a second factor share settings.DEMO_TOTP_KEY; the code is computed here, without
the database (the test bodies do not use the ORM, see conftest.py). A code works once: when this step's code was
used already (the same account signing in twice within 30 seconds), the next step's code is typed, which the
site accepts too.
"""

import time

from django.conf import settings
from django_otp.oath import TOTP

STEP = 30
_used_steps: dict[str, int] = {}  # username -> last time step typed (cleared with each demo load)


def forget_codes() -> None:
    _used_steps.clear()


def demo_code(username: str) -> str:
    now = int(time.time()) // STEP
    step = max(now, _used_steps.get(username, -1) + 1)
    if step > now + 1:  # both this step's and the next one's were used: wait for the next step
        time.sleep(STEP - time.time() % STEP + 0.1)
        return demo_code(username)
    _used_steps[username] = step
    totp = TOTP(bytes.fromhex(settings.DEMO_TOTP_KEY), step=STEP)
    totp.time = step * STEP
    return f"{totp.token():06d}"


def sign_in(page, base_url: str, username: str, password: str | None = None) -> None:
    """The login form, then the code when the site asks for it."""
    page.goto(f"{base_url}/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password or settings.DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    pass_second_factor(page, username)


def pass_second_factor(page, username: str) -> None:
    if "/connexion/code/" not in page.url:
        return
    page.get_by_label("Code à usage unique").fill(demo_code(username))
    with page.expect_navigation():
        page.get_by_role("button", name="Valider").click()
