"""The pieces `make resilience` and `make load` rely on (scripts/resilience, scripts/load): the sign-in helper
through the real forms (password, then the one-time code), its TOTP codes, the percentile, the hung listener,
and the backup script's URL handling and refusals. The scenarios themselves run in `make resilience`."""

import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django_otp.oath import TOTP

from accounts.enums import Role
from accounts.two_factor import demo_device
from tests.accounts.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "resilience"))

import backup  # noqa: E402
from client import LoginFailed, login, totp_code  # noqa: E402
from run import p95  # noqa: E402
from stack import HungListener, free_port  # noqa: E402

RFC_KEY = "3132333435363738393031323334353637383930"  # "12345678901234567890", RFC 6238 appendix B (SHA-1)
PASSWORD = "Un-mot-de-passe-assez-long-2026"


@pytest.mark.parametrize(("at", "code"), [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"),
                                          (2000000000, "279037")])
def test_totp_code_gives_the_rfc_6238_values(at, code):
    # RFC 6238 lists 8-digit codes 94287082, 07081804, 89005924, 69279037: the last 6 digits are the 6-digit codes.
    assert totp_code(RFC_KEY, at=at) == code


def test_totp_code_agrees_with_django_otp():
    totp = TOTP(bytes.fromhex(RFC_KEY), step=30, t0=0, digits=6)
    totp.time = 1_700_000_000
    assert totp_code(RFC_KEY, at=1_700_000_000) == f"{totp.token():06d}"


def test_p95_is_the_nearest_rank():
    assert p95(list(range(1, 21))) == 19  # 20 values: rank ceil(0.95 × 20) = 19
    assert p95([0.3] * 94 + [5.0] * 6) == 5.0  # 100 values: the 95th is among the slow ones
    assert p95([0.3] * 95 + [5.0] * 5) == 0.3


def test_hung_listener_accepts_and_never_answers():
    port = free_port()
    listener = HungListener(port)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            sock.settimeout(0.5)
            with pytest.raises(TimeoutError):
                sock.recv(1)
    finally:
        listener.close()


def test_backup_connection_reads_the_url_and_keeps_the_password_out_of_the_arguments():
    args, env = backup.connection("postgres://iae:p%40ss%3Aword@db.example:6543/iae")
    assert args == ["-h", "db.example", "-p", "6543", "-U", "iae", "-d", "iae"]
    assert env["PGPASSWORD"] == "p@ss:word"
    assert "p@ss:word" not in " ".join(args)
    assert backup.connection("postgres://iae@db/iae", database="postgres")[0][-1] == "postgres"


def test_backup_refuses_what_is_not_postgresql():
    with pytest.raises(SystemExit):
        backup.connection("sqlite:///var/db.sqlite3")


def test_make_restore_without_file_prints_its_usage():
    result = subprocess.run(["make", "-s", "--no-print-directory", "restore"], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 2
    assert "make restore FILE=" in result.stderr


def test_restore_refuses_a_missing_file(tmp_path, monkeypatch):
    monkeypatch.setenv("RESTORE_DATABASE_URL", "postgres://iae@127.0.0.1:1/iae_restauree")
    with pytest.raises(SystemExit, match="introuvable"):
        backup.restore(str(tmp_path / "absent.dump"), force=False)


@pytest.fixture
def cpip(db):
    from tests.accounts.personas import build_scope

    scope = build_scope("A")
    user = UserFactory(role=Role.CPIP, organisation=scope.organisations["spip"])
    user.set_password(PASSWORD)
    user.save()
    demo_device(user)
    return user


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_login_signs_in_through_the_password_and_the_code(live_server, cpip):
    session = requests.Session()
    login(session, live_server.url, cpip.username, PASSWORD, code_for=lambda _: totp_code(settings.DEMO_TOTP_KEY))
    home = session.get(f"{live_server.url}/participants/", allow_redirects=False)
    assert home.status_code == 200  # signed in and past the second factor: no redirection to /connexion/


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_login_reports_a_wrong_code(live_server, cpip):
    with pytest.raises(LoginFailed):
        login(requests.Session(), live_server.url, cpip.username, PASSWORD, code_for=lambda _: "000000")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_login_reports_a_wrong_password(live_server, cpip):
    with pytest.raises(LoginFailed):
        login(requests.Session(), live_server.url, cpip.username, "pas-le-bon-mot-de-passe",
              code_for=lambda _: totp_code(settings.DEMO_TOTP_KEY))
