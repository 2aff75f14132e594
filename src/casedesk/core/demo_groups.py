"""The demo's support groups (issue 18): "Platform" owns DC/OS cases and hands them out in turn
to its members on shift; "Questions and docs" gets questions and documentation errors, for
whoever takes them. A few cases received in the last minutes show both, plus one taken by
hand, so the queue's "Mine", "My groups" and "Unassigned" each list something."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from casedesk.cases import services as cs
from casedesk.cases.models import CaseKind
from casedesk.lib import clock

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from casedesk.customers.models import SupportContact

ROUTED = [
    # minutes ago, product, kind, subject
    (25, "DC/OS", CaseKind.PROBLEM, "Agents drop out of the cluster after the upgrade"),
    (18, "DC/OS", CaseKind.FAILURE_RECOVERY, "Restore the ZooKeeper state after a disk failure"),
    (12, "Marathon", CaseKind.QUESTION, "How to pin an app to one rack?"),
    (6, "", CaseKind.DOCUMENTATION, "The backup guide names a flag that does not exist"),
]


def seed_groups(
    manager: User, agents: Sequence[User], contacts: Sequence[SupportContact], now: dt.datetime
) -> None:
    ana, raj = agents[0], agents[1]
    cs.add_group(
        manager,
        "Platform",
        description="DC/OS clusters: installation, upgrades, recovery.",
        members=[ana, raj],
        round_robin=True,
        rules=[("DC/OS", "")],
    )
    cs.add_group(
        manager,
        "Questions and docs",
        description="How-to questions and documentation errors, any product.",
        members=[raj, ana],
        off_shift=[ana],
        rules=[("", CaseKind.QUESTION), ("", CaseKind.DOCUMENTATION)],
    )
    opened = []
    for n, (minutes, product, kind, subject) in enumerate(ROUTED):
        received = now - dt.timedelta(minutes=minutes)
        with clock.pinned(received):
            opened.append(
                cs.open_case(
                    contacts[n % len(contacts)],
                    channel="web",
                    subject=subject,
                    description="Details in the attached notes.",
                    product=product,
                    kind=kind,
                    received_at=received,
                )
            )
    with clock.pinned(now - dt.timedelta(minutes=3)):
        cs.take(raj, opened[2])  # a question raj took by hand: "Mine" for raj
