"""Benchmark: cases opened over the HTTP API, casedesk against django-helpdesk 2.6.1.

    .venv/bin/python bench/api_create.py [--database sqlite|postgres] [--clients 8]
        [--seconds 10] [--rounds 3] [--peer] [--sizes 0,1m]

casedesk runs as production runs it: `casedesk serve` (gunicorn, 2 workers, gthread) on a fresh
database (SQLite in a temporary CASEDESK_HOME; PostgreSQL: a throwaway database on
postgres@127.0.0.1:5432, dropped afterwards), with the test world's three customers, each
contact holding an API token. The load is `POST /api/cases` from --clients threads of this
process, each on one keep-alive `http.client` connection, for --seconds per run.

With --peer the script also builds django-helpdesk 2.6.1 in its own venv
(var/bench/helpdesk-venv, `pip install django-helpdesk==2.6.1 gunicorn psycopg[binary]`), writes a
minimal Django project for it (DRF token authentication, one queue, a staff user; mail to the
dummy backend, as casedesk's mail only goes to its outbox table here), migrates it on the same
database kind and serves it with gunicorn, 2 gthread workers, 4 threads, as casedesk. The same
load client posts to its `POST /api/tickets/`. Runs alternate (casedesk, peer, casedesk, ...), so
a neighbour's load on this shared machine falls on both; the ratio is taken over the whole run.

Per run it prints requests/s (2xx only; anything else is counted as an error), p50/p95/p99
latency, CPU per request of the server processes and of the PostgreSQL backends (from /proc),
and the load client's own CPU per request, to show it is not the bottleneck.

The database is filled by bench/fill.py (its world of 60 customers; three of their contacts
post). --sizes 0,1m starts one casedesk server per size, each on its own database filled with
that many realistic cases, and alternates between them: creation should cost the same at
1,000,000 cases as on an empty database.

Not a test: timings depend on the machine. Goals from issue 15: >= 5x django-helpdesk on SQLite
and on PostgreSQL; >= 300 cases/s and p99 < 150 ms on PostgreSQL on a quiet machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEER_VENV = ROOT / "var" / "bench" / "helpdesk-venv"
PEER_PACKAGES = ["django-helpdesk==2.6.1", "gunicorn", "psycopg[binary]"]
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DESCRIPTION = "The scheduler crashes every night at 02:00 after the upgrade.\n" + "log line\n" * 20


def fill_sizes(text: str) -> list[int]:
    """ "0,100k,1m" -> [0, 100000, 1000000]."""
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        mult = 1_000_000 if part.endswith("m") else 1000 if part.endswith("k") else 1
        sizes.append(int(float(part.rstrip("mk")) * mult))
    return sizes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- measuring ---------------------------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far, their threads included (Linux /proc)."""
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
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            todo += [int(c) for c in task.read_text().split()]
    return found


def backend_pids(database_url: str) -> list[int]:
    """The PostgreSQL backends connected to this database (the server's connections)."""
    if not database_url:
        return []
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return [row[0] for row in rows]


@dataclass
class Run:
    target: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    server_cpu: float = 0.0
    database_cpu: float = 0.0
    client_cpu: float = 0.0

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds

    def quantile(self, q: float) -> float:
        if len(self.latencies) < 2:
            return float("nan")
        return 1000 * statistics.quantiles(self.latencies, n=100)[int(q * 100) - 1]

    def per_request(self, cpu: float) -> float:
        return 1000 * cpu / max(self.ok, 1)


# --- the load client ---------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    port: int
    path: str
    tokens: list[str]  # "Bearer x" / "Token x": one per client, round robin
    body: object  # a function of (client, n) -> dict
    pid: int
    database_url: str


def load(target: Target, clients: int, seconds: float) -> Run:
    """`clients` threads, each on one keep-alive connection, posting until the time is up."""
    run = Run(target.name, seconds)
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=60)
        headers = {
            "Authorization": target.tokens[i % len(target.tokens)],
            "Content-Type": "application/json",
            "Host": "127.0.0.1",
        }
        n, times, errors = 0, [], []
        while time.perf_counter() < stop_at:
            payload = json.dumps(target.body(i, n))  # type: ignore[operator]
            started = time.perf_counter()
            try:
                conn.request("POST", target.path, payload, headers)
                response = conn.getresponse()
                text = response.read()
            except (OSError, http.client.HTTPException) as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=60)
                continue
            if 200 <= response.status < 300:
                times.append(time.perf_counter() - started)
            else:
                errors.append(f"{response.status} {text[:200]!r}")
            n += 1
        conn.close()
        with lock:
            run.latencies += times
            run.errors += errors

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    servers, backends = process_tree(target.pid), backend_pids(target.database_url)
    before = cpu_seconds(servers), cpu_seconds(backends), time.process_time()
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.seconds = time.perf_counter() - started
    run.server_cpu = cpu_seconds(servers) - before[0]
    run.database_cpu = cpu_seconds(backends) - before[1]
    run.client_cpu = time.process_time() - before[2]
    return run


def wait_for(port: int, proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{what} exited with {proc.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{what} did not listen on {port} within 2 minutes")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()


# --- casedesk ----------------------------------------------------------------------------------


def casedesk_env(home: Path, database_url: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "CASEDESK_HOME": str(home)}
    env["DEBUG"] = "false"
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def casedesk_setup(size: int) -> None:
    """Child: migrate, build bench/fill.py's world with `size` cases, print three contacts'
    tokens as JSON (the same world whatever the size, so the rates compare)."""
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    import django

    django.setup()
    import fill  # bench/fill.py, beside this script
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # setup speed
    from casedesk.api.tokens import create_token

    call_command("migrate", verbosity=0)
    filled = fill.fill(size, progress=lambda line: print(line, file=sys.stderr))
    users = [user for user, _ in filled.world.contact_users[:3]]
    print(json.dumps([create_token(user, "bench")[1] for user in users]))


def short(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}m"
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)


def start_casedesk(home: Path, database_url: str, workers: int, size: int, name: str) -> Target:
    home.mkdir(exist_ok=True)
    env = casedesk_env(home, database_url)
    setup = [sys.executable, __file__, "--casedesk-setup", f"--sizes={size}"]
    started = time.perf_counter()
    done = subprocess.run(setup, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"casedesk setup failed:\n{done.stderr[-3000:]}")
    if size:
        print(f"{name}: {size:,} cases filled in {time.perf_counter() - started:.0f} s")
    tokens = json.loads(done.stdout.strip().splitlines()[-1])
    port = free_port()
    cmd = [sys.executable, "-m", "casedesk.cli", "serve", f"--bind=127.0.0.1:{port}"]
    cmd += [f"--workers={workers}", "--no-migrate"]
    log = (home / "casedesk-serve.log").open("wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    wait_for(port, proc, "casedesk serve")

    def body(client: int, n: int) -> dict[str, object]:
        return {"subject": f"Scheduler crash {client}-{n}", "description": DESCRIPTION}

    bearer = [f"Bearer {t}" for t in tokens]
    return Target(name, port, "/api/cases", bearer, body, proc.pid, database_url)


# --- django-helpdesk ---------------------------------------------------------------------------

PEER_SETTINGS = """\
import os
from pathlib import Path

import dj_url

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
SITE_ID = 1
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.sites", "django.contrib.humanize", "rest_framework",
    "rest_framework.authtoken", "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": dj_url.database()}
USE_TZ = True
STATIC_URL = "/static/"
MEDIA_ROOT = str(BASE_DIR / "media")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
HELPDESK_TEAMS_MODE_ENABLED = False
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
}
"""

# The same choices as casedesk: SQLite in WAL with IMMEDIATE transactions and a busy timeout;
# PostgreSQL with persistent connections.
PEER_DATABASE = """\
import os


def database():
    url = os.environ.get("PEER_DATABASE_URL", "")
    if url.startswith("postgres://"):
        rest = url[len("postgres://"):]
        user, _, hostdb = rest.partition("@")
        hostport, _, name = hostdb.partition("/")
        host, _, port = hostport.partition(":")
        return {
            "ENGINE": "django.db.backends.postgresql", "NAME": name, "USER": user,
            "HOST": host, "PORT": port or "5432", "CONN_MAX_AGE": 60,
        }
    return {
        "ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["PEER_SQLITE"],
        "CONN_MAX_AGE": 60,
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE", "timeout": 30,
        },
    }
"""

PEER_URLS = """\
from django.urls import include, path

urlpatterns = [path("", include("helpdesk.urls"))]
"""

PEER_WORLD = """\
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from helpdesk.models import Queue

user = User.objects.create_user("bench", "bench@example.com", "x", is_staff=True,
                                is_superuser=True)
queue = Queue.objects.create(title="Support", slug="support")
print(Token.objects.create(user=user).key, queue.id)
"""


def peer_venv() -> Path:
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        print(f"installing {' '.join(PEER_PACKAGES)} into {PEER_VENV} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
    probe = [str(python), "-c", "import helpdesk, gunicorn, psycopg"]
    if subprocess.run(probe, capture_output=True).returncode != 0:
        pip = [str(python), "-m", "pip", "install", "-q", *PEER_PACKAGES]
        subprocess.run(pip, check=True)
    return python


def peer_project(home: Path) -> Path:
    project = home / "helpdesk-project"
    project.mkdir(exist_ok=True)
    (project / "settings.py").write_text(PEER_SETTINGS)
    (project / "dj_url.py").write_text(PEER_DATABASE)
    (project / "urls.py").write_text(PEER_URLS)
    return project


def start_peer(home: Path, database_url: str, workers: int) -> Target:
    python = peer_venv()
    project = peer_project(home)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DATABASE_URL")}
    env.update(PYTHONPATH=str(project), DJANGO_SETTINGS_MODULE="settings")
    env.update(PEER_DATABASE_URL=database_url, PEER_SQLITE=str(home / "helpdesk.sqlite3"))
    admin = [str(python), "-m", "django"]
    subprocess.run([*admin, "migrate", "-v", "0"], env=env, check=True, cwd=project)
    done = subprocess.run(
        [*admin, "shell", "-c", PEER_WORLD], env=env, check=True, cwd=project, capture_output=True
    )
    token, queue = done.stdout.decode().strip().splitlines()[-1].split()
    port = free_port()
    cmd = [str(python), "-m", "gunicorn", f"--bind=127.0.0.1:{port}", f"--workers={workers}"]
    cmd += [
        "--threads=4",
        "--worker-class=gthread",
        "--timeout=60",
        "django.core.wsgi:get_wsgi_application()",
    ]
    log = (home / "helpdesk-serve.log").open("wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=project)
    wait_for(port, proc, "django-helpdesk's gunicorn")

    def body(client: int, n: int) -> dict[str, object]:
        return {
            "queue": int(queue),
            "title": f"Scheduler crash {client}-{n}",
            "description": DESCRIPTION,
            "submitter_email": f"contact{client}@customer.example",
            "priority": 3,
        }

    return Target(
        "helpdesk", port, "/api/tickets/", [f"Token {token}"], body, proc.pid, database_url
    )


# --- databases ---------------------------------------------------------------------------------


def create_database(name: str) -> str:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def count_rows(database_url: str, sqlite_path: Path, table: str, column: str) -> tuple[int, int]:
    """(rows, distinct values of `column`) in `table`: every 2xx must be one new row."""
    sql = f"SELECT count(*), count(DISTINCT {column}) FROM {table}"  # noqa: S608 - constants
    if database_url:
        import psycopg

        with psycopg.connect(database_url) as conn:
            return conn.execute(sql).fetchone()  # type: ignore[return-value]
    with sqlite3.connect(sqlite_path) as conn:
        return conn.execute(sql).fetchone()  # type: ignore[no-any-return]


# --- the report --------------------------------------------------------------------------------


def row(run: Run, number: int) -> str:
    db = f"{run.per_request(run.database_cpu):6.2f}" if run.database_cpu else "     -"
    return (
        f"{run.target:<9} {number:>3} {run.ok:>7} {run.rate:>8.1f} {run.quantile(0.5):>7.1f} "
        f"{run.quantile(0.95):>7.1f} {run.quantile(0.99):>7.1f} "
        f"{run.per_request(run.server_cpu):>7.2f} {db} {run.per_request(run.client_cpu):>6.2f} "
        f"{len(run.errors):>6}"
    )


HEADER = (
    "target    run      ok    req/s  p50 ms  p95 ms  p99 ms  srv CPU  db CPU client errors\n"
    "                                                         ms/req  ms/req ms/req"
)


def summary(runs: list[Run], target: str) -> Run:
    mine = [r for r in runs if r.target == target]
    total = Run(target, sum(r.seconds for r in mine))
    for r in mine:
        total.latencies += r.latencies
        total.errors += r.errors
        total.server_cpu += r.server_cpu
        total.database_cpu += r.database_cpu
        total.client_cpu += r.client_cpu
    return total


def bench(args: argparse.Namespace, home: Path, urls: dict[str, str]) -> None:
    sizes = [int(x) for x in args.sizes]
    names = ["casedesk"] if sizes == [0] else [f"cd@{short(n)}" for n in sizes]
    targets = []
    try:
        for size, name in zip(sizes, names, strict=True):
            folder = home / name.replace("@", "-")
            targets.append(start_casedesk(folder, urls[name], args.workers, size, name))
        if args.peer:
            targets.append(start_peer(home, urls["helpdesk"], args.workers))
        for t in targets:  # warm-up: imports, connections, caches
            load(t, args.clients, min(2.0, args.seconds))
        runs = []
        print(f"uptime before: {os.getloadavg()} (load averages, {os.cpu_count()} cores)")
        print(HEADER)
        for number in range(1, args.rounds + 1):
            for t in targets:
                runs.append(load(t, args.clients, args.seconds))
                print(row(runs[-1], number), flush=True)
        print(f"uptime after: {os.getloadavg()}")
    finally:
        for t in targets:
            os.kill(t.pid, signal.SIGTERM)
        time.sleep(2)
    totals = [summary(runs, t.name) for t in targets]
    for total in totals:
        print(row(total, 0).replace("   0 ", " all ", 1))
        for error in sorted(set(total.errors))[:3]:
            print(f"  e.g. {error}")
    for size, name in zip(sizes, names, strict=True):
        sqlite_file = home / name.replace("@", "-") / "casedesk.sqlite3"
        rows, distinct = count_rows(urls[name], sqlite_file, "cases_case", "tracking_number")
        made = sum(r.ok for r in runs if r.target == name)
        print(
            f"{name}: {rows:,} cases in the database ({distinct:,} distinct tracking numbers); "
            f"{size:,} filled + at least {made:,} answered 201 in the timed runs"
        )
    for total in totals[1 : len(sizes)]:
        print(
            f"{total.target} / {totals[0].target} (req/s, whole run): "
            f"{total.rate / totals[0].rate:.2f}"
        )
    if args.peer:
        for total in totals[:-1]:
            print(
                f"{total.target} / django-helpdesk (req/s, whole run): "
                f"{total.rate / totals[-1].rate:.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--clients", type=int, default=8, help="load client threads")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of one run")
    parser.add_argument("--rounds", type=int, default=3, help="runs per target, alternating")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--peer", action="store_true", help="also run django-helpdesk 2.6.1")
    parser.add_argument(
        "--sizes",
        type=fill_sizes,
        default=[0],
        help="cases already in casedesk's database, e.g. 0,1m: one server per size, alternating",
    )
    parser.add_argument("--casedesk-setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.casedesk_setup:
        casedesk_setup(args.sizes[0])
        return
    with tempfile.TemporaryDirectory(prefix="casedesk-apibench-") as tmp:
        home = Path(tmp)
        sizes = args.sizes
        keys = ["casedesk"] if sizes == [0] else [f"cd@{short(n)}" for n in sizes]
        keys.append("helpdesk")
        if args.database == "sqlite":
            bench(args, home, dict.fromkeys(keys, ""))
            return
        names = {k: f"{k.replace('@', '_')}_apibench_{os.getpid()}" for k in keys}
        try:
            bench(args, home, {k: create_database(n) for k, n in names.items()})
        finally:
            for name in names.values():
                drop_database(name)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
