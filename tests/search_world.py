"""Search tests' world (a pytest plugin): a few cases of two organisations with public and
internal text, for the service, console, portal and API tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.lib import clock
from tests.cases.helpers import pt

NOW = pt(2026, 11, 23, 10, 0)


@dataclass
class Cases:
    failover: Case  # Acme's, with an internal note and a public log file
    slow_ui: Case  # Acme's, closed
    globex: Case  # Globex's, sharing words with Acme's failover case


def opened(contact, subject: str, description: str, minutes_ago: int) -> Case:  # type: ignore[no-untyped-def]
    at = NOW - dt.timedelta(minutes=minutes_ago)
    with clock.pinned(at):
        return cs.open_case(
            contact, channel="web", subject=subject, description=description, received_at=at
        )


@pytest.fixture
def searchable(world) -> Iterator[Cases]:  # type: ignore[no-untyped-def]
    failover = opened(
        world.alice,
        "Scheduler loses heartbeats",
        "After a failover the scheduler loses heartbeats from every agent node.",
        minutes_ago=300,
    )
    slow_ui = opened(world.alice, "Dashboard is slow", "The dashboard takes a minute.", 200)
    globex = opened(world.bob, "Heartbeats missing", "The scheduler loses heartbeats too.", 100)
    with clock.pinned(NOW - dt.timedelta(minutes=50)):
        cs.add_note(world.agent, failover, "Zookeeper quorum was lost; password rotation pending.")
        cs.customer_reply(
            world.alice,
            failover,
            body="Logs attached.",
            attachments=[("mesos-master.log", "text/plain", b"x")],
        )
        cs.respond(world.agent, slow_ui, "Fixed by clearing the <b>cache</b> & indexes.")
        cs.close(world.agent, slow_ui)
    with clock.pinned(NOW):
        yield Cases(failover, slow_ui, globex)
