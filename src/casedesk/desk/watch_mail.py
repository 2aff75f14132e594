"""Mail to the engineers watching a case: its internal notes and everything the customer hears
or says, queued in the change's transaction like the customer's mail (key "watch:<event id>")."""

from __future__ import annotations

from casedesk.cases.models import CaseEvent, EventKind
from casedesk.desk.recipients import watcher_addresses
from casedesk.lib import clock
from casedesk.lib.links import console_case_url
from casedesk.mail import outbox

ALWAYS = frozenset({EventKind.NOTE, EventKind.REPLIED, EventKind.CUSTOMER_REPLIED})


def mail_watchers(event: CaseEvent, *, public_news: bool) -> None:
    if event.kind not in ALWAYS and not public_news:
        return
    case = event.case
    to = watcher_addresses(case, except_user_id=event.actor_id)
    if not to:
        return
    outbox.enqueue(
        to=to,
        subject=f"[{case.tracking_number}] {case.subject}",
        body=watch_text(event),
        kind="watch",
        key=f"watch:{event.pk}",
        now=clock.now(),
        case_id=case.pk,
        tracking_number=case.tracking_number,
        reply_to_support=False,  # engineers answer on the case page, not by mail
        new_key=True,  # the event was recorded in this transaction
    )


def watch_text(event: CaseEvent) -> str:
    visibility = "internal" if not event.public else "public"
    lines = [f"{event.actor_label} · {event.get_kind_display()} ({visibility})"]
    if event.reason:
        lines.append(f"Reason: {event.reason}")
    if event.body:
        lines += ["", event.body]
    lines += ["", f"Open the case: {console_case_url(event.case.tracking_number)}", ""]
    lines.append("You get this because you watch the case; stop watching on its page.")
    return "\n".join(lines) + "\n"
