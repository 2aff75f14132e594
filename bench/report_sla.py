"""Benchmark: the SLA report's overview queries at 10,000 and 100,000 cases.

    .venv/bin/python bench/report_sla.py [--repeat 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/repbench .venv/bin/python bench/report_sla.py

Builds the test world in a throwaway SQLite file (or the empty database DATABASE_URL names; it is
left filled, since case events cannot be deleted on PostgreSQL), bulk-creates 10,000 cases spread
over the 90 days before NOW across the three levels and four severities (stored SLA fields from
the batch deadline path: 85 % answered, some late, some still open, 5 % with a severity change,
2 % closed as out of scope), then times the overview's read layer (attainment three ways,
severity changes, exclusions) and the whole overview page; then adds 90,000 more and times again.
Prints the median of --repeat runs, and the ratio, which should stay near 10 (linear in cases,
no per-case queries); the query count is printed too and must not change.

Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.world
sys.path.insert(0, str(ROOT / "src"))

NOW = dt.datetime(2026, 11, 23, 18, 0, tzinfo=dt.UTC)  # Monday 10:00 PT
DAYS = 90


def _setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        home = tempfile.mkdtemp(prefix="casedesk-bench-")
        os.environ["CASEDESK_HOME"] = home
        os.environ["CASEDESK_DB_NAME"] = "bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _bulk(world: Any, n: int, first: int, rng: np.random.Generator) -> None:
    """n cases with stored SLA fields as the services would leave them (no services: speed)."""
    from bench.sla_batch import deadlines
    from casedesk.cases.models import Case, CaseEvent, EventKind, Outcome, Status

    subs = [world.acme_sub, world.globex_sub, world.initech_sub]
    contacts = [world.alice, world.bob, world.carol]
    terms = subs[0].terms_version.terms
    now_s = int(NOW.timestamp())
    received = now_s - rng.integers(0, DAYS * 86400, n)
    who = rng.integers(0, 3, n)
    sev = rng.integers(1, 5, n)
    levels = np.array([s.level for s in subs], dtype=object)[who]
    due = deadlines(terms, levels, sev, received)  # NaT: reasonable efforts
    has_due = ~np.isnat(due)
    due_s = np.where(has_due, due.astype("datetime64[s]").astype(np.int64), 0)
    # Response after a lognormal delay (median ~50 min, long tail); 15 % not answered yet.
    answered = rng.random(n) < 0.85
    first_s = received + rng.lognormal(8, 1.2, n).astype(np.int64)
    answered &= first_s <= now_s
    excluded = rng.random(n) < 0.02
    changed = rng.random(n) < 0.05
    codes = list(terms.exclusions)

    def at(s: int) -> dt.datetime:
        return dt.datetime.fromtimestamp(int(s), dt.UTC)

    cases = []
    for i in range(n):
        fr = at(first_s[i]) if answered[i] else None
        if not has_due[i]:
            outcome = Outcome.NO_TARGET
        elif fr is None:
            outcome = Outcome.PENDING
        else:
            outcome = Outcome.MET if first_s[i] <= due_s[i] else Outcome.BREACHED
        cases.append(
            Case(
                number=first + i,
                tracking_number=f"BENCH-{first + i}",
                customer_id=subs[who[i]].customer_id,
                subscription=subs[who[i]],
                contact=contacts[who[i]],
                level=levels[i],
                terms_version=subs[who[i]].terms_version,
                channel="web",
                subject=f"bench case {i}",
                severity=int(sev[i]),
                status=Status.EXCLUDED if excluded[i] else Status.TRIAGED,
                exclusion_code=codes[i % len(codes)] if excluded[i] else "",
                received_at=at(received[i]),
                response_deadline=at(due_s[i]) if has_due[i] else None,
                first_response_at=fr,
                response_outcome=outcome,
                lowered_before_response=bool(changed[i] and i % 2),
                updated_at=at(received[i]),
            )
        )
    Case.objects.bulk_create(cases, batch_size=2000)
    ids = dict(
        Case.objects.filter(number__gte=first, number__lt=first + n).values_list("number", "id")
    )
    events = [
        CaseEvent(
            case_id=ids[first + i],
            kind=EventKind.SEVERITY_CHANGED,
            actor_label="bench",
            at=at(received[i] + 60),
            reason="bench",
            data={"from": 3, "to": 4 if i % 2 else 2},
        )
        for i in np.flatnonzero(changed)
    ]
    CaseEvent.objects.bulk_create(events, batch_size=2000)


def _overview(manager: Any) -> tuple[float, float, int]:
    """Seconds for the read layer, seconds for the whole page, queries of the page."""
    from django.contrib.sessions.backends.base import SessionBase
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from casedesk.lib import clock
    from casedesk.reports import queries as q
    from casedesk.reports.views import overview

    with clock.pinned(NOW):
        start = time.perf_counter()
        terms = q.terms_index()
        f = q.Filters(*q.default_range(NOW, terms.tz), tz=terms.tz)
        result = q.attainment(f, NOW, terms)
        q.severity_changes(f, result)
        q.exclusions(f, terms)
        reads = time.perf_counter() - start
        request = RequestFactory().get("/console/reports/")
        request.user = manager
        request.session = SessionBase()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            response = overview(request)
        page = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return reads, page, len(ctx)


def _timed(manager: Any, repeat: int) -> tuple[float, float, int]:
    runs = [_overview(manager) for _ in range(repeat)]
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        runs[-1][2],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs timed per size")
    args = parser.parse_args()
    _setup_django()
    from django.db import connection

    from casedesk.customers.models import Customer
    from tests.world import build_world

    if Customer.objects.filter(slug="acme").exists():
        sys.exit("The database already has the bench world; use an empty database.")
    world = build_world()
    manager = world.manager
    manager.is_superuser = False
    rng = np.random.default_rng(7)
    t = time.perf_counter()
    _bulk(world, 10_000, 1, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    small = _timed(manager, args.repeat)
    _bulk(world, 90_000, 10_001, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    load = time.perf_counter() - t
    large = _timed(manager, args.repeat)
    print(f"database: {connection.vendor}   (bulk load of 100,000 cases: {load:.1f} s)")
    print(f"{'':24}{'10,000':>10}{'100,000':>10}{'ratio':>8}")
    print(f"{'read layer (s)':24}{small[0]:10.3f}{large[0]:10.3f}{large[0] / small[0]:8.2f}")
    print(f"{'overview page (s)':24}{small[1]:10.3f}{large[1]:10.3f}{large[1] / small[1]:8.2f}")
    print(f"{'page queries':24}{small[2]:10d}{large[2]:10d}")


if __name__ == "__main__":
    main()
