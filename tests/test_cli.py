from __future__ import annotations

from casedesk.terms.document import default_terms_text
from tests.conftest import run_cli


def test_it_lists_the_commands_a_person_uses():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in (
        "demo",
        "serve",
        "worker",
        "smtpd",
        "terms check FILE",
        "sla deadline",
        "sla explain",
        "sla verify",
    ):
        assert command in result.stdout


def test_terms_check_accepts_the_default_file(tmp_path):
    path = tmp_path / "terms.toml"
    path.write_text(default_terms_text(), encoding="utf-8")
    result = run_cli("terms", "check", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"{path}: valid terms 2026-01 (Mesosphere): 3 levels (signature, premium, standard), "
        "11 exclusion codes"
    )


def test_terms_check_names_the_wrong_key(tmp_path):
    path = tmp_path / "terms.toml"
    path.write_text(
        default_terms_text().replace('sev2 = "4 hours"', 'sev2 = "4 hourz"'), encoding="utf-8"
    )
    result = run_cli("terms", "check", str(path))
    assert result.returncode != 0
    assert f'{path}: levels.premium.targets.sev2: "4 hourz" is not a duration' in result.stderr
    assert result.stdout == ""


def test_terms_check_on_a_missing_file_says_so(tmp_path):
    result = run_cli("terms", "check", str(tmp_path / "nope.toml"))
    assert result.returncode != 0
    assert "nope.toml: no such file" in result.stderr


def test_terms_show_prints_the_tables():
    result = run_cli("terms", "show")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Premium" in out and "1 business day" in out and "reasonable efforts" in out
    assert "1-100 nodes: 4, 101-500 nodes: 8, 501+ nodes: 12" in out
    assert "Sev 1 & 2: 10 a year, others unlimited" in out
    assert "no limit" in out  # Signature's contacts
