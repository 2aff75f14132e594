"""CASEDESK_BASE_URL: read from the environment, checked, used without a trailing slash."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from casedesk.lib.env import env_url
from tests.conftest import run_cli


def test_it_reads_the_base_url_and_drops_a_trailing_slash(monkeypatch):
    monkeypatch.setenv("CASEDESK_BASE_URL", "https://support.example.com/desk/")
    assert env_url("CASEDESK_BASE_URL", "http://127.0.0.1:8000") == (
        "https://support.example.com/desk"
    )
    monkeypatch.delenv("CASEDESK_BASE_URL")
    assert env_url("CASEDESK_BASE_URL", "http://127.0.0.1:8000") == "http://127.0.0.1:8000"


@pytest.mark.parametrize("bad", ["support.example.com", "ftp://x.example", "https://"])
def test_it_refuses_a_base_url_that_is_not_an_absolute_http_url(monkeypatch, bad):
    monkeypatch.setenv("CASEDESK_BASE_URL", bad)
    with pytest.raises(ImproperlyConfigured, match="use an absolute URL such as https://"):
        env_url("CASEDESK_BASE_URL", "http://127.0.0.1:8000")


def test_the_cli_names_a_bad_base_url(tmp_path):
    result = run_cli(
        "check", env={"CASEDESK_HOME": str(tmp_path), "CASEDESK_BASE_URL": "support.example.com"}
    )
    assert result.returncode != 0
    assert "CASEDESK_BASE_URL='support.example.com'" in result.stderr
