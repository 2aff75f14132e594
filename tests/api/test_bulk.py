"""Issue 18 in the API: `POST /api/cases/bulk` and `POST /api/cases/{ref}/take`."""

from __future__ import annotations

import pytest

from tests.cases.groups_helpers import group

from .conftest import open_case, refused

pytestmark = pytest.mark.django_db


def test_bulk_reports_each_case_done_or_refused_with_the_reason(agent, world):
    group("Platform")
    a, b = open_case(world.alice), open_case(world.bob)
    response = agent.post(
        "/api/cases/bulk",
        {"cases": [a.tracking_number, b.tracking_number], "action": "group", "group": "Platform"},
    )
    assert response.status_code == 200
    assert [r["done"] for r in response.json()["results"]] == [True, True]
    again = agent.post(
        "/api/cases/bulk", {"cases": [a.tracking_number], "action": "group", "group": "Platform"}
    )
    assert again.json()["results"] == [
        {
            "ref": a.tracking_number,
            "done": False,
            "message": f"{a.tracking_number} is already in Platform.",
        }
    ]


def test_bulk_names_what_is_wrong_with_the_request(agent, world):
    a = open_case(world.alice)
    response = agent.post(
        "/api/cases/bulk", {"cases": [a.tracking_number], "action": "group", "group": "Nope"}
    )
    refused(response, 400, "There is no support group 'Nope'; groups: none yet.", "group")


def test_a_contact_may_not_act_in_bulk_or_take(alice, world):
    a = open_case(world.alice)
    response = alice.post(
        "/api/cases/bulk", {"cases": [a.tracking_number], "action": "status", "status": "closed"}
    )
    refused(response, 403, "Only support engineers can act on several cases at once.")
    refused(
        alice.post(f"/api/cases/{a.tracking_number}/take"),
        403,
        "Only support engineers can take cases.",
    )


def test_take_through_the_api(agent, world):
    a = open_case(world.alice)
    response = agent.post(f"/api/cases/{a.tracking_number}/take")
    assert response.status_code == 200 and response.json()["assignee"] == "agent"
    refused(
        agent.post(f"/api/cases/{a.tracking_number}/take"),
        400,
        f"{a.tracking_number} is already yours.",
    )
