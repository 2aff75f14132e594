"""Abandoned background tasks: worker heartbeats, and running again what a dead worker held.

django-tasks-db (0.13) leaves a task RUNNING for ever when its worker dies mid-run (its issue
"Unclean exits of the worker leave tasks in limbo" is open; the backend has no recovery of its
own). This module is casedesk's one place for it:

- every `casedesk worker` stamps a `WorkerHeartbeat` row on a timer (`beat`), under the same id
  it gives the task backend's worker, so the tasks it claims name it in `worker_ids`;
- `recover` (run by each worker on start and on every sweep) puts back in the queue each task
  RUNNING longer than the lease (CASEDESK_TASK_LEASE_SECONDS) whose worker is gone: no heartbeat
  row, a clean stop, three missed beats, or, on this host, no such process any more. The put-back
  is a compare-and-set UPDATE on (status, started_at), so two workers recover it once.

Running a task again is safe because every task's effect is keyed: `outbox.deliver_task` and
`pager.deliver_page_task` claim their row with a compare-and-set on `next_attempt_at` and store
the outcome conditionally on that claim, so a second run sends nothing already sent.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import RecoveredTask, WorkerHeartbeat

MISSED_BEATS = 3  # a worker that missed three heartbeats in a row is gone


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.CASEDESK_TASK_LEASE_SECONDS)


def heartbeat_every() -> float:
    return float(max(settings.CASEDESK_WORKER_HEARTBEAT_SECONDS, 1))


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=heartbeat_every() * MISSED_BEATS)


# -- heartbeats -----------------------------------------------------------------------------------


def register(worker_id: str, now: dt.datetime) -> WorkerHeartbeat:
    """The worker's first beat, before it claims any task."""
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname=socket.gethostname()[:255],
        pid=os.getpid(),
        started_at=now,
        beat_at=now,
    )


def beat(worker_id: str, now: dt.datetime) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id, stopped_at=None).update(beat_at=now)


def stopped(worker_id: str, now: dt.datetime) -> None:
    """A clean stop: the worker finished its task; anything still RUNNING under it is abandoned."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now, stopped_at=now)


def is_gone(heartbeat: WorkerHeartbeat | None, now: dt.datetime) -> bool:
    if heartbeat is None or heartbeat.stopped_at is not None:
        return True
    if heartbeat.beat_at < now - stale_after():
        return True
    return heartbeat.hostname == socket.gethostname() and not _process_exists(heartbeat.pid)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


# -- recovery -------------------------------------------------------------------------------------


def _last_worker(task: DBTaskResult) -> str:
    ids = task.worker_ids or []
    return str(ids[-1]) if ids else ""


def abandoned(now: dt.datetime) -> list[DBTaskResult]:
    """Tasks RUNNING longer than the lease whose worker is gone."""
    running = list(DBTaskResult.objects.running().filter(started_at__lt=now - lease()))
    ids = {_last_worker(t) for t in running}
    beats = {h.worker_id: h for h in WorkerHeartbeat.objects.filter(worker_id__in=ids)}
    return [t for t in running if is_gone(beats.get(_last_worker(t)), now)]


def recover(now: dt.datetime, *, by: str) -> int:
    """Put every abandoned task back in the queue; returns how many this call recovered."""
    return sum(_requeue(task, now, by) for task in abandoned(now))


def _requeue(task: DBTaskResult, now: dt.datetime, by: str) -> bool:
    with transaction.atomic():
        # Compare-and-set on the claim we saw: a task another worker recovered (and maybe ran)
        # meanwhile is left alone.
        claimed = DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
        ).update(status=TaskResultStatus.READY)
        if claimed != 1:
            return False
        RecoveredTask.objects.create(
            task_id=task.pk,
            task_path=task.task_path,
            dead_worker_id=_last_worker(task),
            started_at=task.started_at,
            recovered_at=now,
            recovered_by=by,
        )
    return True


def forget_old_workers(now: dt.datetime, keep: dt.timedelta = dt.timedelta(days=7)) -> int:
    """Heartbeats of workers gone for a week hold nothing any more: delete them."""
    deleted, _ = WorkerHeartbeat.objects.filter(beat_at__lt=now - keep).delete()
    return deleted


# -- what the console shows -----------------------------------------------------------------------

LISTS = {
    "waiting": "Waiting",
    "running": "Running",
    "failed": "Failed",
    "recovered": "Recovered",
}


@dataclass(frozen=True, slots=True)
class TaskRow:
    task_id: str
    name: str
    since: dt.datetime | None  # queued, started, finished or recovered: what the age counts from
    worker: str
    note: str  # the worker's state, the error class, or who recovered it


def counts() -> dict[str, int]:
    tasks = DBTaskResult.objects
    return {
        "waiting": tasks.filter(status=TaskResultStatus.READY).count(),
        "running": tasks.running().count(),
        "failed": tasks.failed().count(),
        "recovered": RecoveredTask.objects.count(),
    }


def listing(kind: str) -> QuerySet[Any]:
    """The rows of one list, oldest first (newest recovery first)."""
    if kind == "recovered":
        return RecoveredTask.objects.order_by("-recovered_at", "-pk")
    tasks = DBTaskResult.objects.defer("args_kwargs", "return_value", "traceback")
    if kind == "running":
        return tasks.running().order_by("started_at")
    if kind == "failed":
        return tasks.failed().order_by("-finished_at")
    return tasks.filter(status=TaskResultStatus.READY).order_by("enqueued_at")


def rows(kind: str, items: list[Any], now: dt.datetime) -> list[TaskRow]:
    """One page of a list as the console shows it."""
    if kind == "recovered":
        return [
            TaskRow(str(r.task_id), _short(r.task_path), r.recovered_at, r.dead_worker_id, "")
            for r in items
        ]
    beats = {h.worker_id: h for h in WorkerHeartbeat.objects.filter(worker_id__in=_ids(items))}
    return [_task_row(kind, t, beats, now) for t in items]


def _ids(items: list[DBTaskResult]) -> set[str]:
    return {_last_worker(t) for t in items}


def _task_row(
    kind: str, task: DBTaskResult, beats: dict[str, WorkerHeartbeat], now: dt.datetime
) -> TaskRow:
    worker = _last_worker(task)
    since = {"running": task.started_at, "failed": task.finished_at}.get(kind, task.enqueued_at)
    note = ""
    if kind == "running":
        note = "worker gone" if is_gone(beats.get(worker), now) else "worker alive"
    elif kind == "failed":
        note = task.exception_class_path.rsplit(".", 1)[-1]
    return TaskRow(str(task.pk), _short(task.task_path), since, worker, note)


def _short(task_path: str) -> str:
    """`casedesk.mail.outbox.deliver_task` -> `outbox.deliver_task`."""
    return ".".join(task_path.split(".")[-2:])
