"""Real `casedesk worker` processes over 500 due cases: every alert sent exactly once.

Alerts are queued in the outbox (casedesk.mail.outbox) and sent by the same workers' passes.

Mail goes to a real SMTP sink (aiosmtpd) on loopback; the workers reach the test database through
the environment. Runs on SQLite (one writer at a time) and on PostgreSQL (skip_locked claims).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from email import message_from_bytes
from urllib.parse import urlsplit, urlunsplit

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from casedesk.mail.models import OutboundMessage
from casedesk.watch.models import CaseWatch, SlaAlert
from tests.watch.helpers import bulk_cases

N = 500


class Sink:
    def __init__(self) -> None:
        self.message_ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.message_ids.append(message_from_bytes(envelope.content)["Message-ID"])
        return "250 OK"


@pytest.fixture
def sink():
    handler = Sink()
    with socket.socket() as s:  # a free port (aiosmtpd cannot start on port 0)
        s.bind(("127.0.0.1", 0))
        handler.port = s.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


def _env(sink: Sink) -> dict[str, str]:
    env = {**os.environ, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink.port)}
    name = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":
        url = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{name}"))
    else:
        env["CASEDESK_DB_NAME"] = str(name)  # an absolute path: the test database file
    return env


def _worker(sink: Sink, lease: float = 2) -> subprocess.Popen[bytes]:
    # A short lease lets a survivor take over a killed worker's mail quickly; the exactly-once
    # tests pass a long one, since a send stalled past its lease is sent again (at-least-once).
    args = ["worker", "--no-tasks", "--interval", "0.2", "--batch", "25", "--lease", str(lease)]
    return subprocess.Popen(
        [sys.executable, "-m", "casedesk.cli", *args],
        env=_env(sink),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _sent() -> int:
    """Alert mails the outbox has sent."""
    return OutboundMessage.objects.filter(kind__startswith="sla:", status="sent").count()


def _wait_until(condition, timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, f"timed out: {_sent()} of {N} sent"
        time.sleep(0.05)


def _stop(*workers: subprocess.Popen[bytes]) -> None:
    for w in workers:
        if w.poll() is None:
            w.send_signal(signal.SIGTERM)
    for w in workers:
        w.wait(timeout=30)


def _due_cases(world) -> list[int]:
    received = dt.datetime.now(dt.UTC) - dt.timedelta(hours=5)  # Premium Sev 2: breached 1 h ago
    return bulk_cases(world.alice, N, received_at=received, severity=2)


def _expected_ids() -> set[str]:
    return {
        f"<sla-{pk}.breach@support.casedesk.localhost>"
        for pk in SlaAlert.objects.values_list("pk", flat=True)
    }


@pytest.mark.django_db(transaction=True)
def test_it_sends_every_alert_once_with_two_workers(world, sink):
    ids = _due_cases(world)
    workers = [_worker(sink, lease=60), _worker(sink, lease=60)]
    try:
        _wait_until(lambda: _sent() == N)
    finally:
        _stop(*workers)
    assert [w.returncode for w in workers] == [0, 0], [w.stderr.read() for w in workers]
    alerts = SlaAlert.objects.all()
    assert alerts.count() == N
    assert set(alerts.values_list("case_id", flat=True)) == set(ids)
    assert set(alerts.values_list("kind", flat=True)) == {"breach"}  # the latest due only
    assert Counter(sink.message_ids) == Counter(_expected_ids())  # each exactly once
    assert not CaseWatch.objects.filter(next_alert_at__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_it_sends_every_alert_after_a_worker_is_killed(world, sink):
    _due_cases(world)
    first = _worker(sink)
    try:
        _wait_until(lambda: _sent() >= 60)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert _sent() < N, "the worker finished before it could be killed"
        second = _worker(sink)
        try:
            _wait_until(lambda: _sent() == N)
        finally:
            _stop(second)
    finally:
        if first.poll() is None:
            first.kill()
    assert SlaAlert.objects.count() == N
    counts = Counter(sink.message_ids)
    assert set(counts) == _expected_ids()  # nothing lost
    # At most the one message in flight at the kill can arrive twice, with the same Message-ID
    # (the SMTP server had accepted it but the worker died before recording "sent").
    assert sum(counts.values()) - N <= 1


@pytest.mark.django_db(transaction=True)
def test_it_sends_new_mail_within_seconds_between_sweeps(world, sink):
    """Mail queued without a task (intake's acknowledgements) does not wait for the next
    sweep (a minute away here): the loop looks at the outbox every second."""
    from casedesk.mail import outbox

    args = ["worker", "--no-tasks", "--interval", "60"]
    worker = subprocess.Popen(
        [sys.executable, "-m", "casedesk.cli", *args],
        env=_env(sink),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # Due a little later, so that the worker's first sweep cannot be what sends it.
        due = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=6)
        outbox.enqueue(
            to=["alice@acme.example"], subject="s", body="b", kind="test", now=due, nudge=False
        )
        deadline = time.monotonic() + 20
        while not sink.message_ids:
            assert time.monotonic() < deadline, "not sent between sweeps"
            time.sleep(0.1)
    finally:
        _stop(worker)
    assert worker.returncode == 0, worker.stderr.read() if worker.stderr else ""
    assert OutboundMessage.objects.get(kind="test").status == "sent"
