"""Benchmark: an SLA sweep costs what is due, not what is open.

    .venv/bin/python bench/sla_sweep.py [--repeat 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h8bench .venv/bin/python bench/sla_sweep.py

Builds the test world in a throwaway SQLite file (or the empty database DATABASE_URL names; its
cases are deleted), bulk-creates 1,000 open Premium Sev 2 cases of which 100 are past their
deadline, times one sweep (claim, record the 100 breach alerts, queue their mail in the outbox
and send it through Django's locmem backend), then does the same with 100,000 open cases of which 100 are due. Each sweep is timed
--repeat times (the 100 due watches are reset in between) and the median is printed with the
ratio, which should be near 1.

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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.world, tests.watch.helpers
sys.path.insert(0, str(ROOT / "src"))


def _setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        home = tempfile.mkdtemp(prefix="casedesk-bench-")
        os.environ["CASEDESK_HOME"] = home
        os.environ["CASEDESK_DB_NAME"] = "bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _clear() -> None:
    from casedesk.cases.models import Case
    from casedesk.mail.models import OutboundMessage
    from casedesk.watch.models import CaseWatch, SlaAlert

    OutboundMessage.objects.all().delete()
    SlaAlert.objects.all().delete()
    CaseWatch.objects.all().delete()
    Case.objects.all().delete()


def _scenario(contact, open_cases: int, due: int, repeat: int) -> float:
    from django.db import connection

    from casedesk.mail.models import OutboundMessage
    from casedesk.watch.models import CaseWatch, SlaAlert
    from casedesk.watch.sweep import sweep
    from tests.watch.helpers import bulk_cases

    _clear()
    now = dt.datetime.now(dt.UTC)
    bulk_cases(contact, open_cases - due, received_at=now, first_number=1_000_000)
    due_ids = bulk_cases(contact, due, received_at=now - dt.timedelta(hours=5), first_number=1)
    due_at = now - dt.timedelta(hours=1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    times = []
    for _ in range(repeat):
        OutboundMessage.objects.all().delete()
        SlaAlert.objects.all().delete()
        CaseWatch.objects.filter(case_id__in=due_ids).update(next_alert_at=due_at)
        start = time.perf_counter()
        recorded = sweep(now)
        times.append(time.perf_counter() - start)
        assert recorded == due, f"expected {due} alerts, the sweep recorded {recorded}"
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="sweeps timed per scenario")
    args = parser.parse_args()
    _setup_django()
    from django.db import connection

    from casedesk.customers.models import Customer
    from tests.world import build_world

    world = None if Customer.objects.filter(slug="acme").exists() else build_world()
    if world is None:
        sys.exit("The database already has the bench world; use an empty database.")
    small = _scenario(world.alice, 1_000, 100, args.repeat)
    large = _scenario(world.alice, 100_000, 100, args.repeat)
    _clear()
    print(f"database: {connection.vendor}")
    print(f"sweep, 1,000 open cases, 100 due:   {small * 1000:8.1f} ms")
    print(f"sweep, 100,000 open cases, 100 due: {large * 1000:8.1f} ms")
    print(f"ratio (100,000 / 1,000):            {large / small:8.2f}")


if __name__ == "__main__":
    main()
