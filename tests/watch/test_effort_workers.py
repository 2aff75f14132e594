"""Real `casedesk worker` processes over quiet cases: every quiet warning sent exactly once.

Runs on SQLite and on PostgreSQL (the suite's DATABASE_URL), as the response watch's test does.
"""

from __future__ import annotations

import datetime as dt
import signal
import time
from collections import Counter

import pytest

from casedesk.cases.models import Case, CaseEvent, EventKind
from casedesk.mail.models import OutboundMessage
from casedesk.watch.models import EffortWatch, SlaAlert
from tests.watch.helpers import bulk_cases
from tests.watch.test_workers import _stop, _worker, sink  # noqa: F401 - `sink` is a fixture

N = 300


def _quiet_cases(world) -> list[int]:
    """N Premium Sev 1 cases answered 3 hours ago: quiet since an hour (interval 2 hours), the
    escalation an hour away."""
    now = dt.datetime.now(dt.UTC)
    received, responded = now - dt.timedelta(hours=4), now - dt.timedelta(hours=3)
    ids = bulk_cases(
        world.alice, N, received_at=received, severity=1, due_at=now + dt.timedelta(days=9)
    )
    events = []
    for pk in ids:
        events.append(
            CaseEvent(
                case_id=pk,
                kind=EventKind.RECEIVED,
                actor_label="x",
                at=received,
                data={"severity": 1},
            )
        )
        events.append(
            CaseEvent(
                case_id=pk,
                kind=EventKind.REPLIED,
                actor_label="agent",
                at=responded,
                actor_id=world.agent.pk,
            )
        )
    CaseEvent.objects.bulk_create(events, batch_size=2000)
    Case.objects.filter(pk__in=ids).update(
        first_response_at=responded,
        response_outcome="met",
        last_activity_at=responded,
        quiet_at=responded + dt.timedelta(hours=2),
    )
    EffortWatch.objects.bulk_create(
        [
            EffortWatch(
                case_id=pk,
                next_at=responded + dt.timedelta(hours=2),
                next_kind="quiet",
                updated_at=now,
            )
            for pk in ids
        ]
    )
    return ids


def _sent() -> int:
    return OutboundMessage.objects.filter(kind="effort:quiet", status="sent").count()


def _wait_until(condition, timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, f"timed out: {_sent()} of {N} sent"
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_it_sends_every_quiet_warning_once_with_two_workers(world, sink):  # noqa: F811
    ids = _quiet_cases(world)
    workers = [_worker(sink, lease=60), _worker(sink, lease=60)]
    try:
        _wait_until(lambda: _sent() == N)
    finally:
        _stop(*workers)
    assert [w.returncode for w in workers] == [0, 0], [w.stderr.read() for w in workers]
    alerts = SlaAlert.objects.filter(kind="quiet")
    assert sorted(alerts.values_list("case_id", flat=True)) == sorted(ids)
    expected = {
        f"<sla-{pk}.quiet@support.casedesk.localhost>" for pk in alerts.values_list("pk", flat=True)
    }
    assert Counter(m for m in sink.message_ids if ".quiet@" in m) == Counter(expected)
    # Each watch now waits for the escalation at twice the interval, and nothing else is due.
    assert not EffortWatch.objects.filter(next_kind="quiet").exists()
    assert EffortWatch.objects.filter(next_kind="quiet2x").count() == N


@pytest.mark.django_db(transaction=True)
def test_it_sends_every_quiet_warning_after_a_worker_is_killed(world, sink):  # noqa: F811
    _quiet_cases(world)
    first = _worker(sink)
    try:
        _wait_until(lambda: _sent() >= 40)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        second = _worker(sink)
        try:
            _wait_until(lambda: _sent() == N)
        finally:
            _stop(second)
    finally:
        if first.poll() is None:
            first.kill()
    assert SlaAlert.objects.filter(kind="quiet").count() == N
    counts = Counter(m for m in sink.message_ids if ".quiet@" in m)
    assert len(counts) == N  # nothing lost
    assert sum(counts.values()) - N <= 1  # at most the one in flight at the kill, same Message-ID
