"""Crash drills, long versions: kill -9 the processes while work is in flight, count the outcome.

    .venv/bin/python bench/drills.py [--n 500] [--kills 3] [--database sqlite|postgres|both]

For each database it runs itself in a child process with a fresh database (SQLite in a temporary
CASEDESK_HOME; PostgreSQL: a throwaway database on postgres@127.0.0.1:5432, dropped afterwards),
builds the test world and runs three drills, each twice: once undisturbed (the baseline) and
once with --kills SIGKILLs spread over the run, a restart after each:

- intake: N messages to a real `casedesk smtpd`, sent by a retrying sender (as a mail server
  keeps a message until it gets 250); the smtpd is killed, and once the database is blocked for
  three seconds (writes then wait one second for a lock and answer 451);
- worker: N outbox mails sent by a real `casedesk worker` to an aiosmtpd relay; the worker is
  killed mid-send and restarted (abandoned tasks are recovered);
- api: N cases opened through a real `casedesk serve` by a client that retries with its
  Idempotency-Key; the server (gunicorn and its workers) is killed.

It prints, per drill, sent / stored / lost / doubled, the retries and 451s the clients saw, and
the drill's wall time as a ratio to its undisturbed baseline. Not a test: timings depend on the
machine; the counts must be exact (lost = doubled = 0).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _spread(n: int, kills: int) -> list[int]:
    """The progress counts at which to kill: evenly inside the run."""
    return [n * (k + 1) // (kills + 1) for k in range(kills)]


def _kill_at(
    kills: list[int],
    progress: Callable[[], int],
    restart: Callable[[], None],
    done: Callable[[], bool],
    extra: tuple[int, Callable[[], None]] | None = None,
) -> None:
    """Restart at each progress count in `kills` (and run `extra`'s action at its count)."""
    events = [(at, restart) for at in kills] + ([extra] if extra else [])
    for at, action in sorted(events, key=lambda e: e[0]):
        while progress() < at and not done():
            time.sleep(0.05)
        if done():
            return
        action()


# -- intake ---------------------------------------------------------------------------------------


def intake(n: int, kills: int) -> dict[str, Any]:
    from django.db import connection

    from casedesk.cases.models import Case
    from casedesk.mail.models import InboundMessage
    from tests.drills.helpers import casedesk, free_port, kill_hard, stop, wait_until
    from tests.drills.test_intake_db_block import Sender, block_database, listening, smtpd_env
    from tests.mail.conftest import DOMAIN, make_mail

    tag = f"intake-{kills}-{time.time_ns()}"
    port, env = free_port(), smtpd_env()
    args = ("smtpd", "--port", str(port), "--domain", DOMAIN)
    server = [casedesk(env, *args)]
    wait_until(lambda: listening(port), 30, "casedesk smtpd")
    sender = Sender(port)
    subjects = [f"{tag} {i}" for i in range(n)]
    sent = [0]

    def send_all() -> None:
        deadline = time.monotonic() + 1800
        for subject in subjects:
            sender.deliver(make_mail(subject=subject), deadline)
            sent[0] += 1

    def restart() -> None:
        kill_hard(server[0])
        server[0] = casedesk(env, *args)

    started = time.perf_counter()
    thread = threading.Thread(target=send_all, daemon=True)
    thread.start()
    # Halfway to the first kill, while the smtpd is up, the database "goes away" for 3 s.
    outage = (n // (2 * (kills + 1)), lambda: block_database(3)) if kills else None
    _kill_at(_spread(n, kills), lambda: sent[0], restart, lambda: not thread.is_alive(), outage)
    thread.join()
    elapsed = time.perf_counter() - started
    stop(server[0])
    stored = Counter(
        InboundMessage.objects.filter(subject__startswith=tag).values_list("subject", flat=True)
    )
    cases = Counter(Case.objects.filter(subject__startswith=tag).values_list("subject", flat=True))
    connection.close()
    return {
        "sent": n,
        "stored": sum(stored.values()),
        "lost": sum(1 for s in subjects if not stored[s]),
        "doubled": sum(1 for s in subjects if stored[s] > 1 or cases[s] > 1),
        "retries": sum(c for code, c in sender.replies.items() if code != 250),
        "451s": sender.replies[451],
        "seconds": elapsed,
    }


# -- worker ---------------------------------------------------------------------------------------


def worker(n: int, kills: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from casedesk.mail import outbox
    from casedesk.mail.models import OutboundMessage
    from casedesk.watch.models import RecoveredTask
    from tests.drills.helpers import Relay, casedesk, kill_hard, stop, subprocess_env, wait_until

    tag = f"worker-{kills}-{time.time_ns()}"
    relay = Relay(delay=0.005)
    relay.start()
    with transaction.atomic():
        ids = [
            outbox.enqueue(
                to=["ops@acme.example"],
                subject=f"{tag} {i}",
                body="A notification.",
                kind="notice",
                now=timezone.now(),
                key=f"{tag}:{i}",
            ).message_id  # type: ignore[union-attr]
            for i in range(n)
        ]
    env = subprocess_env(
        EMAIL_PORT=relay.port,
        EMAIL_TIMEOUT=5,
        CASEDESK_TASK_LEASE_SECONDS=2,
        CASEDESK_WORKER_HEARTBEAT_SECONDS=1,
        CASEDESK_MAIL_LEASE_SECONDS=3,
    )
    args = ("worker", "--interval", "1", "--batch", "50")
    recovered_before = RecoveredTask.objects.count()
    proc = [casedesk(env, *args)]
    mine = OutboundMessage.objects.filter(subject__startswith=tag)

    def restart() -> None:
        kill_hard(proc[0])
        proc[0] = casedesk(env, *args)

    started = time.perf_counter()
    _kill_at(_spread(n, kills), lambda: len(relay.received), restart, lambda: False)
    wait_until(lambda: not mine.exclude(status="sent").exists(), 600, "every mail sent")
    elapsed = time.perf_counter() - started
    stop(proc[0])
    relay.stop()
    got = Counter(relay.received)
    connection.close()
    return {
        "sent": n,
        "stored": sum(1 for i in ids if got[i]),  # delivered to the relay
        "lost": sum(1 for i in ids if not got[i]),
        "doubled": sum(1 for i in ids if got[i] > 1),
        "recovered_tasks": RecoveredTask.objects.count() - recovered_before,
        "seconds": elapsed,
    }


# -- api ------------------------------------------------------------------------------------------


def api(n: int, kills: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from casedesk.api.tokens import create_token
    from casedesk.cases.models import Case
    from tests.drills.helpers import casedesk, free_port, healthy, kill_hard, stop, subprocess_env
    from tests.drills.test_api_kill import run_clients

    tag = f"api-{kills}-{time.time_ns()}"
    _, token = create_token(get_user_model().objects.get(username="alice"), tag[:90])
    port = free_port()
    env = subprocess_env(CASEDESK_IDEMPOTENCY_LOCK_SECONDS=2)
    args = ("serve", "--bind", f"127.0.0.1:{port}", "--workers", "2")
    server = [casedesk(env, *args)]
    healthy(port)
    subjects = [f"{tag} {i}" for i in range(n)]
    mine = Case.objects.filter(subject__startswith=tag)

    def restart() -> None:
        kill_hard(server[0])
        server[0] = casedesk(env, *args)

    started = time.perf_counter()
    client, thread = run_clients(port, token, subjects, timeout=1800)
    _kill_at(_spread(n, kills), mine.count, restart, lambda: not thread.is_alive())
    thread.join()
    elapsed = time.perf_counter() - started
    stop(server[0])
    opened = Counter(mine.values_list("subject", flat=True))
    connection.close()
    return {
        "sent": n,
        "stored": sum(opened.values()),
        "lost": sum(1 for s in subjects if not opened[s]),
        "doubled": sum(1 for s in subjects if opened[s] > 1),
        "retries": client.retries,
        "replayed": sum(1 for a in client.answers.values() if a[2]),
        "seconds": elapsed,
    }


DRILLS = {"intake": intake, "worker": worker, "api": api}


def child(n: int, kills: int, only: list[str]) -> None:
    """Runs with CASEDESK_HOME / DATABASE_URL set by the parent; prints one JSON line."""
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tests.world import build_world

    call_command("migrate", verbosity=0)
    build_world()
    connection.close()
    out: dict[str, Any] = {"vendor": connection.vendor}
    for name in only:
        out[name] = {"baseline": DRILLS[name](n, 0), "drill": DRILLS[name](n, kills)}
    print(json.dumps(out))


def run_child(args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", f"--n={args.n}", f"--kills={args.kills}"]
    cmd += [f"--only={','.join(args.only)}"]
    done = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"drill child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def postgres(args: argparse.Namespace) -> dict[str, Any]:
    import psycopg

    name = f"casedesk_drills_{os.getpid()}"
    admin = "postgres://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        return run_child(args, {"DATABASE_URL": admin.rsplit("/", 1)[0] + f"/{name}"})
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def report(result: dict[str, Any], kills: int) -> None:
    print(f"\n{result['vendor']}")
    print(f"  {'drill':<8}{'sent':>6}{'stored':>8}{'lost':>6}{'doubled':>9}  detail")
    for name in DRILLS:
        if name not in result:
            continue
        base, drill = result[name]["baseline"], result[name]["drill"]
        extra = {k: v for k, v in drill.items() if k not in ("sent", "stored", "lost", "doubled")}
        extra.pop("seconds")
        ratio = drill["seconds"] / base["seconds"]
        detail = ", ".join(f"{k} {v}" for k, v in extra.items())
        print(
            f"  {name:<8}{drill['sent']:>6}{drill['stored']:>8}{drill['lost']:>6}"
            f"{drill['doubled']:>9}  {kills} kills: {detail}; "
            f"{drill['seconds']:.1f} s = {ratio:.2f}x the undisturbed run "
            f"({base['seconds']:.1f} s, lost {base['lost']}, doubled {base['doubled']})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=500, help="messages, mails and cases per drill")
    parser.add_argument("--kills", type=int, default=3, help="SIGKILLs per drill")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--only", default=",".join(DRILLS), help="drills to run, comma-separated: intake,worker,api"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.only = [d for d in args.only.split(",") if d]
    if unknown := set(args.only) - set(DRILLS):
        sys.exit(f"unknown drill(s): {', '.join(sorted(unknown))}; use intake, worker or api")
    if args.child:
        child(args.n, args.kills, args.only)
        return
    with tempfile.TemporaryDirectory(prefix="casedesk-drills-") as home:
        os.environ["CASEDESK_HOME"] = home
        os.environ.pop("DATABASE_URL", None)
        if args.database in ("sqlite", "both"):
            report(run_child(args, {}), args.kills)
        if args.database in ("postgres", "both"):
            report(postgres(args), args.kills)


if __name__ == "__main__":
    main()
