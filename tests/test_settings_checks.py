"""Settings that would run but misbehave are named by `casedesk check` (and `serve`), and
reading the settings creates nothing on disk."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from casedesk.core import checks
from tests.conftest import run_cli


def ids(messages) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.id for m in messages]


def test_it_refuses_a_pager_url_without_a_secret(settings):
    settings.CASEDESK_PAGER_URL = "https://pager.example.com/hook"
    settings.CASEDESK_PAGER_SECRET = ""
    (error,) = checks.pager_without_secret()
    assert error.id == "casedesk.E001"
    assert error.msg == (
        "CASEDESK_PAGER_URL is set (https://pager.example.com/hook) but CASEDESK_PAGER_SECRET "
        "is empty, so Severity 1 pages cannot be signed."
    )
    settings.CASEDESK_PAGER_SECRET = "s3cret"
    assert checks.pager_without_secret() == []
    settings.CASEDESK_PAGER_URL = ""
    settings.CASEDESK_PAGER_SECRET = ""
    assert checks.pager_without_secret() == []


@pytest.mark.parametrize("domain", ["", "  ", "support@example.com", "support example.com"])
def test_it_refuses_a_missing_mail_domain(settings, domain):
    settings.CASEDESK_MAIL_DOMAIN = domain
    assert ids(checks.mail_domain_missing()) == ["casedesk.E002"]


def test_a_mail_domain_passes(settings):
    settings.CASEDESK_MAIL_DOMAIN = "support.example.com"
    assert checks.mail_domain_missing() == []


def test_it_warns_of_an_unset_public_address_in_production(settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.delenv("CASEDESK_BASE_URL", raising=False)
    monkeypatch.delenv("CASEDESK_MAIL_DOMAIN", raising=False)
    warnings = checks.public_address_unset()
    assert ids(warnings) == ["casedesk.W002", "casedesk.W003"]
    assert warnings[0].msg == (
        "CASEDESK_BASE_URL is not set in production (DEBUG is off): links in mail and pager "
        f"payloads point to {settings.CASEDESK_BASE_URL}."
    )
    monkeypatch.setenv("CASEDESK_BASE_URL", "https://support.example.com")
    monkeypatch.setenv("CASEDESK_MAIL_DOMAIN", "support.example.com")
    assert checks.public_address_unset() == []


def test_it_says_nothing_of_the_public_address_while_debugging(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.delenv("CASEDESK_BASE_URL", raising=False)
    monkeypatch.delenv("CASEDESK_MAIL_DOMAIN", raising=False)
    assert checks.public_address_unset() == []


def test_check_deploy_names_the_unset_public_address(tmp_path):
    env = {"CASEDESK_HOME": str(tmp_path), "DEBUG": "false", "CASEDESK_BASE_URL": ""}
    result = run_cli("check", "--deploy", env=env)
    assert "(casedesk.W002) CASEDESK_BASE_URL is not set in production" in result.stderr
    quiet = run_cli("check", env=env)
    assert "casedesk.W002" not in quiet.stderr


def test_check_fails_on_a_pager_without_a_secret(tmp_path):
    env = {
        "CASEDESK_HOME": str(tmp_path),
        "CASEDESK_PAGER_URL": "https://pager.example.com/hook",
        "CASEDESK_PAGER_SECRET": "",
    }
    result = run_cli("check", env=env)
    assert result.returncode != 0
    assert "(casedesk.E001) CASEDESK_PAGER_URL is set" in result.stderr


def test_reading_the_settings_creates_no_folder_or_file(tmp_path):
    home = tmp_path / "home"
    code = "import casedesk.settings as s; print(s.HOME)"
    env = {**os.environ, "CASEDESK_HOME": str(home), "SECRET_KEY": ""}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(home)
    assert not home.exists()
