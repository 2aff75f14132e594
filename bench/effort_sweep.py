"""Benchmark: the effort watch's sweep costs what is due, not what is open (issue 16).

    .venv/bin/python bench/effort_sweep.py [--repeat 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/effortbench .venv/bin/python bench/effort_sweep.py

Builds the test world in a throwaway SQLite file (or the empty database DATABASE_URL names; its
cases are deleted), bulk-creates 1,000 open, answered Premium Severity 1 cases (each with its
receipt and first reply events, its effort fields and effort watch) of which 100 went quiet an
hour ago, and times one sweep pass (claim, derive the plan from the events, record the 100 quiet
warnings, queue their mail in the outbox and send it through Django's locmem backend); then the
same with 100,000 open cases of which 100 are due. Each pass is timed --repeat times (the 100
due watches are reset in between); the medians and their ratio are printed, which should be
near 1 (on a shared machine it wanders), and the SQL statements of a pass, which should match.

Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time

from sla_sweep import ROOT, _setup_django

sys.path.insert(0, str(ROOT))


def _answered(contact, n: int, responded: dt.datetime, first_number: int) -> list[int]:
    from casedesk.cases.models import Case, CaseEvent, EventKind
    from casedesk.watch.models import EffortWatch
    from tests.watch.helpers import bulk_cases

    received = responded - dt.timedelta(minutes=30)
    ids = bulk_cases(
        contact,
        n,
        received_at=received,
        severity=1,
        first_number=first_number,
        due_at=responded + dt.timedelta(days=30),
    )
    events = []
    for pk in ids:
        events.append(
            CaseEvent(
                case_id=pk,
                kind=EventKind.RECEIVED,
                actor_label="bench",
                at=received,
                data={"severity": 1},
            )
        )
        events.append(
            CaseEvent(case_id=pk, kind=EventKind.REPLIED, actor_label="bench", at=responded)
        )
    CaseEvent.objects.bulk_create(events, batch_size=5000)
    quiet = responded + dt.timedelta(hours=2)  # Premium Sev 1: 2 hours, wall time
    Case.objects.filter(pk__in=ids).update(
        first_response_at=responded,
        response_outcome="met",
        last_activity_at=responded,
        quiet_at=quiet,
    )
    EffortWatch.objects.bulk_create(
        [
            EffortWatch(case_id=pk, next_at=quiet, next_kind="quiet", updated_at=responded)
            for pk in ids
        ],
        batch_size=5000,
    )
    return ids


class _Counter:
    """A Django execute wrapper that lists the statements run through it."""

    def __init__(self, statements: list[str]) -> None:
        self.statements = statements

    def __call__(self, execute, sql, params, many, context):  # noqa: ANN001, ANN204 - Django's hook
        self.statements.append(sql)
        return execute(sql, params, many, context)


def _scenario(
    contact, open_cases: int, due: int, repeat: int, first_number: int
) -> tuple[float, int]:
    """(median seconds of a pass, SQL statements in the last pass)."""
    from django.db import connection

    from casedesk.mail.models import OutboundMessage
    from casedesk.watch.models import EffortWatch, SlaAlert
    from casedesk.watch.sweep import sweep

    now = dt.datetime.now(dt.UTC)
    _answered(contact, open_cases - due, now, first_number)  # quiet in 2 hours: not due
    due_ids = _answered(contact, due, now - dt.timedelta(hours=3), first_number + open_cases)
    due_at = now - dt.timedelta(hours=1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    times = []
    for _ in range(repeat):
        OutboundMessage.objects.all().delete()
        SlaAlert.objects.all().delete()
        EffortWatch.objects.filter(case_id__in=due_ids).update(next_at=due_at, next_kind="quiet")
        statements: list[str] = []
        with connection.execute_wrapper(_Counter(statements)):
            start = time.perf_counter()
            recorded = sweep(now)
            times.append(time.perf_counter() - start)
        assert recorded == due, f"expected {due} quiet warnings, the sweep recorded {recorded}"
    return statistics.median(times), len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="sweeps timed per scenario")
    args = parser.parse_args()
    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    from casedesk.customers.models import Customer
    from tests.world import build_world

    if Customer.objects.filter(slug="acme").exists():
        sys.exit("The database already has the bench world; use an empty database.")
    world = build_world()
    small, small_sql = _scenario(world.alice, 1_000, 100, args.repeat, 1_000_000)
    # The first scenario's 1,000 cases stay open: 99,000 more make 100,000.
    large, large_sql = _scenario(world.alice, 99_000, 100, args.repeat, 2_000_000)
    print(f"database: {connection.vendor}")
    print(f"effort sweep, 1,000 open cases, 100 quiet:   {small * 1000:8.1f} ms")
    print(f"effort sweep, 100,000 open cases, 100 quiet: {large * 1000:8.1f} ms")
    print(f"ratio (100,000 / 1,000):                     {large / small:8.2f}")
    # The machine-independent figure: the same statements whatever the number of open cases.
    print(f"SQL statements per pass: {small_sql} with 1,000 open, {large_sql} with 100,000")
    call_command("flush", interactive=False, verbosity=0)  # passes the event log's triggers


if __name__ == "__main__":
    main()
