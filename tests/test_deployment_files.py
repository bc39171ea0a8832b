"""Consistency of the deployment files with settings.py (plain file checks, no database)."""

import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_READ = re.compile(
    r"""(?:os\.environ\.get|os\.getenv|env_bool|env_list)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]"""
)
ENV_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=", re.MULTILINE)


def settings_variables() -> set[str]:
    text = (ROOT / "iae_detention" / "settings.py").read_text(encoding="utf-8")
    return {a or b for a, b in SETTINGS_READ.findall(text)}


def env_example_lines() -> list[str]:
    return (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()


def env_example_variables() -> set[str]:
    return set(ENV_ASSIGNMENT.findall("\n".join(env_example_lines())))


@pytest.fixture(scope="module")
def compose() -> dict:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict), "docker-compose.yml must be a mapping"
    return data


def environment_names(service: dict) -> set[str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return {item.split("=", 1)[0] for item in env}
    return set(env)


def test_settings_parser_finds_the_known_variables():
    found = settings_variables()
    assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_ENV", "DJANGO_DEBUG"} <= found
    assert {"DJANGO_ALLOWED_HOSTS", "PRIVATE_STORAGE_ROOT"} <= found


def test_compose_has_all_services(compose):
    assert {"web", "worker", "beat", "db", "redis"} <= set(compose.get("services", {}))


@pytest.mark.parametrize("name", ["db", "redis", "web"])
def test_compose_healthchecks(compose, name):
    healthcheck = compose["services"][name].get("healthcheck") or {}
    assert healthcheck.get("test"), f"{name} has no healthcheck test"


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_app_services_wait_for_healthy_db_and_redis(compose, name):
    depends_on = compose["services"][name].get("depends_on")
    assert isinstance(depends_on, dict), f"{name}: depends_on must use conditions"
    for dependency in ("db", "redis"):
        assert depends_on.get(dependency, {}).get("condition") == "service_healthy", (name, dependency)


def test_web_environment_is_read_by_settings(compose):
    web = compose["services"]["web"]
    names = environment_names(web)
    assert {"DJANGO_ENV", "DATABASE_URL", "REDIS_URL"} <= names
    assert web["environment"]["DJANGO_ENV"] == "production"
    unknown = names - settings_variables()
    assert not unknown, f"web environment not read by settings.py: {sorted(unknown)}"


def test_private_storage_is_a_named_volume(compose):
    web = compose["services"]["web"]
    root = web["environment"]["PRIVATE_STORAGE_ROOT"]
    mounts = {}
    for volume in web.get("volumes", []):
        source, _, target = volume.partition(":")
        mounts[target.split(":")[0]] = source
    assert mounts.get(root) in (compose.get("volumes") or {}), "PRIVATE_STORAGE_ROOT is not on a named volume"


def test_env_example_only_lists_settings_variables():
    extra = env_example_variables() - settings_variables()
    assert not extra, f".env.example variables not read by settings.py: {sorted(extra)}"


def test_env_example_lists_every_settings_variable():
    missing = settings_variables() - env_example_variables()
    assert not missing, f"settings.py variables missing from .env.example: {sorted(missing)}"


def test_env_example_variables_are_commented():
    lines = env_example_lines()
    for index, line in enumerate(lines):
        if ENV_ASSIGNMENT.match(line):
            assert index > 0 and lines[index - 1].startswith("#"), f"no comment above {line!r}"


def test_ci_run_calls_make_test():
    path = ROOT / ".ci" / "run"
    assert os.access(path, os.X_OK), ".ci/run must be executable"
    commands = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    assert any(re.match(r"make\s+test\b", line) for line in commands), ".ci/run does not run `make test`"
