"""Profile: where the CPU of one API case creation goes, in process.

    .venv/bin/python bench/api_profile.py [--n 300] [--database sqlite|postgres]

Builds the test world on a throwaway database (SQLite in a temporary CASEDESK_HOME; PostgreSQL:
a throwaway database on postgres@127.0.0.1:5432, dropped after), warms up, then posts
`POST /api/cases` --n times through Django's test client: once to take the CPU per request
without a profiler, once under cProfile to split it. Prints each part's share of the request
(cumulative time under the profiler: it inflates Python-heavy parts a little and, on
PostgreSQL, includes waiting for the server's answers) and that share of the unprofiled CPU. Use it to decide what to make faster next; compare versions with
`api_create.py`, which serves casedesk as production does.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PARTS = {
    "whole request (test client)": "django/test/client.py:request",
    "middleware + Ninja + view": "django/core/handlers/base.py:get_response",
    "Ninja operation": "ninja/operation.py:run",
    "  token lookup (auth)": "casedesk/api/auth.py:authenticate",
    "  view open_case": "casedesk/api/cases.py:open_case",
    "    service open_case_recorded": "casedesk/cases/services/intake.py:open_case_recorded",
    "      entitlement (subscription)": (
        "casedesk/customers/services/entitlement.py:entitled_subscription"
    ),
    "      Model.save (case, event, watch row)": "django/db/models/base.py:save",
    "      events (record_all)": "casedesk/cases/services/events.py:record_all",
    "      SLA watch (watch_new_case)": "casedesk/cases/services/sla_fields.py:watch_new_case",
    "      tracking number": "casedesk/cases/services/numbers.py:next_number",
    "    answer from memory (case_detail)": "casedesk/api/present.py:case_detail",
    "  response validation": "ninja/operation.py:_result_to_response",
}


def profile(n: int) -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from casedesk.api.tokens import create_token
    from tests.world import build_world

    call_command("migrate", verbosity=0)
    logging.disable(logging.CRITICAL)
    world = build_world()
    _, token = create_token(world.alice.user, "profile")
    client = Client(HTTP_HOST="127.0.0.1")
    headers = {"Authorization": f"Bearer {token}"}
    body = json.dumps({"subject": "Scheduler crashes", "description": "log line\n" * 20})

    def post_all(count: int) -> None:
        for _ in range(count):
            response = client.post(
                "/api/cases", body, content_type="application/json", headers=headers
            )
            assert response.status_code == 201, response.content

    post_all(50)  # warm-up: imports, parsed terms, connections
    started = time.process_time()
    post_all(n)
    cpu = (time.process_time() - started) / n * 1000
    profiler = cProfile.Profile()
    profiler.enable()
    post_all(n)
    profiler.disable()
    cumulative = {}
    for (path, _, name), (_, _, _, ct, _) in pstats.Stats(profiler).stats.items():  # type: ignore[attr-defined]
        short = path.split("site-packages/")[-1].split("src/")[-1]
        cumulative[f"{short}:{name}"] = ct
    total = cumulative[PARTS["whole request (test client)"]]
    print(f"CPU per API case creation, no profiler: {cpu:.2f} ms (in process, test client)")
    for label, key in PARTS.items():
        share = cumulative.get(key, 0.0) / total
        print(f"{label:44} {100 * share:5.1f} %  ~{cpu * share:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    os.environ["CASEDESK_HOME"] = tempfile.mkdtemp(prefix="casedesk-profile-")
    if args.database == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        profile(args.n)
        return
    import psycopg

    admin = "postgres://postgres@127.0.0.1:5432/postgres"
    name = f"casedesk_profile_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    os.environ["DATABASE_URL"] = admin.rsplit("/", 1)[0] + f"/{name}"
    try:
        profile(args.n)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
