"""S-5: the production settings pass Django's deployment checklist (`check --deploy --fail-level WARNING`).

settings.py reads the environment once, at import: each case runs `manage.py` in a subprocess with a stubbed
production environment (random secret key, a host name, SQLite in a temporary folder when DATABASE_URL is unset).
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Variables that change what is checked here, removed from the inherited environment: those of settings.py, and
# DJANGO_ALLOW_ASYNC_UNSAFE that the browser tests set in the test process (check --deploy refuses it: async.E001).
DEPLOY_VARIABLES = ("DJANGO_DEBUG", "DJANGO_SECURE_COOKIES", "DJANGO_SSL_REDIRECT", "DJANGO_SECURE_PROXY_SSL_HEADER",
                    "DJANGO_HSTS_SECONDS", "DJANGO_HSTS_PRELOAD", "DJANGO_ALLOWED_HOSTS", "DJANGO_SECRET_KEY",
                    "DJANGO_ALLOW_ASYNC_UNSAFE")
# The settings the header tests apply (tests/iae_detention/test_headers.py) and the ones checked below.
SECURITY_SETTINGS = (
    "DEBUG", "ALLOWED_HOSTS", "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS", "SILENCED_SYSTEM_CHECKS",
)
PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings; "
    f"print(json.dumps({{name: getattr(settings, name, None) for name in {SECURITY_SETTINGS!r}}}))"
)


def run_django(args: list[str], tmp_path: Path, production: bool = True, **extra: str):
    env = {key: value for key, value in os.environ.items() if key not in DEPLOY_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="iae_detention.settings", IAE_VAR_DIR=str(tmp_path / "var"),
               DJANGO_STATIC_ROOT=str(tmp_path / "static"), PYTHONPATH=str(ROOT))
    if production:
        env.update(DJANGO_ENV="production", DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
                   DJANGO_ALLOWED_HOSTS="iae-detention.example.org")
    else:
        env["DJANGO_ENV"] = "development"
    env.update(extra)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603


def check_deploy(tmp_path: Path, **extra: str):
    return run_django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **extra)


def settings_of(tmp_path: Path, production: bool = True, **extra: str) -> dict:
    result = run_django(["-c", PRINT_SETTINGS], tmp_path, production=production, **extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def production_settings(tmp_path: Path) -> dict:
    """The security settings as production reads them (for the header tests to apply with override_settings)."""
    return settings_of(tmp_path)


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = check_deploy(tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_check_deploy_fails_when_a_setting_is_weakened(tmp_path):
    """The control: the same command does fail on a warning (here no HTTPS redirect), so passing above means it."""
    result = check_deploy(tmp_path, DJANGO_SSL_REDIRECT="0")

    assert result.returncode == 1
    assert "security.W008" in result.stdout + result.stderr


def test_only_the_hsts_preload_warning_is_silenced_and_preload_turns_it_back_on(tmp_path):
    production = settings_of(tmp_path)
    with_preload = settings_of(tmp_path, DJANGO_HSTS_PRELOAD="1")

    assert [name for name in production["SILENCED_SYSTEM_CHECKS"] if name.startswith("security.")] == [
        "security.W021"]
    assert "security.W021" not in with_preload["SILENCED_SYSTEM_CHECKS"]
    assert with_preload["SECURE_HSTS_PRELOAD"] is True
    assert check_deploy(tmp_path, DJANGO_HSTS_PRELOAD="1").returncode == 0


def test_production_settings_values(tmp_path):
    production = settings_of(tmp_path)

    assert production["DEBUG"] is False
    assert production["ALLOWED_HOSTS"] == ["iae-detention.example.org"]
    assert production["SECURE_HSTS_SECONDS"] == 31_536_000 and production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is False
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_PROXY_SSL_HEADER"] is None  # trusted only when asked for (below)
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    for cookie in ("SESSION", "CSRF"):
        assert production[f"{cookie}_COOKIE_SECURE"] is True
        assert production[f"{cookie}_COOKIE_HTTPONLY"] is True
        assert production[f"{cookie}_COOKIE_SAMESITE"] == "Lax"
    assert production["SECURE_REFERRER_POLICY"] == "same-origin"
    assert production["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["X_FRAME_OPTIONS"] == "DENY"


def test_behind_a_proxy_that_redirects(tmp_path):
    behind_proxy = settings_of(tmp_path, DJANGO_SSL_REDIRECT="0", DJANGO_SECURE_PROXY_SSL_HEADER="1")

    assert behind_proxy["SECURE_SSL_REDIRECT"] is False
    assert behind_proxy["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_development_keeps_plain_cookie_names_and_no_hsts(tmp_path):
    development = settings_of(tmp_path, production=False)

    assert development["DEBUG"] is True
    assert development["SESSION_COOKIE_NAME"] == "sessionid" and development["CSRF_COOKIE_NAME"] == "csrftoken"
    assert development["SESSION_COOKIE_SECURE"] is False
    assert development["SECURE_SSL_REDIRECT"] is False and development["SECURE_HSTS_SECONDS"] == 0


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_django(["manage.py", "check"], tmp_path, DJANGO_SECRET_KEY="")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY doit être défini en production." in result.stderr


@pytest.mark.parametrize("name", ["DJANGO_SSL_REDIRECT", "DJANGO_SECURE_PROXY_SSL_HEADER", "DJANGO_HSTS_PRELOAD",
                                  "DJANGO_HSTS_SECONDS"])
def test_new_variables_are_documented_in_env_example(name):
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{name}="))

    assert lines[index - 1].startswith("# ")
