"""Background tasks (Django Tasks API): one-line wrappers around the watch's services.

Backends
--------
The default is `django-tasks-db` (settings.TASKS uses "django_tasks_db.DatabaseBackend"): tasks
are rows in the database, run by `casedesk worker` (or Django's `db_worker`). It works on SQLite
(one worker) and on PostgreSQL, where several workers share the queue by row locking.

Redis alternative: install `django-tasks-rq` (it brings `django-rq` and `rq`), add `"django_rq"`
to INSTALLED_APPS, configure `RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/0"}}` and
`TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}`, then run
`casedesk rqworker default` for the tasks. The SLA sweep does not depend on the task backend: keep
running `casedesk worker --no-tasks` for the periodic sweep (its claims are compare-and-set
UPDATEs in the database, so any number of sweepers is safe).
"""

from __future__ import annotations

from django_tasks import task

from casedesk.lib import clock

from . import pager
from .sweep import sweep


@task()
def sweep_task() -> int:
    return sweep(clock.now())


@task()
def deliver_page_task(delivery_id: int) -> bool:
    return pager.attempt(delivery_id, clock.now())
