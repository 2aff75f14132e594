"""Issue 18's collision check through the API: an engineer's reply that names the newest event it
read is refused once when someone else replied publicly since; without the id it goes through."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.cases import services as cs
from casedesk.lib import clock

from .conftest import NOW, open_case

pytestmark = pytest.mark.django_db


def _newest_event(caller, ref: str) -> int:  # type: ignore[no-untyped-def]
    return max(e["id"] for e in caller.get(f"/api/cases/{ref}").json()["timeline"])


def test_a_reply_after_the_customers_newer_reply_is_refused_once(agent, world):
    case = open_case(world.alice, minutes_ago=30)
    ref = case.tracking_number
    seen = _newest_event(agent, ref)
    with clock.pinned(NOW + dt.timedelta(minutes=1)):
        cs.customer_reply(world.alice, case, body="Now the workers are down too.")
    response = agent.post(
        f"/api/cases/{ref}/responses", {"body": "Restart it.", "seen_event": seen}
    )
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "body"
    assert "Alice Adams replied at" in response.json()["detail"]
    assert "review and send again" in response.json()["detail"]
    # Read, then answered: the newest id goes through.
    seen = _newest_event(agent, ref)
    response = agent.post(
        f"/api/cases/{ref}/responses", {"body": "Restart both.", "seen_event": seen}
    )
    assert response.status_code == 200, response.content


def test_without_the_id_the_reply_goes_through_as_before(agent, world):
    case = open_case(world.alice, minutes_ago=30)
    cs.customer_reply(world.alice, case, body="More logs.")
    response = agent.post(f"/api/cases/{case.tracking_number}/responses", {"body": "Thanks."})
    assert response.status_code == 200, response.content
