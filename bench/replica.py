"""Benchmark: the SLA report read from a real streaming replica of the local PostgreSQL.

    .venv/bin/python bench/replica.py [--cases 100000] [--port 5433] [--allow-hba-change]

Fills a throwaway database on the local cluster (postgres@127.0.0.1:5432) with --cases cases
(bench/report_sla.py's bulk load: stored SLA fields, events), takes a base backup of the whole
cluster with `pg_basebackup -R -X stream` into a temporary folder, starts it as a hot standby
on --port with `pg_ctl` (as the postgres user: run this as root or as postgres), waits until
it has replayed everything, then times the year's SLA report (`casedesk report sla`) in one
process on the primary alone and with DATABASE_REPLICA_URL naming the replica, checks that
both print the same report, and shows which server answered (pg_stat_activity). Stops the
replica and drops the database afterwards.

The primary must accept replication connections from 127.0.0.1. When its pg_hba.conf has no
`replication` line the script says so and stops; with --allow-hba-change it appends
`host replication postgres 127.0.0.1/32 trust` and reloads the configuration (a reload, not a
restart: running connections are untouched), and removes the line again at the end. wal_level
must be replica or logical (a restart to change): the script checks it.

Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
HBA_LINE = "host replication postgres 127.0.0.1/32 trust  # casedesk bench/replica.py"


def pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"))
    if not found:
        sys.exit("pg_basebackup not found under /usr/lib/postgresql/*/bin")
    return found[-1].parent


def as_postgres(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, **kw)  # type: ignore[call-overload, no-any-return]


def admin_value(sql: str) -> str:
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        return str(conn.execute(sql).fetchone()[0])  # type: ignore[index]


def admin_run(sql: str) -> None:
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


# --- the primary's settings --------------------------------------------------------------------


def allow_replication(allow_change: bool) -> bool:
    """True when a line was added to pg_hba.conf (to remove at the end)."""
    if admin_value("SHOW wal_level") not in ("replica", "logical"):
        sys.exit("wal_level is minimal: a streaming replica needs a restart with wal_level=replica")
    hba = Path(admin_value("SHOW hba_file"))
    rules = admin_value(
        "SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY(database) "
        "AND (address IS NULL OR address = '127.0.0.1')"
    )
    if int(rules):
        return False
    if not allow_change:
        sys.exit(
            f"{hba} has no `replication` line, so pg_basebackup is refused. Add\n  {HBA_LINE}\n"
            "and run SELECT pg_reload_conf() (no restart), or rerun with --allow-hba-change."
        )
    with hba.open("a") as f:
        f.write(f"\n{HBA_LINE}\n")
    admin_value("SELECT pg_reload_conf()")
    time.sleep(1)
    return True


def restore_hba() -> None:
    hba = Path(admin_value("SHOW hba_file"))
    kept = [line for line in hba.read_text().splitlines() if line.strip() != HBA_LINE.strip()]
    hba.write_text("\n".join(kept).rstrip("\n") + "\n")
    admin_value("SELECT pg_reload_conf()")


# --- the replica -------------------------------------------------------------------------------


def start_replica(folder: Path, port: int) -> Path:
    data = folder / "data"
    started = time.perf_counter()
    backup = as_postgres(
        [str(pg_bin() / "pg_basebackup"), "-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
        + ["-D", str(data), "-R", "-X", "stream", "-c", "fast"]
    )
    if backup.returncode != 0:
        sys.exit(f"pg_basebackup failed: {backup.stderr}")
    print(f"base backup: {time.perf_counter() - started:.1f} s")
    # Debian keeps the configuration outside the data folder: the replica gets its own.
    (data / "postgresql.conf").write_text(
        f"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{folder}'\n"
        "hot_standby = on\nmax_connections = 200\nshared_buffers = 128MB\n"
    )
    (data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
    (data / "pg_ident.conf").write_text("")
    for name in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
        shutil.chown(data / name, "postgres")
    start = as_postgres(
        [str(pg_bin() / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "start"]
    )
    if start.returncode != 0:
        log = (folder / "log").read_text()[-2000:] if (folder / "log").exists() else ""
        sys.exit(f"pg_ctl start failed: {start.stdout}{start.stderr}\n{log}")
    return data


def stop_replica(data: Path) -> None:
    as_postgres([str(pg_bin() / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])


def wait_caught_up(replica_url: str) -> float:
    target = admin_value("SELECT pg_current_wal_lsn()")
    started = time.perf_counter()
    with psycopg.connect(replica_url, autocommit=True) as conn:
        while True:
            caught = conn.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]
            ).fetchone()
            if caught and caught[0]:
                return time.perf_counter() - started
            time.sleep(0.1)


# --- filling and timing (children with Django set up) ------------------------------------------


def fill(n: int) -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "bench")]
    import numpy as np
    import report_sla  # bench/report_sla.py: its bulk load

    report_sla._setup_django()
    from tests.world import build_world

    world = build_world()
    report_sla._bulk(world, n, 1, np.random.default_rng(15))


def time_report(repeat: int) -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    import io

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    year = "2026"
    args = ["report", "sla", "--from", f"{year}-01-01", "--to", f"{year}-12-31"]
    times, outputs = [], set()
    for _ in range(repeat):
        out = io.StringIO()
        started = time.perf_counter()
        call_command(*args, stdout=out)
        times.append(time.perf_counter() - started)
        outputs.add(out.getvalue())
    served = {}
    for alias in connections:
        if connections[alias].connection is not None:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT pg_is_in_recovery(), current_setting('port')")
                served[alias] = cursor.fetchone()
    print(f"RESULT {statistics.median(times):.3f} {min(times):.3f} {len(outputs)}")
    print(f"SERVED {served}")
    print("REPORT\n" + outputs.pop())


def child(mode: str, env: dict[str, str], *extra: str) -> str:
    cmd = [sys.executable, __file__, f"--child={mode}", *extra]
    done = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{mode} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=5433)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--allow-hba-change", action="store_true")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "fill":
        fill(args.cases)
        return
    if args.child == "time":
        time_report(args.repeat)
        return
    name = f"casedesk_replica_{os.getpid()}"
    primary_url = ADMIN.rsplit("/", 1)[0] + f"/{name}"
    replica_url = f"postgres://postgres@127.0.0.1:{args.port}/{name}"
    added = allow_replication(args.allow_hba_change)
    folder = Path(tempfile.mkdtemp(prefix="casedesk-replica-"))
    shutil.chown(folder, "postgres")
    folder.chmod(0o700)
    data = None
    try:
        admin_run(f'CREATE DATABASE "{name}"')
        started = time.perf_counter()
        child("fill", {"DATABASE_URL": primary_url}, f"--cases={args.cases}")
        print(f"filled {args.cases:,} cases on the primary: {time.perf_counter() - started:.1f} s")
        data = start_replica(folder, args.port)
        print(f"replica on port {args.port} caught up in {wait_caught_up(replica_url):.2f} s")
        env = {"DATABASE_URL": primary_url, "DATABASE_REPLICA_URL": ""}
        on_primary = child("time", env, f"--repeat={args.repeat}")
        env["DATABASE_REPLICA_URL"] = replica_url
        on_replica = child("time", env, f"--repeat={args.repeat}")
    finally:
        if data is not None:
            stop_replica(data)
        shutil.rmtree(folder, ignore_errors=True)
        admin_run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if added:
            restore_hba()
    print(f"year report ({dt.date.today():%Y}), {args.cases:,} cases, median of {args.repeat}:")
    for label, out in (("primary only", on_primary), ("with the replica", on_replica)):
        result = next(line for line in out.splitlines() if line.startswith("RESULT")).split()
        served = next(line for line in out.splitlines() if line.startswith("SERVED"))
        print(f"  {label:<18} {float(result[1]):7.3f} s (best {float(result[2]):.3f} s)  {served}")
    same = on_primary.split("REPORT\n", 1)[1] == on_replica.split("REPORT\n", 1)[1]
    print(f"  the same report from both: {same}")


if __name__ == "__main__":
    main()
