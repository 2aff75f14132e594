"""Benchmark: support mail accepted over SMTP into cases, on SQLite and on PostgreSQL.

    .venv/bin/python bench/mail_intake.py [--n 2000] [--clients 8] [--processes 2] [--workers 0]
        [--database sqlite|postgres|both] [--database-url postgres://...]

For each database it runs itself in a child process with a fresh database (SQLite in a temporary
CASEDESK_HOME; PostgreSQL: DATABASE_URL if given, else a throwaway database created on
postgres@127.0.0.1:5432 and dropped afterwards), builds the test world (three customers, an
agent, a manager), starts `casedesk smtpd --processes P --workers W` as a separate process on a
free loopback port, as it runs in production, and sends N new-case messages from --clients
threads of the benchmark process, each on one SMTP connection: the clients do not share the
server's interpreter (GIL) but do share the machine's cores. Every message must be answered
"250 OK: <tracking number>"; messages/second is N over the wall time from the first MAIL FROM to
the last 250. Acknowledgements are queued as django-tasks-db rows (the default backend), as in
production: the SMTP reply never waits on outbound mail.

Not a test: timings depend on the machine. Goal from issue 7: >= 200 messages/s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "support.bench.example"
SENDERS = ["alice@acme.example", "bob@globex.example", "carol@initech.example"]


def message(n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = SENDERS[n % len(SENDERS)]
    msg["To"] = f"support@{DOMAIN}"
    msg["Subject"] = f"Sev 3: bench message {n}"
    msg["Message-ID"] = f"<{uuid.uuid4().hex}@bench.example>"
    msg.set_content(f"Scheduler crash report {n}.\n" + "log line\n" * 40)
    return msg.as_bytes()


def send_all(port: int, n: int, clients: int) -> tuple[float, list[str]]:
    replies: list[str] = []
    lock = threading.Lock()
    raws = [message(i) for i in range(n)]

    def client(share: list[bytes]) -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=120) as smtp:
            smtp.ehlo()
            for raw in share:
                smtp.mail(SENDERS[0])
                smtp.rcpt(f"support@{DOMAIN}")
                try:
                    code, text = smtp.data(raw)
                except smtplib.SMTPDataError as exc:
                    code, text = exc.smtp_code, exc.smtp_error
                with lock:
                    replies.append(f"{code} {text.decode()}")

    threads = [threading.Thread(target=client, args=(raws[i::clients],)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, replies


def start_server(port: int, processes: int, workers: int) -> subprocess.Popen[str]:
    """`casedesk smtpd` in its own process(es), on the database of this one's environment."""
    cmd = [sys.executable, "-m", "casedesk.cli", "smtpd", "--bind=127.0.0.1", f"--port={port}"]
    cmd += [f"--domain={DOMAIN}", f"--processes={processes}", f"--workers={workers}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DEBUG": "false"}
    env["CASEDESK_MAIL_DOMAIN"] = DOMAIN  # as settings.CASEDESK_MAIL_DOMAIN below
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
    first = server.stdout.readline() if server.stdout else ""
    if not first.startswith("casedesk smtpd on "):
        server.kill()
        sys.exit(f"casedesk smtpd did not start: {first!r}")
    return server


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes and their threads so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (the smtpd processes)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            todo += [int(c) for c in task.read_text().split()]
    return found


def database_pids(connection: object) -> list[int]:
    """The PostgreSQL backends serving this database (the server's connections)."""
    if getattr(connection, "vendor", "") != "postgresql":
        return []
    with connection.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def stop_server(server: subprocess.Popen[str]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.communicate(timeout=120)
    finally:
        if server.poll() is None:
            server.kill()
    if server.returncode != 0:
        sys.exit(f"casedesk smtpd exited with {server.returncode}")


def child(n: int, clients: int, processes: int, workers: int) -> None:
    """Runs with CASEDESK_HOME / DATABASE_URL set by the parent; prints one JSON line."""
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from casedesk.cases.models import Case
    from tests.mail.conftest import free_port
    from tests.world import build_world

    settings.CASEDESK_MAIL_DOMAIN = DOMAIN
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    build_world()
    workers = workers or (1 if connection.vendor == "sqlite" else 4)
    connection.close()
    port = free_port()
    server = start_server(port, processes, workers)
    try:
        send_all(port, min(50 * processes, n), clients)  # warm-up: connections, caches
        warm_cases = Case.objects.count()
        servers, backends = process_tree(server.pid), database_pids(connection)
        connection.close()
        cpu_before = cpu_seconds(servers), cpu_seconds(backends)
        elapsed, replies = send_all(port, n, clients)
        cpu_after = cpu_seconds(servers), cpu_seconds(backends)
    finally:
        stop_server(server)
    bad = [r for r in replies if not r.startswith("250 OK: ")]
    if len(replies) != n:
        bad.append(f"only {len(replies)} of {n} messages were answered")
    made = Case.objects.count() - warm_cases
    from django_tasks_db.models import DBTaskResult

    out = {
        "vendor": connection.vendor,
        "n": n,
        "cases": made,
        "bad": bad[:3],
        "seconds": elapsed,
        "rate": n / elapsed,
        "workers": workers,
        "processes": processes,
        "queued_acks": DBTaskResult.objects.count(),
        # CPU per message is steadier than the wall clock on a shared machine: use it to
        # compare two versions of the server.
        "smtpd_cpu_ms": 1000 * (cpu_after[0] - cpu_before[0]) / n,
        "database_cpu_ms": 1000 * (cpu_after[1] - cpu_before[1]) / n,
    }
    print(json.dumps(out))


def run_child(args: argparse.Namespace, env: dict[str, str]) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--child", f"--n={args.n}", f"--clients={args.clients}"]
    cmd += [f"--processes={args.processes}", f"--workers={args.workers}"]
    done = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"benchmark child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def postgres(args: argparse.Namespace) -> dict[str, object]:
    if args.database_url:
        return run_child(args, {"DATABASE_URL": args.database_url})
    import psycopg

    name = f"casedesk_bench_{os.getpid()}"
    admin = "postgres://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        return run_child(args, {"DATABASE_URL": admin.rsplit("/", 1)[0] + f"/{name}"})
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="messages to send")
    parser.add_argument("--clients", type=int, default=8, help="SMTP client threads")
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="smtpd server processes (default: one per core)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="smtpd database threads per process (0: 1 on SQLite, 4 on PostgreSQL)",
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.n, args.clients, args.processes, args.workers)
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="casedesk-bench-") as home:
        os.environ["CASEDESK_HOME"] = home
        os.environ.pop("DATABASE_URL", None)
        if args.database in ("sqlite", "both"):
            results.append(run_child(args, {}))
        if args.database in ("postgres", "both"):
            results.append(postgres(args))
    for r in results:
        print(
            f"{r['vendor']:<10} {r['n']} messages, {args.clients} clients, {r['processes']} smtpd "
            f"processes x {r['workers']} workers: {r['rate']:.0f} msg/s ({r['seconds']:.2f} s), {r['cases']} cases, "
            f"{r['queued_acks']} tasks queued (warm-up included), failures: {r['bad'] or 'none'}"
        )
        database_cpu = (
            f", database {r['database_cpu_ms']:.2f} ms" if r["vendor"] != "sqlite" else ""
        )
        print(f"{'':<10} CPU per message: smtpd {r['smtpd_cpu_ms']:.2f} ms{database_cpu}")
    if len(results) == 2:
        print(f"PostgreSQL / SQLite: {results[1]['rate'] / results[0]['rate']:.2f}")


if __name__ == "__main__":
    main()
