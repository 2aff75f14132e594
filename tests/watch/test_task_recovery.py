"""Tasks a dead worker left RUNNING are queued again, once; a live worker's tasks are left alone.

The tasks are real django-tasks-db rows (the outbox's first-attempt task); "dead" is a heartbeat
that stopped, or a process on this host that no longer exists.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from casedesk.mail import outbox
from casedesk.watch import recovery
from casedesk.watch.models import RecoveredTask, WorkerHeartbeat

pytestmark = pytest.mark.django_db

PAGE = "/console/tasks/"


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _heartbeat(worker_id: str, *, pid: int, beat_ago: float = 0, host: str = "") -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname=host or socket.gethostname(),
        pid=pid,
        started_at=now - dt.timedelta(hours=1),
        beat_at=now - dt.timedelta(seconds=beat_ago),
    )


def _running_task(worker_id: str, *, started_ago: dt.timedelta) -> DBTaskResult:
    result = outbox.deliver_task.enqueue(10**9)  # a mail that does not exist: running it is a no-op
    task = DBTaskResult.objects.get(pk=result.id)
    task.claim(worker_id)
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - started_ago)
    return DBTaskResult.objects.get(pk=task.pk)


def _past_lease() -> dt.timedelta:
    return recovery.lease() + dt.timedelta(seconds=5)


def test_it_queues_again_a_task_whose_worker_process_is_gone():
    _heartbeat("w-dead", pid=_dead_pid())
    task = _running_task("w-dead", started_ago=_past_lease())

    assert recovery.recover(timezone.now(), by="w-new") == 1
    assert recovery.recover(timezone.now(), by="w-other") == 0  # once, whoever asks again

    task.refresh_from_db()
    assert task.status == "READY"
    recovered = RecoveredTask.objects.get()
    assert (recovered.task_id, recovered.dead_worker_id, recovered.recovered_by) == (
        task.pk,
        "w-dead",
        "w-new",
    )


def test_it_queues_again_a_task_whose_worker_stopped_beating_on_another_host():
    _heartbeat("w-far", pid=1, beat_ago=recovery.stale_after().total_seconds() + 1, host="far")
    task = _running_task("w-far", started_ago=_past_lease())

    assert recovery.recover(timezone.now(), by="w-new") == 1
    task.refresh_from_db()
    assert task.status == "READY"


def test_it_leaves_alone_a_long_task_of_a_live_worker():
    _heartbeat("w-live", pid=os.getpid())
    _heartbeat("w-far-live", pid=1, host="far")
    mine = _running_task("w-live", started_ago=_past_lease())
    theirs = _running_task("w-far-live", started_ago=_past_lease())

    assert recovery.recover(timezone.now(), by="w-new") == 0
    assert {t.status for t in DBTaskResult.objects.filter(pk__in=[mine.pk, theirs.pk])} == {
        "RUNNING"
    }


def test_it_waits_for_the_lease_before_recovering():
    _heartbeat("w-dead", pid=_dead_pid())
    task = _running_task("w-dead", started_ago=dt.timedelta(seconds=1))

    assert recovery.recover(timezone.now(), by="w-new") == 0
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_a_task_of_a_worker_without_heartbeat_counts_as_abandoned_after_the_lease():
    task = _running_task("plain-db-worker", started_ago=_past_lease())
    assert recovery.recover(timezone.now(), by="w-new") == 1
    task.refresh_from_db()
    assert task.status == "READY"


def test_a_cleanly_stopped_worker_is_gone():
    _heartbeat("w-stopped", pid=os.getpid())
    recovery.stopped("w-stopped", timezone.now())
    _running_task("w-stopped", started_ago=_past_lease())
    assert recovery.recover(timezone.now(), by="w-new") == 1


# -- the console page -----------------------------------------------------------------------------


def _as(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_managers_see_running_failed_waiting_and_recovered_tasks_with_their_age(world):
    _heartbeat("w-dead", pid=_dead_pid())
    _heartbeat("w-live", pid=os.getpid())
    stuck = _running_task("w-dead", started_ago=dt.timedelta(hours=2, minutes=5))
    busy = _running_task("w-live", started_ago=dt.timedelta(minutes=3))
    client = _as(world.manager)

    running = client.get(PAGE).content.decode()
    assert "Running (2)" in running
    assert f'id="task-{stuck.pk}"' in running and f'id="task-{busy.pk}"' in running
    assert "2\xa0hours, 5\xa0minutes" in running and "worker gone" in running
    assert "3\xa0minutes" in running and "worker alive" in running

    recovery.recover(timezone.now(), by="w-new")
    recovered = client.get(PAGE, {"list": "recovered"}).content.decode()
    assert "Recovered (1)" in recovered and f'id="task-{stuck.pk}"' in recovered
    assert "outbox.deliver_task" in recovered and "w-dead" in recovered
    waiting = client.get(PAGE, {"list": "waiting"}).content.decode()
    assert "Waiting (1)" in waiting and f'id="task-{stuck.pk}"' in waiting

    failed = client.get(PAGE, {"list": "failed"}).content.decode()
    assert "No task has failed." in failed


def test_the_tasks_page_is_for_managers_only(world):
    assert _as(world.agent).get(PAGE).status_code == 404
    assert _as(world.alice.user).get(PAGE).status_code == 404
    assert Client().get(PAGE).status_code == 302  # to the sign-in page
