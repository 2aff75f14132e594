"""Issue 18 in headless Chromium: an engineer takes a case from "Unassigned", replies, and the
queue moves it to "Mine"; a bulk close as duplicate refuses the original with its reason and
closes the others. Screenshots in artifacts/screenshots/."""

from __future__ import annotations

import os

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import Status

from .test_journey import _login, _shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _open(contact, subject):
    return cs.open_case(contact, channel="web", subject=subject)


def _rows(page) -> list[str]:
    return page.locator("#open-cases tbody tr td:nth-child(2) a").all_inner_texts()


def test_take_reply_and_the_queue_moves_the_case(browser, live_server, world):
    case = _open(world.alice, "Scheduler stuck")
    ref = case.tracking_number
    agent = _login(browser, live_server, "agent")
    agent.goto(f"{live_server.url}/console/?show=unassigned")
    assert _rows(agent) == [ref]
    agent.click(f"#open-cases tr:has-text('{ref}') button.take")
    agent.wait_for_selector(f"text={ref} is yours now.")
    assert _rows(agent) == []  # back on "Unassigned", which no longer lists it
    agent.click("#open-cases .scopes >> text=Mine")
    assert _rows(agent) == [ref]
    agent.click(f"#open-cases a:text('{ref}')")
    assert "You own this case." in agent.inner_text("#owner")
    agent.fill("#respond textarea[name=body]", "Looking at the scheduler now.")
    agent.click("#respond button[type=submit]")
    agent.wait_for_selector("text=Looking at the scheduler now.")
    agent.goto(f"{live_server.url}/console/?show=mine")
    _shot(agent, "queue-mine-after-take-and-reply")
    assert _rows(agent) == [ref]
    case.refresh_from_db()
    assert case.assignee == world.agent and case.first_response_at is not None


def test_a_bulk_close_refuses_one_case_with_its_reason_and_closes_the_others(
    browser, live_server, world
):
    original = _open(world.alice, "Scheduler crashes")
    copies = [_open(world.alice, f"Scheduler crashes again {n}") for n in (1, 2)]
    agent = _login(browser, live_server, "agent")
    agent.goto(f"{live_server.url}/console/")
    for case in [original, *copies]:
        agent.check(f"input[name=case][value='{case.tracking_number}']")
    agent.select_option("#bulk-action", "duplicate")
    agent.fill("#bulk-duplicate_of", original.tracking_number)
    _shot(agent, "queue-bulk-bar")
    agent.click("#bulk-apply")
    agent.wait_for_selector("#bulk-refused")
    refused = agent.inner_text("#bulk-refused")
    assert (
        f"{original.tracking_number}: Give the tracking number of another case of Acme" in refused
    )
    done = agent.inner_text("#bulk-done")
    for case in copies:
        assert (
            f"{case.tracking_number}: Closed as a duplicate of {original.tracking_number}." in done
        )
    _shot(agent, "bulk-result")
    statuses = {c.tracking_number: c.status for c in [original, *copies] if not c.refresh_from_db()}
    assert statuses == {
        original.tracking_number: Status.NEW,
        copies[0].tracking_number: Status.RESOLVED,
        copies[1].tracking_number: Status.RESOLVED,
    }
