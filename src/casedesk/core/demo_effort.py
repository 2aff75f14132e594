"""Demo cases that show effort after the first response: quiet cases in the console's lane (one
escalated, one on a business-hours level that the night does not make quiet), and a case whose
engineer asked the customer for logs (a waiting period the effort clock skips). The year of
history has quiet periods of its own (replies followed by hours of silence before resolution),
which the effort report counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.lib import clock

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from casedesk.customers.models import SupportContact

H = dt.timedelta(hours=1)


def _answered(
    contact: SupportContact, agent: User, subject: str, severity: int, received: dt.datetime
) -> Case:
    case = cs.open_case(
        contact,
        channel="web",
        subject=subject,
        description="Production is affected; details in the thread.",
        requested_severity=severity,
        received_at=received,
    )
    case = cs.confirm_severity_request(
        agent, case, "Production impact confirmed.", at=received + 0.1 * H
    )
    with clock.pinned(received + 0.2 * H):
        case = cs.assign(agent, case, agent)
    cs.respond(
        agent, case, "We are looking into it and will update you here.", at=received + 0.5 * H
    )
    return case


def seed_effort(
    contacts: dict[str, SupportContact], agents: Sequence[User], now: dt.datetime
) -> None:
    """`contacts`: one contact per level key (signature, premium, standard)."""
    ana, raj = agents[0], agents[-1]
    # Premium Sev 1, 24x7: answered 7 hours ago, one note, then silence: quiet and escalated.
    quiet = _answered(
        contacts["premium"], ana, "Order service times out under load", 1, now - 7.5 * H
    )
    cs.add_note(ana, quiet, "Reproduced with 200 rps; suspect the connection pool.", at=now - 6 * H)
    # Signature Sev 2 (business hours effort): a note, a wait for logs, then quiet again.
    busy = _answered(
        contacts["signature"], raj, "Metrics gaps every night at 02:00", 2, now - 30 * H
    )
    cs.add_note(raj, busy, "Correlates with the backup job.", at=now - 27 * H)
    cs.ask_customer(raj, busy, ["The agent logs from 01:30 to 02:30"], at=now - 26 * H)
    cs.customer_reply(contacts["signature"], busy, body="Logs attached.", received_at=now - 20 * H)
    # Standard Sev 1 (business hours): its effort clock stops at closing time.
    _answered(contacts["standard"], ana, "Masters do not elect a leader", 1, now - 3 * H)
