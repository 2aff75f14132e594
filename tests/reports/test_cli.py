"""`casedesk report sla`: the attainment table on the command line."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "sla", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_attainment_table(month, now):
    out = report("--from", "2026-10-01", "--to", "2026-11-23")
    lines = out.splitlines()
    assert lines[0] == (
        "SLA attainment, cases received 2026-10-01 to 2026-11-23 (America/Los_Angeles); "
        "times in minutes"
    )
    sig = next(line for line in lines if line.startswith("Signature · Sev 3"))
    assert sig.split()[4:] == [
        "5", "5", "2", "1", "1", "1", "50.0", "60", "180", "60", "180", "60.0", "60.0", "0",
    ]  # fmt: skip
    total = next(line for line in lines if line.startswith("All cases"))
    assert total.split()[2:10] == ["12", "9", "4", "2", "1", "2", "50.0", "60"]
    assert lines[-1].startswith("attainment = met ÷ (met + breached + overdue)")


def test_it_prints_csv_for_one_level(month, now):
    out = report(
        "--from", "2026-10-01", "--to", "2026-11-23", "--level", "standard", "--format", "csv"
    )
    rows = list(csv.reader(io.StringIO(out)))
    assert [r[0] for r in rows] == [
        "Group", "Standard · Sev 1", "Standard · Sev 2", "Standard · Sev 3", "Standard · Sev 4",
        "All cases",
    ]  # fmt: skip
    assert rows[-1][:8] == ["All cases", "4", "2", "0", "1", "0", "1", "0.0"]


def test_it_groups_by_month(month, now):
    out = report("--from", "2026-10-01", "--to", "2026-11-23", "--by", "month", "--format", "csv")
    assert [r[0] for r in csv.reader(io.StringIO(out))] == [
        "Group",
        "2026-10",
        "2026-11",
        "All cases",
    ]


def test_it_refuses_an_unknown_level_and_a_bad_date(world, now):
    with pytest.raises(CommandError) as exc:
        report("--level", "gold")
    assert (
        str(exc.value) == '"gold" is not a support level; use one of: signature, premium, standard'
    )
    with pytest.raises(CommandError) as exc:
        report("--from", "01/11/2026")
    assert str(exc.value) == '"01/11/2026" is not a date; use YYYY-MM-DD, e.g. 2026-11-01'
    with pytest.raises(CommandError) as exc:
        report("--from", "2026-11-02", "--to", "2026-11-01")
    assert str(exc.value) == "--from 2026-11-02 is after --to 2026-11-01; swap them"


def test_a_range_past_the_data_is_cut_to_it_and_says_so(month, now):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "report", "sla", "--from", "1900-01-01", "--to", "2100-12-31", stdout=out, stderr=err
    )
    first_line = out.getvalue().splitlines()[0]
    assert first_line.startswith("SLA attainment, cases received 2026-")
    assert "to 2026-11-23 (America/Los_Angeles)" in first_line  # today, the last day with data
    assert "the span of the data; you asked for 1900-01-01 to 2100-12-31." in err.getvalue()
