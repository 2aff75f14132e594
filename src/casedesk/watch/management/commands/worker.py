"""`casedesk worker`: the periodic SLA sweep plus a django-tasks-db worker, until SIGTERM.

Each sweep pass also delivers the outbox's due mail (casedesk.mail.outbox: notifications,
acknowledgements, notices, SLA alerts), retrying failed mail with backoff. Between sweeps the
main thread looks at the outbox's due index every second (one indexed query when nothing is
due), so new mail that was queued without a task (intake's acknowledgements) goes out within
about a second of its commit; the task worker sends other new mail right after its commit. The
sweep runs every --interval seconds in the main thread; the task worker runs in a thread beside
it (each thread has its own database connection). SIGTERM or SIGINT lets the current item
finish, stops both and exits. Several `casedesk worker` processes may run against one PostgreSQL
database: every claim is a compare-and-set UPDATE. On Redis, see casedesk.watch.tasks.

A third thread stamps this worker's heartbeat; on start and on every sweep the worker runs again
the tasks a dead worker left RUNNING (casedesk.watch.recovery).
"""

from __future__ import annotations

import datetime as dt
import signal
import threading
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from casedesk.api import idempotency
from casedesk.lib import clock
from casedesk.mail import imap, outbox
from casedesk.watch import recovery
from casedesk.watch import sweep as watch

# How often the outbox's due mail is looked at between sweeps: the acknowledgements' delay.
OUTBOX_POLL_SECONDS = 1.0
# How often, at most, abandoned tasks and expired idempotency keys are looked for.
RECOVERY_EVERY = 60.0


class Command(BaseCommand):
    help = (
        "Run background tasks and the periodic pass: SLA sweep (warnings, escalation, paging) "
        "and outbound mail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=15.0, help="seconds between SLA sweeps when idle"
        )
        parser.add_argument(
            "--batch", type=int, default=500, help="due cases claimed per sweep pass"
        )
        parser.add_argument(
            "--lease",
            type=float,
            default=float(settings.CASEDESK_MAIL_LEASE_SECONDS),
            help="seconds before mail a crashed worker was sending is tried again "
            "(default: CASEDESK_MAIL_LEASE_SECONDS, 120)",
        )
        parser.add_argument(
            "--no-tasks", action="store_true", help="sweep only; run no django-tasks-db worker"
        )
        parser.add_argument("--once", action="store_true", help="run one sweep pass and exit")

    def handle(
        self,
        *args: Any,
        interval: float,
        batch: int,
        lease: float,
        no_tasks: bool,
        once: bool,
        **options: Any,
    ) -> None:
        if interval <= 0 or batch <= 0 or lease <= 0:
            raise CommandError(
                "--interval, --batch and --lease must be positive; e.g. --interval 15"
            )
        _require_migrated()
        self.stop = threading.Event()
        self.batch, self.lease = batch, dt.timedelta(seconds=lease)
        self.worker_id = get_random_string(32)
        self.next_recovery = 0.0
        recovery.register(self.worker_id, clock.now())
        if once:
            self.stdout.write(f"swept: {self.handle_one_sweep()} alerts recorded")
            recovery.stopped(self.worker_id, clock.now())
            return
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        beating = self._start_heartbeat()
        tasks = None if no_tasks else self._start_task_worker(interval)
        self.stdout.write(f"casedesk worker: SLA sweep every {interval:g} s (SIGTERM to stop)")
        next_fetch = next_sweep = time.monotonic()
        while not self.stop.is_set():
            close_old_connections()
            if settings.CASEDESK_IMAP_USER and time.monotonic() >= next_fetch:
                self.handle_one_fetch()
                next_fetch = time.monotonic() + settings.CASEDESK_IMAP_EVERY_SECONDS
            if time.monotonic() >= next_sweep:
                # A full batch means more is due: sweep again right away.
                busy = self.handle_one_sweep() >= batch
                next_sweep = time.monotonic() + (0 if busy else interval)
            else:
                busy = self.handle_one_delivery() >= batch
            if not busy:
                self.stop.wait(min(OUTBOX_POLL_SECONDS, max(next_sweep - time.monotonic(), 0)))
        if tasks is not None:
            tasks[0].running = False
            tasks[1].join(timeout=30)
        beating.join(timeout=5)
        recovery.stopped(self.worker_id, clock.now())
        self.stdout.write("casedesk worker: stopped")

    def handle_one_sweep(self) -> int:
        """One sweep pass; a full batch means more is due, so the loop continues right away."""
        try:
            self.handle_one_recovery()
            return watch.sweep(clock.now(), limit=self.batch, lease=self.lease)
        finally:
            close_old_connections()

    def handle_one_recovery(self) -> None:
        """Queue again the tasks a dead worker left RUNNING: on start, then with the sweep at
        most every RECOVERY_EVERY (finished task rows pile up; their table is not read often)."""
        if time.monotonic() < self.next_recovery:
            return
        self.next_recovery = time.monotonic() + min(
            RECOVERY_EVERY, recovery.lease().total_seconds() / 2
        )
        now = clock.now()
        recovered = recovery.recover(now, by=self.worker_id)
        if recovered:
            self.stdout.write(f"casedesk worker: {recovered} abandoned task(s) queued again")
        recovery.forget_old_workers(now)
        idempotency.purge_expired(now)  # API idempotency keys older than 24 hours

    def handle_one_delivery(self) -> int:
        """Send the outbox's due mail between sweeps; returns how many were sent."""
        try:
            return outbox.deliver_due(clock.now(), limit=self.batch, lease=self.lease)
        finally:
            close_old_connections()

    def handle_one_fetch(self) -> None:
        """Fetch support mail over IMAP; a failure is reported and retried on the next round."""
        try:
            result = imap.fetch_once()
        except Exception as exc:  # noqa: BLE001 - the worker must keep sweeping SLAs
            self.stderr.write(f"casedesk worker: IMAP fetch failed ({exc}); retrying later")
            return
        finally:
            close_old_connections()
        if result.accepted or result.left:
            self.stdout.write(f"fetched {result.accepted} message(s), {result.left} left for later")

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stdout.write(f"casedesk worker: {signal.Signals(signum).name}, finishing up")
        self.stop.set()

    def _start_task_worker(self, interval: float) -> tuple[Any, threading.Thread]:
        worker = Worker(
            queue_names=["*"],
            interval=min(interval, 1.0),
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,  # the tasks it claims name this worker's heartbeat
            excluded_queue_names=[],
        )

        def run() -> None:
            try:
                worker.run()
            finally:
                connection.close()  # this thread's own connection

        thread = threading.Thread(target=run, name="casedesk-tasks", daemon=True)
        thread.start()
        return worker, thread

    def _start_heartbeat(self) -> threading.Thread:
        """Stamp the heartbeat on a timer, in a thread of its own: a long sweep or a slow task
        must not make a live worker look gone."""

        def run() -> None:
            try:
                while not self.stop.wait(recovery.heartbeat_every()):
                    try:
                        recovery.beat(self.worker_id, clock.now())
                    except Exception as exc:  # noqa: BLE001 - a missed beat is retried next time
                        self.stderr.write(f"casedesk worker: heartbeat failed ({exc})")
                        close_old_connections()
            finally:
                connection.close()  # this thread's own connection

        thread = threading.Thread(target=run, name="casedesk-heartbeat", daemon=True)
        thread.start()
        return thread


def _require_migrated() -> None:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError("The database has unapplied migrations; run `casedesk migrate` first.")
