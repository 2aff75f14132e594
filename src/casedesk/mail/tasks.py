"""Mail tasks (Django Tasks API): one-line wrappers, run by `casedesk worker` / `db_worker`."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from casedesk.mail import notify


@task()
def notify_event_task(event_id: int) -> str:
    return notify.send_event_mail(event_id)


@task()
def acknowledge_task(
    case_id: int, in_reply_to: str, references: list[str], refused: list[list[Any]]
) -> str:
    return notify.send_acknowledgement(case_id, in_reply_to, references, refused)


@task()
def send_notice_task(spec: dict[str, Any]) -> str:
    return notify.send_notice(spec)


@task()
def fetchmail_task() -> int:
    from casedesk.mail import imap

    return imap.fetch_once().accepted
