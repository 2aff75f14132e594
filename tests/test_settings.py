from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

from tests.conftest import run_cli

# The HTTPS items a TLS-terminating reverse proxy provides (set CASEDESK_HTTPS=true behind one).
HTTPS_ITEMS = {"security.W004", "security.W008", "security.W012", "security.W016"}


def _deploy_warnings(env: dict[str, str]) -> set[str]:
    result = run_cli("check", "--deploy", env=env)
    return {
        word.strip(":()")
        for word in (result.stdout + result.stderr).split()
        if word.startswith("(security.")
    }


def test_production_settings_pass_check_deploy_apart_from_https(tmp_path):
    env = {"CASEDESK_HOME": str(tmp_path), "DEBUG": "false"}
    assert _deploy_warnings(env) <= HTTPS_ITEMS


def test_https_mode_passes_check_deploy_completely(tmp_path):
    env = {"CASEDESK_HOME": str(tmp_path), "CASEDESK_HTTPS": "true"}
    assert _deploy_warnings(env) == set()


def test_the_secret_key_is_generated_once_and_kept(tmp_path):
    env = {"CASEDESK_HOME": str(tmp_path), "SECRET_KEY": ""}
    os.environ.pop("SECRET_KEY", None)
    run_cli("check", env=env)
    first = (tmp_path / "secret_key").read_text()
    run_cli("check", env=env)
    assert (tmp_path / "secret_key").read_text() == first
    assert len(first) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_a_bad_boolean_setting_is_named(tmp_path):
    result = run_cli("check", env={"CASEDESK_HOME": str(tmp_path), "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "Unexpected value DEBUG='maybe': use true or false" in result.stderr


def test_sqlite_runs_in_wal_mode(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def _public_https(home, **extra: str) -> dict[str, str]:
    return {
        "CASEDESK_HOME": str(home),
        "DEBUG": "false",
        "CASEDESK_BASE_URL": "https://support.example.com",
        **extra,
    }


SECURE_COOKIES_WARNING = (
    "(casedesk.security.W001) casedesk is served at https://support.example.com but its "
    "session and CSRF cookies are not marked Secure"
)


def test_an_https_address_without_secure_cookies_warns(tmp_path):
    result = run_cli("check", env=_public_https(tmp_path))
    assert result.returncode == 0
    assert SECURE_COOKIES_WARNING in result.stderr
    assert "HINT: Set CASEDESK_HTTPS=true" in result.stderr


def test_no_cookie_warning_with_https_on_in_debug_or_on_plain_http(tmp_path):
    for extra in (
        {"CASEDESK_HTTPS": "true"},
        {"DEBUG": "true"},
        {"CASEDESK_BASE_URL": "http://127.0.0.1:8000"},
    ):
        result = run_cli("check", env=_public_https(tmp_path, **extra))
        assert "casedesk.security.W001" not in result.stdout + result.stderr, extra


def test_serve_shows_the_cookie_warning_at_start(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, **_public_https(tmp_path)}
    env.pop("DATABASE_URL", None)
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "casedesk.cli", "serve", "--no-migrate", "--workers", "1"]
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [*command, "--bind", f"127.0.0.1:{port}"], env=env, stdout=sink, stderr=sink
        )
        try:
            deadline = time.monotonic() + 30
            while SECURE_COOKIES_WARNING not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    assert SECURE_COOKIES_WARNING in log.read_text()
