from __future__ import annotations

import os

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
