"""`casedesk sla deadline`, run as a person would: one JSON object, or one line and exit 2."""

from __future__ import annotations

import json

from casedesk.terms.document import default_terms_text
from tests.conftest import run_cli


def deadline(*args: str):
    return run_cli("sla", "deadline", *args)


def test_it_prints_one_json_object_with_the_deadline_in_utc():
    result = deadline(
        "--level", "premium", "--severity", "3", "--received", "2026-11-27T16:30-08:00"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "deadline": "2026-12-01T00:30:00Z",
        "clock": "business_days",
    }
    assert result.stdout.count("\n") == 1
    assert result.stderr == ""


def test_elapsed_and_reasonable_efforts_clocks():
    result = deadline(
        "--level", "signature", "--severity", "1", "--received", "2026-11-01T08:50:00Z"
    )
    assert json.loads(result.stdout) == {"deadline": "2026-11-01T09:05:00Z", "clock": "elapsed"}
    result = deadline("--level", "standard", "--severity", "4", "--received", "2026-11-01T08:50Z")
    assert json.loads(result.stdout) == {"deadline": None, "clock": "reasonable_efforts"}


def test_it_reads_a_terms_file(tmp_path):
    path = tmp_path / "terms.toml"
    path.write_text(default_terms_text().replace('sev1 = "1 hour"', 'sev1 = "30 minutes"'))
    result = deadline(
        "--level", "premium", "--severity", "1", "--received", "2026-12-01T10:00-08:00",
        "--terms", str(path),
    )  # fmt: skip
    assert json.loads(result.stdout) == {"deadline": "2026-12-01T18:30:00Z", "clock": "elapsed"}


def test_bad_arguments_give_one_clear_line_and_exit_code_2(tmp_path):
    cases = [
        (
            ["--level", "gold", "--severity", "1", "--received", "2026-12-01T10:00Z"],
            'CommandError: "gold" is not a support level in terms 2026-01 '
            "(levels: signature, premium, standard)",
        ),
        (
            ["--level", "premium", "--severity", "5", "--received", "2026-12-01T10:00Z"],
            "CommandError: --severity must be 1, 2, 3 or 4 (1 is the highest), not '5'",
        ),
        (
            ["--level", "premium", "--severity", "1", "--received", "2026-12-01T10:00"],
            "CommandError: --received '2026-12-01T10:00' has no UTC offset; add one, "
            "e.g. 2026-12-01T10:00-08:00 or 2026-12-01T10:00Z",
        ),
        (
            ["--level", "premium", "--severity", "1", "--received", "yesterday"],
            "CommandError: --received 'yesterday' is not an ISO 8601 time; "
            "use e.g. 2026-11-27T16:30-08:00",
        ),
        (
            ["--level", "premium", "--severity", "1"],
            "CommandError: --received is required (see `casedesk sla deadline --help`)",
        ),
        (
            ["--level", "premium", "--severity", "1", "--received", "2026-12-01T10:00Z",
             "--terms", str(tmp_path / "nope.toml")],
            f"CommandError: {tmp_path / 'nope.toml'}: no such file",
        ),
        (
            ["--level", "premium", "--bogus"],
            "casedesk sla: unrecognized arguments: --bogus (see `casedesk sla --help`)",
        ),
    ]  # fmt: skip
    for args, message in cases:
        result = deadline(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.strip() == message
        assert result.stdout == ""
