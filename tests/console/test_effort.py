"""Quiet cases in the console: their own lane with how long they have been quiet, the case page's
effort panel and timeline, and update targets due or late."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest

from casedesk.cases import services as cs
from casedesk.lib import clock
from tests.cases.effort_helpers import responded_case

from .conftest import NOW

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def _text(response, element_id: str) -> str:
    html = response.content.decode()
    match = re.search(rf'<section[^>]* id="{element_id}"[^>]*>(.*?)</section>', html, re.S)
    assert match, f"no #{element_id}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def test_the_quiet_lane_shows_quiet_cases_with_how_long(agent_client, world):
    # Premium Sev 1 answered 3 h 10 min ago: quiet (2 h interval) for 1 h 10 min.
    quiet = responded_case(
        world, world.alice, 1, NOW - 4 * H, NOW - 3 * H - dt.timedelta(minutes=10)
    )
    busy = responded_case(world, world.carol, 1, NOW - 2 * H, NOW - H)  # Signature: 2 h too
    response = agent_client.get("/console/")
    assert [r.case.pk for r in response.context["quiet"]] == [quiet.pk]
    lane = _text(response, "lane-quiet")
    assert "Quiet cases 1" in lane
    assert quiet.tracking_number in lane and busy.tracking_number not in lane
    assert "quiet 3 h 10 min" in lane


def test_the_quiet_lane_has_an_empty_state(agent_client, world):
    assert "No case has gone quiet." in _text(agent_client.get("/console/"), "lane-quiet")


def test_a_note_takes_the_case_out_of_the_lane(agent_client, world):
    case = responded_case(world, world.alice, 1, NOW - 4 * H, NOW - 3 * H)
    with clock.pinned(NOW):
        cs.add_note(world.agent, case, "Still digging")
    assert agent_client.get("/console/").context["quiet"] == []


def test_the_case_page_shows_the_effort_timeline_and_its_clock(agent_client, world):
    case = responded_case(world, world.alice, 1, NOW - 6 * H, NOW - 5 * H)
    with clock.pinned(NOW - 5 * H + dt.timedelta(minutes=30)):
        cs.add_note(world.agent, case, "Reproduced")
    panel = _text(agent_client.get(f"/console/cases/{case.tracking_number}/"), "effort")
    assert "Quiet since Mon 23 Nov 2026, 07:30 PST (4 h 30 min since the last activity)." in panel
    assert "Effort clock: wall time, all hours (24x7); quiet after 2 hours" in panel
    assert "Replied by" in panel and "Internal note by" in panel
    assert "30 min on the effort clock" in panel  # the gap between reply and note
    assert (
        "4 h 30 min on the effort clock: quiet from Mon 23 Nov 2026, 07:30 PST, "
        "escalated Mon 23 Nov 2026, 09:30 PST"
    ) in panel


def test_the_case_page_says_when_the_clock_starts(agent_client, world):
    with clock.pinned(NOW):
        case = cs.open_case(world.alice, channel="web", subject="New")
    panel = _text(agent_client.get(f"/console/cases/{case.tracking_number}/"), "effort")
    assert "The effort clock starts at the first response." in panel


def test_the_effort_timeline_shows_waiting_on_the_customer_as_not_counted(agent_client, world):
    case = responded_case(world, world.alice, 1, NOW - 6 * H, NOW - 5 * H)
    with clock.pinned(NOW - 4 * H):
        cs.customer_reply(world.alice, case, body="Which logs?")
        cs.set_status(world.agent, case, "waiting", reason="Need the scheduler logs")
    with clock.pinned(NOW - H):
        cs.set_status(world.agent, case, "triaged", reason="Logs received")
    panel = _text(agent_client.get(f"/console/cases/{case.tracking_number}/"), "effort")
    assert (
        "Mon 23 Nov 2026, 06:00 PST waiting on the customer until Mon 23 Nov 2026, 09:00 PST: "
        "not counted"
    ) in panel
    # Reply 05:00, waiting 06:00-09:00, back at 09:00: one hour counted before the wait, none
    # during it, one since.
    assert "until Mon 23 Nov 2026, 06:00 PST 1 h 0 min on the effort clock " in panel
    assert "until Mon 23 Nov 2026, 09:00 PST 0 min on the effort clock " in panel
    assert "until Mon 23 Nov 2026, 10:00 PST 1 h 0 min on the effort clock so far" in panel
    assert "Quiet at Mon 23 Nov 2026, 11:00 PST without more activity." in panel
