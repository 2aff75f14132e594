"""Fill a database with N realistic cases, fast: the world every scale bench measures.

    .venv/bin/python bench/fill.py --n 100000                        # throwaway SQLite file
    .venv/bin/python bench/fill.py --n 1000000 --database postgres   # casedesk_fill, dropped after
    .venv/bin/python bench/fill.py --n 1000000 --database postgres --keep fill1m   # kept

From other benches: `fill(n)` on the configured (migrated, empty) database, after
`django.setup()`; `setup_database(...)` makes one.

What it builds: 60 customers (20 per level: standard, premium, signature), each with a
subscription covering the period and 2 support contacts (one with a login), an engineer and a
manager; then N cases received over the 400 days before NOW, ~7 % open (half of the last 56 days),
with their events: the receipt, a severity change on 5 %, the engineer's first public reply (93 %
of cases, lognormal delay), a customer reply on 30 %, the closing status change, 2 % closed as
out of scope. The stored SLA fields come from the real derivation (`cases.deadlines.derive`) over
those events, so `casedesk sla verify` is clean, and every case has its watch row from the real
schedule (`watch.schedule.plan`/`pending`), as `reschedule` leaves it. Events carry no digest
(NULL: "recorded before digests", which `sla verify` accepts) and cases no attachments.

Writes with COPY on PostgreSQL and executemany on SQLite, in chunks of 20,000 cases, printing
progress; ids, the tracking-number sequence/counter and the id sequences are set after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

NOW = dt.datetime(2026, 11, 23, 18, 0, tzinfo=dt.UTC)  # Monday 10:00 PT
DAYS = 400
CUSTOMERS_PER_LEVEL = 20
CONTACTS_PER_CUSTOMER = 2
CHUNK = 20_000
FIRST_NUMBER = 1000  # the PostgreSQL tracking sequence starts here too
LEVELS = ("standard", "premium", "signature")
PASSWORD = "bench-pass-1"  # noqa: S105 - the bench logins' password

CASE_COLUMNS = [
    "id",
    "number",
    "tracking_number",
    "customer_id",
    "subscription_id",
    "contact_id",
    "level",
    "terms_version_id",
    "channel",
    "subject",
    "description",
    "product",
    "version",
    "version_exclusion",
    "requested_severity",
    "severity_request",
    "severity",
    "status",
    "assignee_id",
    "received_at",
    "response_deadline",
    "first_response_at",
    "response_outcome",
    "lowered_before_response",
    "closed_at",
    "exclusion_code",
    "updated_at",
]
EVENT_COLUMNS = [
    "id",
    "case_id",
    "kind",
    "actor_id",
    "actor_label",
    "at",
    "public",
    "body",
    "reason",
    "data",
    "message_id",
]
WATCH_COLUMNS = ["id", "case_id", "next_alert_at", "next_alert_kind", "deadline", "updated_at"]


# --- the world -------------------------------------------------------------------------------


@dataclass
class Org:
    customer_id: int
    subscription_id: int
    level: str
    contacts: list[tuple[int, int | None, str]]  # (contact id, user id, label)


@dataclass
class World:
    terms_version: Any
    orgs: list[Org]
    agent: Any
    manager: Any
    contact_users: list[Any] = field(default_factory=list)  # (user, customer id) with logins


def build_world(now: dt.datetime = NOW) -> World:
    """Customers, subscriptions and contacts through the real services (a few hundred rows)."""
    from django.contrib.auth import get_user_model

    from casedesk.customers import services
    from casedesk.customers.roles import ensure_groups

    users = get_user_model()
    agents, managers = ensure_groups()
    agent = users.objects.create_user("fill-agent", "agent@vendor.example", PASSWORD)
    agent.groups.add(agents)
    manager = users.objects.create_user(
        "fill-manager", "manager@vendor.example", PASSWORD, is_staff=True
    )
    manager.groups.add(managers)
    setup = now - dt.timedelta(days=DAYS + 30)
    start, end = setup.date(), (now + dt.timedelta(days=365)).date()
    orgs, logins, terms_version = [], [], None
    for i in range(CUSTOMERS_PER_LEVEL * len(LEVELS)):
        level = LEVELS[i % len(LEVELS)]
        slug = f"org{i:03d}"
        org = services.create_customer(manager, name=f"Org {i:03d}", slug=slug, at=setup)
        sub = services.create_subscription(
            manager,
            org,
            level=level,
            nodes=50,
            starts_on=start,
            ends_on=end,
            project_description=f"Org {i:03d}'s platform",
            at=setup,
        )
        terms_version = sub.terms_version
        contacts = []
        for k in range(CONTACTS_PER_CUSTOMER):
            user = None
            if k == 0:
                user = users.objects.create_user(f"{slug}-c{k}", f"c{k}@{slug}.example", PASSWORD)
                logins.append((user, org.pk))
            contact = services.add_contact(
                manager,
                org,
                name=f"Contact {k} of {slug}",
                email=f"c{k}@{slug}.example",
                at=setup,
                user=user,
            )
            contacts.append((contact.pk, contact.user_id, f"{contact.name} <{contact.email}>"))
        orgs.append(Org(org.pk, sub.pk, level, contacts))
    return World(terms_version, orgs, agent, manager, logins)


# --- one case, as the services would have left it ---------------------------------------------


class _Case:
    """What `derive` and `plan` read of a case (a model instance per row would cost 3x)."""

    __slots__ = (
        "terms_version",
        "level",
        "received_at",
        "severity",
        "status",
        "first_response_at",
        "response_deadline",
        "severity_request",
        "requested_severity",
    )

    def __init__(self, terms_version: Any, level: str, received: dt.datetime, severity: int):
        self.terms_version, self.level, self.received_at = terms_version, level, received
        self.severity, self.status = severity, "new"
        self.first_response_at: dt.datetime | None = None
        self.response_deadline: dt.datetime | None = None
        self.severity_request, self.requested_severity = "", None

    @property
    def is_open(self) -> bool:
        return self.status in ("new", "triaged", "waiting")


@dataclass(slots=True)
class _Event:
    id: int
    kind: str
    at: dt.datetime
    actor_id: int | None
    actor_label: str
    public: bool
    body: str
    reason: str
    data: dict[str, Any]


SEVERITY_WEIGHTS = (5, 20, 45, 30)
CHANNELS = ("web", "email", "api")


@dataclass
class Rows:
    cases: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    watches: list[tuple[Any, ...]] = field(default_factory=list)


class Generator:
    def __init__(self, world: World, n: int, first_id: int, first_event_id: int, seed: int):
        from casedesk.cases.deadlines import derive
        from casedesk.watch.schedule import pending, plan

        self.derive, self.plan, self.pending = derive, plan, pending
        self.world, self.n = world, n
        self.rng = random.Random(seed)
        self.case_id, self.event_id = first_id, first_event_id
        self.first_number = FIRST_NUMBER
        self.terms = world.terms_version.terms
        self.prefix = self.terms.tracking_prefix
        self.codes = sorted(self.terms.exclusions)
        self.agent_label = world.agent.get_username()
        now_s = int(NOW.timestamp())
        # Receipts in time order, so ids follow received_at as they do in life.
        self.received = sorted(now_s - self.rng.randrange(DAYS * 86400) for _ in range(n))

    def _event(
        self, kind: str, at: dt.datetime, actor: tuple[int | None, str], **kw: Any
    ) -> _Event:
        self.event_id += 1
        fields = {"public": True, "body": "", "reason": "", "data": {}} | kw
        return _Event(self.event_id, kind, at, actor[0], actor[1], **fields)

    def chunk(self, start: int, stop: int) -> Rows:
        rows = Rows()
        for i in range(start, stop):
            self._one(i, rows)
        return rows

    def _one(self, i: int, rows: Rows) -> None:
        rng, w = self.rng, self.world
        self.case_id += 1
        received = dt.datetime.fromtimestamp(self.received[i], dt.UTC)
        org = w.orgs[rng.randrange(len(w.orgs))]
        contact_id, user_id, label = org.contacts[rng.randrange(len(org.contacts))]
        contact = (user_id, label)
        agent = (w.agent.pk, self.agent_label)
        severity = rng.choices((1, 2, 3, 4), SEVERITY_WEIGHTS)[0]
        channel = CHANNELS[i % 3]
        case = _Case(w.terms_version, org.level, received, severity)
        age = (NOW - received).total_seconds()
        is_open = age < 56 * 86400 and rng.random() < 0.5
        events = [
            self._event(
                "received",
                received,
                contact,
                body=f"Something is wrong ({i}).",
                data={
                    "channel": channel,
                    "severity": severity,
                    "requested_severity": None,
                    "follows": None,
                },
            )
        ]
        t = received
        if rng.random() < 0.05:  # a severity change by the engineer, minutes in
            new = max(1, min(4, severity + rng.choice((-1, 1))))
            if new != severity:
                t = t + dt.timedelta(minutes=rng.randrange(5, 120))
                events.append(
                    self._event(
                        "severity_changed",
                        t,
                        agent,
                        reason="Impact confirmed on the call.",
                        data={"from": severity, "to": new},
                    )
                )
                case.severity = new
        answered = not is_open or rng.random() < 0.6
        reply_at = t + dt.timedelta(seconds=int(rng.lognormvariate(8, 1.2)))
        if answered and reply_at <= NOW:
            events.append(self._event("replied", reply_at, agent, body="We are on it."))
            t = reply_at
            if rng.random() < 0.3:
                t = t + dt.timedelta(hours=rng.randrange(1, 48))
                if t <= NOW:
                    events.append(self._event("customer_replied", t, contact, body="Thanks."))
        status, code, closed_at = ("triaged" if answered else "new"), "", None
        if not is_open:
            closed_at = min(NOW, t + dt.timedelta(hours=rng.randrange(1, 72)))
            if rng.random() < 0.02:
                status, code = "excluded", self.codes[i % len(self.codes)]
                events.append(
                    self._event(
                        "excluded", closed_at, agent, reason="Not covered.", data={"code": code}
                    )
                )
            else:
                status = "closed"
                events.append(
                    self._event(
                        "status_changed", closed_at, agent, data={"from": "triaged", "to": "closed"}
                    )
                )
        fields = self.derive(case, events)  # the real derivation: `sla verify` agrees
        case.status, case.first_response_at = status, fields.first_response_at
        case.response_deadline = fields.response_deadline
        number = self.first_number + i
        rows.cases.append(
            (
                self.case_id,
                number,
                f"{self.prefix}-{number}",
                org.customer_id,
                org.subscription_id,
                contact_id,
                org.level,
                w.terms_version.pk,
                channel,
                f"Case {number}: cluster issue",
                f"Something is wrong ({i}).",
                "DC/OS",
                "2.2.0",
                "",
                None,
                "",
                case.severity,
                status,
                None,
                received,
                fields.response_deadline,
                fields.first_response_at,
                fields.response_outcome,
                fields.lowered_before_response,
                closed_at,
                code,
                closed_at or t,
            )
        )
        for e in events:
            rows.events.append(
                (
                    e.id,
                    self.case_id,
                    e.kind,
                    e.actor_id,
                    e.actor_label,
                    e.at,
                    e.public,
                    e.body,
                    e.reason,
                    e.data,
                    "",
                )
            )
        changes = [e.at for e in events if e.kind == "severity_changed"]
        upcoming = self.pending(self.plan(case, received, severity_changes=changes), set())  # type: ignore[arg-type]
        first = min(upcoming, key=lambda p: p.at, default=None)
        rows.watches.append(
            (
                self.case_id,
                self.case_id,
                first.at if first else None,
                first.kind if first else "",
                fields.response_deadline,
                received,
            )
        )


# --- writing ---------------------------------------------------------------------------------


def _copy(cursor: Any, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _insert(
    cursor: Any, ops: Any, table: str, columns: list[str], rows: list[tuple[Any, ...]]
) -> None:
    def value(v: Any) -> Any:
        if isinstance(v, dt.datetime):
            return ops.adapt_datetimefield_value(v)
        if isinstance(v, dict):
            return json.dumps(v)
        return v

    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('%s' for _ in columns)})"  # noqa: S608
    cursor.executemany(sql, [tuple(value(v) for v in row) for row in rows])


def _write(rows: Rows) -> None:
    from django.db import connection, transaction

    pg = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        for table, columns, data in (
            ("cases_case", CASE_COLUMNS, rows.cases),
            ("cases_caseevent", EVENT_COLUMNS, rows.events),
            ("watch_casewatch", WATCH_COLUMNS, rows.watches),
        ):
            if pg:
                pg_rows = [
                    tuple(json.dumps(v) if isinstance(v, dict) else v for v in r) for r in data
                ]
                _copy(cursor, table, columns, pg_rows)
            else:
                _insert(cursor, connection.ops, table, columns, data)


def _after() -> None:
    """Sequences past the explicit ids; the tracking number counter past the last number."""
    from django.core.management.color import no_style
    from django.db import connection

    from casedesk.cases.models import Case, CaseEvent, TrackingCounter
    from casedesk.cases.services.numbers import SEQUENCE
    from casedesk.watch.models import CaseWatch

    last = Case.objects.order_by("-number").values_list("number", flat=True).first() or 0
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Case, CaseEvent, CaseWatch]):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(%s, %s)", [SEQUENCE, max(last, FIRST_NUMBER)])
            cursor.execute("ANALYZE")
        else:
            TrackingCounter.objects.update_or_create(name="case", defaults={"value": last})
            cursor.execute("ANALYZE")


@dataclass
class Filled:
    world: World
    n: int
    seconds: float
    events: int


def fill(
    n: int, *, seed: int = 7, progress: Callable[[str], None] = print, world: World | None = None
) -> Filled:
    """N cases on the configured database (migrated; the bench world added unless given)."""
    from casedesk.cases.models import Case, CaseEvent

    started = time.perf_counter()
    world = world or build_world()
    first_id = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
    first_event = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    gen = Generator(world, n, first_id, first_event, seed)
    # After any case already there (from an earlier fill, or created by a bench), never on it.
    last = Case.objects.order_by("-number").values_list("number", flat=True).first()
    gen.first_number = max(FIRST_NUMBER, (last or 0) + 1)
    events = 0
    gen_s = write_s = 0.0
    for start in range(0, n, CHUNK):
        t0 = time.perf_counter()
        rows = gen.chunk(start, min(n, start + CHUNK))
        t1 = time.perf_counter()
        _write(rows)
        t2 = time.perf_counter()
        gen_s, write_s, events = gen_s + t1 - t0, write_s + t2 - t1, events + len(rows.events)
        done = min(n, start + CHUNK)
        if done == n or done % (5 * CHUNK) == 0:
            progress(
                f"  {done:>9,} cases {events:>10,} events  {time.perf_counter() - started:7.1f} s"
                f"  (derive+rows {gen_s:.1f} s, write {write_s:.1f} s)"
            )
    _after()
    return Filled(world, n, time.perf_counter() - started, events)


# --- databases -------------------------------------------------------------------------------


def setup_database(database: str, keep: str | None = None) -> Callable[[], None]:
    """Point Django at a fresh database, migrate it; returns the clean-up (drop) function.

    `keep`: a named database (PostgreSQL) or file (SQLite, under var/bench/) reused if it is
    already filled, kept afterwards.
    """
    if database == "postgres":
        name = keep or f"casedesk_fill_{os.getpid()}"
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        _pg_admin(f"CREATE DATABASE {name}", ignore_exists=bool(keep))
        cleanup = (lambda: None) if keep else (lambda: _drop_pg(name))
    else:
        os.environ.pop("DATABASE_URL", None)
        home = str(ROOT / "var" / "bench") if keep else tempfile.mkdtemp(prefix="casedesk-fill-")
        os.makedirs(home, exist_ok=True)
        os.environ["CASEDESK_HOME"] = home
        os.environ["CASEDESK_DB_NAME"] = f"{keep or 'fill'}.sqlite3"
        cleanup = (lambda: None) if keep else (lambda: shutil.rmtree(home, ignore_errors=True))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return cleanup


def _pg_admin(sql: str, ignore_exists: bool = False) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        try:
            c.execute(sql)  # type: ignore[call-overload]
        except psycopg.errors.DuplicateDatabase:
            if not ignore_exists:
                raise


def _drop_pg(name: str) -> None:
    from django.db import connections

    connections.close_all()
    _pg_admin(f"DROP DATABASE IF EXISTS {name}")


def already_filled() -> int:
    from casedesk.cases.models import Case

    return Case.objects.count()


def load_world() -> World:
    """The bench world of a kept database filled before."""
    from django.contrib.auth import get_user_model

    from casedesk.customers.models import Customer, Subscription, SupportContact

    users = get_user_model()
    orgs, logins, tv = [], [], None
    for customer in Customer.objects.filter(slug__startswith="org").order_by("slug"):
        sub = Subscription.objects.filter(customer=customer).select_related("terms_version")[0]
        tv = sub.terms_version
        contacts = []
        for c in SupportContact.objects.filter(customer=customer).order_by("pk"):
            contacts.append((c.pk, c.user_id, f"{c.name} <{c.email}>"))
            if c.user_id:
                logins.append((users.objects.get(pk=c.user_id), customer.pk))
        orgs.append(Org(customer.pk, sub.pk, sub.level, contacts))
    agent = users.objects.get(username="fill-agent")
    manager = users.objects.get(username="fill-manager")
    return World(tv, orgs, agent, manager, logins)


def iter_sizes(text: str) -> Iterator[int]:
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        mult = 1_000_000 if part.endswith("m") else 1000 if part.endswith("k") else 1
        yield int(float(part.rstrip("mk")) * mult)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", default="100k", help="cases to build (100000, 100k, 1m)")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--keep", metavar="NAME", help="keep the database under this name")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    n = next(iter_sizes(args.n))
    cleanup = setup_database(args.database, args.keep)
    try:
        have = already_filled()
        if have:
            sys.exit(f"The database already holds {have:,} cases; drop it or use another --keep.")
        print(f"filling {n:,} cases on {args.database}" + (f" ({args.keep})" if args.keep else ""))
        filled = fill(n, seed=args.seed)
        print(
            f"{args.database}: {filled.n:,} cases, {filled.events:,} events in "
            f"{filled.seconds:.1f} s ({filled.n / filled.seconds:,.0f} cases/s)"
        )
    finally:
        cleanup()


if __name__ == "__main__":
    main()
