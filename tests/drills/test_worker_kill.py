"""Drill: `kill -9` a worker in the middle of a task; after a restart every effect happens once.

Real `casedesk worker` processes, a real SMTP relay that takes 0.6 s per message (so a task
is mid-send when the worker dies), the test database (SQLite or PostgreSQL).
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from casedesk.mail import outbox
from casedesk.mail.models import OutboundMessage
from casedesk.watch.models import RecoveredTask

from .helpers import Relay, casedesk, kill_hard, stop, subprocess_env, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

MAILS = 4


def _queue(n: int) -> list[str]:
    ids = []
    with transaction.atomic():
        for i in range(n):
            record = outbox.enqueue(
                to=["ops@acme.example"],
                subject=f"Drill {i}",
                body="A notification.",
                kind="notice",
                now=timezone.now(),
                key=f"drill:{i}",
            )
            assert record is not None
            ids.append(record.message_id)
    return ids


def _mid_send() -> DBTaskResult | None:
    """A task running for a while: its worker is inside the relay's slow DATA."""
    started = timezone.now() - timezone.timedelta(seconds=0.3)
    return DBTaskResult.objects.running().filter(started_at__lt=started).first()


def _all_done() -> bool:
    tasks = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()
    return not tasks and not OutboundMessage.objects.exclude(status="sent").exists()


def test_a_task_killed_mid_run_is_run_again_and_each_mail_is_delivered_once(world):
    relay = Relay(delay=0.6)
    relay.start()
    ids = _queue(MAILS)
    env = subprocess_env(
        EMAIL_PORT=relay.port,
        EMAIL_TIMEOUT=5,
        CASEDESK_TASK_LEASE_SECONDS=1,
        CASEDESK_WORKER_HEARTBEAT_SECONDS=1,
        CASEDESK_MAIL_LEASE_SECONDS=2,  # the killed send is tried again 2 s after its claim
    )
    args = ("worker", "--interval", "1", "--lease", "2")
    try:
        first = casedesk(env, *args)
        stuck = wait_until(_mid_send, 30, "a task in the middle of sending")
        kill_hard(first)
        stuck.refresh_from_db()
        assert stuck.status == "RUNNING"  # in limbo: the backend alone never runs it again

        second = casedesk(env, *args)
        try:
            wait_until(_all_done, 60, "every task finished and every mail sent")
        except AssertionError:
            err = stop(second)
            tasks = list(DBTaskResult.objects.values_list("status", "worker_ids", "started_at"))
            mails = list(OutboundMessage.objects.values_list("status", "attempts", "error"))
            raise AssertionError(f"{tasks}\n{mails}\n{relay.received}\n{err}") from None
        err = stop(second)
    finally:
        relay.stop()

    assert Counter(relay.received) == Counter(ids), err  # each mail exactly once
    stuck.refresh_from_db()
    assert stuck.status == "SUCCESSFUL"
    recovered = RecoveredTask.objects.get(task_id=stuck.pk)
    assert recovered.dead_worker_id == stuck.worker_ids[0]
