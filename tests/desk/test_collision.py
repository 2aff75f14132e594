"""Two engineers on one case: each sees the other (viewing, writing), and a reply typed while
another reply arrived is refused once with the typed text kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from casedesk.cases import services as cs
from casedesk.cases.models import EventKind
from casedesk.cases.services.collision import last_event_id
from casedesk.lib import clock
from tests.console.conftest import field_errors, typed

from .conftest import NOW, open_case

pytestmark = pytest.mark.django_db


def url(case, action: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/console/cases/{case.tracking_number}/{action}"


def test_engineers_see_who_else_views_or_writes(agent_client, world, raj):
    case = open_case(world.alice)
    agent_client.get(url(case))
    client = Client()
    client.force_login(raj)
    with clock.pinned(NOW):
        assert "agent is viewing" in client.get(url(case)).content.decode()
        agent_client.post(url(case, "presence"), {"writing": "1"})
        assert client.post(url(case, "presence")).json() == {"others": ["agent is writing a reply"]}
    # Three missed refreshes: the other page was closed.
    with clock.pinned(NOW + dt.timedelta(seconds=46)):
        assert client.post(url(case, "presence")).json() == {"others": []}


def test_a_reply_after_anothers_reply_is_refused_once_and_kept(agent_client, world, raj):
    case = open_case(world.alice)
    seen = last_event_id(case)
    cs.respond(raj, case, "Restart the scheduler, please.")
    response = agent_client.post(
        url(case, "respond"), {"body": "Try a restart.", "seen_event": seen}
    )
    assert response.status_code == 400
    assert field_errors(response, "respond", "body") == [
        "Raj replied at 10:00 while you were writing — review and send again."
    ]
    assert typed(response, "respond-body") == "Try a restart."
    page = response.content.decode()
    assert "Restart the scheduler, please." in page
    fresh = last_event_id(case)
    assert f'name="seen_event" value="{fresh}"' in page
    again = agent_client.post(url(case, "respond"), {"body": "Try a restart.", "seen_event": fresh})
    assert again.status_code == 302
    assert case.events.filter(kind=EventKind.REPLIED).count() == 2


def test_a_customer_reply_since_the_page_also_asks_first(agent_client, world):
    case = open_case(world.alice)
    seen = last_event_id(case)
    cs.customer_reply(world.alice, case, body="Never mind, it works.")
    response = agent_client.post(url(case, "respond"), {"body": "Try this.", "seen_event": seen})
    assert field_errors(response, "respond", "body") == [
        "Alice Adams replied at 10:00 while you were writing — review and send again."
    ]


def test_an_internal_note_by_another_engineer_does_not_block(agent_client, world, raj):
    case = open_case(world.alice)
    seen = last_event_id(case)
    cs.add_note(raj, case, "Looks like the lock bug.")
    response = agent_client.post(url(case, "respond"), {"body": "On it.", "seen_event": seen})
    assert response.status_code == 302


def test_the_reply_service_checks_under_the_cases_lock(world, raj):
    """The check is part of `respond` (inside its locked transaction), so every interface that
    passes `seen_event` gets it, and a refused reply records nothing."""
    case = open_case(world.alice)
    seen = last_event_id(case)
    cs.respond(raj, case, "Restart the scheduler, please.")
    with pytest.raises(cs.CaseError, match="Raj replied at .* while you were writing"):
        cs.respond(world.agent, case, "Try a restart.", seen_event=seen)
    assert case.events.filter(kind=EventKind.REPLIED).count() == 1
    cs.respond(world.agent, case, "Try a restart.", seen_event=last_event_id(case))
    assert case.events.filter(kind=EventKind.REPLIED).count() == 2
