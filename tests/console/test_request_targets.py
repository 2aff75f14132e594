"""Issue 17: the severity-requests lane shows the requested severity's target next to the
current one, so the engineer sees what confirming would promise."""

from __future__ import annotations

from html import unescape

import pytest

from .conftest import open_case

pytestmark = pytest.mark.django_db


def _lane(agent_client) -> str:  # type: ignore[no-untyped-def]
    html = unescape(agent_client.get("/console/").content.decode())
    return html[html.index('id="lane-requests"') : html.index('id="lane-unverified"')]


def test_the_lane_shows_both_targets(agent_client, world):
    premium = open_case(world.alice, requested_severity=1)
    standard = open_case(world.bob, requested_severity=2)
    lane = _lane(agent_client)
    assert premium.tracking_number in lane and standard.tracking_number in lane
    assert "Sev 3: 1 business day now · Sev 1: 1 hour from confirmation" in lane
    assert "Sev 3: reasonable efforts now · Sev 2: 2 business days from confirmation" in lane


def test_a_case_without_a_request_shows_no_second_target(agent_client, world):
    open_case(world.alice, requested_severity=3)
    page = unescape(agent_client.get("/console/").content.decode())
    assert "from confirmation" not in page
