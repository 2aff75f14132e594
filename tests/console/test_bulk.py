"""Issue 18: the queue's bulk actions in the console; the result page lists what was done and
what was refused, and why, and keeps the refused cases ticked for another try."""

from __future__ import annotations

import pytest

from casedesk.cases.models import Status

from .conftest import field_errors, open_case

pytestmark = pytest.mark.django_db


def test_the_queue_has_checkboxes_and_an_action_bar(agent_client, world):
    case = open_case(world.alice)
    html = agent_client.get("/console/").content.decode()
    assert f'<input type="checkbox" name="case" value="{case.tracking_number}"' in html
    assert 'id="bulk-action"' in html and "Close as a duplicate" in html
    assert "(a) " in html  # the exclusions of the terms in use, by code


def test_a_bulk_close_as_duplicate_refuses_the_original_and_closes_the_others(agent_client, world):
    original, copy1, copy2 = (open_case(world.alice, subject=f"s{n}") for n in range(3))
    response = agent_client.post(
        "/console/queue/bulk",
        {
            "case": [copy1.tracking_number, original.tracking_number, copy2.tracking_number],
            "action": "duplicate",
            "duplicate_of": original.tracking_number,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        f"{copy1.tracking_number}</a>: Closed as a duplicate of {original.tracking_number}." in html
    )
    assert (
        f"<strong>{original.tracking_number}</strong>: Give the tracking number of another case "
        "of Acme that this one duplicates." in html
    )
    assert f'value="{original.tracking_number}" checked' in html  # ready for another try
    for case, status in ((copy1, Status.RESOLVED), (copy2, Status.RESOLVED), (original, "new")):
        case.refresh_from_db()
        assert case.status == status


def test_missing_choices_are_explained_and_nothing_typed_is_lost(agent_client, world):
    case = open_case(world.alice)
    response = agent_client.post(
        "/console/queue/bulk",
        {"case": [case.tracking_number], "action": "duplicate", "reason": "Same crash"},
    )
    assert response.status_code == 400
    assert field_errors(response, "bulk", "duplicate_of") == [
        "Give the tracking number of the case they duplicate."
    ]
    html = response.content.decode()
    assert f'value="{case.tracking_number}" checked' in html
    assert 'value="Same crash"' in html
    nothing = agent_client.post("/console/queue/bulk", {"action": "status", "status": "closed"})
    assert "Tick at least one case first." in nothing.content.decode()
    case.refresh_from_db()
    assert case.status == Status.NEW
