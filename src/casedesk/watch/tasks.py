"""The watch's background tasks (Django Tasks API): the pager's first attempt, `deliver_page_task`.

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

# Pages queued before the task moved beside its sender in `pager` still resolve by this path.
from .pager import deliver_page_task

__all__ = ["deliver_page_task"]
