"""Benchmark: the CPU one message costs mail intake, in process (no SMTP), for finding where it goes.

    .venv/bin/python bench/intake_accept.py [--n 500] [--database sqlite|postgres]
    .venv/bin/python bench/intake_accept.py --callgrind [--database postgres]

Builds the test world in a fresh database (SQLite in a temporary CASEDESK_HOME; PostgreSQL: a
throwaway database on postgres@127.0.0.1:5432), then calls `casedesk.mail.intake.accept` on N
new-case messages (the ones bench/mail_intake.py sends) one after another in one thread.

Default: prints the CPU per message of this process and of its PostgreSQL backend, and as a
baseline from the same run, the CPU of only parsing those messages, with the ratio.
--callgrind: runs the loop under valgrind twice (20 and 120 messages) and prints the
difference per message in instructions: it counts instructions, not seconds, so it gives the
same figure on a busy machine and tells a 2% change from noise. (About two minutes.)

Not a test: timings depend on the machine; bench/mail_intake.py measures the throughput goal.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "bench")]

from mail_intake import DOMAIN, cpu_seconds, message  # noqa: E402

WARM = 20


def child(n: int, prepare: bool) -> None:
    """Runs with CASEDESK_HOME / DATABASE_URL set by the parent; prints one JSON line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.CASEDESK_MAIL_DOMAIN = DOMAIN
    settings.DEBUG = False
    if prepare:
        from django.core.management import call_command

        from tests.world import build_world

        call_command("migrate", verbosity=0)
        build_world()
        return
    from casedesk.mail import intake

    # Fresh Message-IDs each run: the messages are new cases, not duplicates of a last run's.
    raws = [message(i) for i in range(WARM + n)]
    recipients = [f"support@{DOMAIN}"]
    for raw in raws[:WARM]:  # imports, caches, the connection
        intake.accept(raw, envelope_from="alice@acme.example", recipients=recipients)
    backend = _own_backend(connection)
    started, backend_started = time.process_time(), cpu_seconds(backend)
    for raw in raws[WARM:]:
        reply = intake.accept(raw, envelope_from="alice@acme.example", recipients=recipients)
        if not reply.startswith("250 OK: "):
            sys.exit(f"not accepted: {reply}")
    spent, backend_spent = time.process_time() - started, cpu_seconds(backend) - backend_started
    parse_started = time.process_time()
    for raw in raws[WARM:]:
        intake.parse(raw, recipients)
    parsing = time.process_time() - parse_started
    out = {"vendor": connection.vendor, "cpu": spent / n, "db": backend_spent / n}
    print(json.dumps({**out, "parse": parsing / n}))


def _own_backend(connection: object) -> list[int]:
    if getattr(connection, "vendor", "") != "postgresql":
        return []
    with connection.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute("SELECT pg_backend_pid()")
        return [cursor.fetchone()[0]]


def run(env: dict[str, str], n: int, *, prepare: bool = False, valgrind: str = "") -> str:
    cmd = [sys.executable, __file__, "--child", f"--n={n}"] + (["--prepare"] if prepare else [])
    if valgrind:
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={valgrind}", *cmd]
    done = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"benchmark child failed:\n{done.stderr[-3000:]}")
    return done.stdout + done.stderr


def instructions(output: str) -> int:
    found = re.search(r"Collected : (\d+)", output)
    if not found:
        sys.exit(f"no instruction count in valgrind's output:\n{output[-2000:]}")
    return int(found.group(1))


def measure(args: argparse.Namespace, env: dict[str, str], home: str) -> None:
    run(env, 0, prepare=True)
    if args.callgrind:
        if not shutil.which("valgrind"):
            sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
        out = f"{home}/callgrind.out"
        low, high = (instructions(run(env, k, valgrind=out)) for k in (20, 120))
        print(f"intake.accept: {(high - low) / 100 / 1e6:.2f} M instructions per message")
        return
    result = json.loads(run(env, args.n).strip().splitlines()[-1])
    db = f", its PostgreSQL backend {1000 * result['db']:.2f} ms" if result["db"] else ""
    print(f"{result['vendor']}: intake.accept {1000 * result['cpu']:.2f} ms CPU per message{db}")
    ratio = result["cpu"] / result["parse"]
    print(
        f"  baseline, parsing alone: {1000 * result['parse']:.2f} ms; accept / parse: {ratio:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=500, help="messages to accept")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--callgrind", action="store_true", help="count instructions instead")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.n, args.prepare)
        return
    with tempfile.TemporaryDirectory(prefix="casedesk-bench-") as home:
        env = {"CASEDESK_HOME": home, "PYTHONPATH": str(ROOT / "src")}
        os.environ.pop("DATABASE_URL", None)
        if args.database == "sqlite":
            measure(args, env, home)
            return
        import psycopg

        name = f"casedesk_bench_{os.getpid()}"
        admin = "postgres://postgres@127.0.0.1:5432/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            measure(args, {**env, "DATABASE_URL": admin.rsplit("/", 1)[0] + f"/{name}"}, home)
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
