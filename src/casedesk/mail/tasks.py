"""Mail tasks (Django Tasks API): one-line wrappers, run by `casedesk worker` / `db_worker`.

The outbox's own delivery task is `casedesk.mail.outbox.deliver_task`; the worker fetches IMAP
mail itself (no task). The three notification tasks below are no longer queued: they stay so
that tasks queued by an older casedesk, before the outbox, still put their mail in the outbox
when a worker runs them after the upgrade.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import task

from casedesk.cases.models import CaseEvent
from casedesk.mail import notify


def _outcome(record: Any) -> str:
    return f"queued: {record.message_id}" if record is not None else "skipped"


@task()
def notify_event_task(event_id: int) -> str:
    event = CaseEvent.objects.select_related("case__contact").filter(pk=event_id).first()
    with transaction.atomic():
        return _outcome(notify.queue_event_mail(event) if event is not None else None)


@task()
def acknowledge_task(
    case_id: int, in_reply_to: str, references: list[str], refused: list[list[Any]]
) -> str:
    with transaction.atomic():
        return _outcome(notify.schedule_acknowledgement(case_id, in_reply_to, references, refused))


@task()
def send_notice_task(spec: dict[str, Any]) -> str:
    with transaction.atomic():
        return _outcome(notify.schedule_notice(**spec))
