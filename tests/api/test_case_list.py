from __future__ import annotations

import pytest

from casedesk.cases import services as cs

from .conftest import open_case, refused

pytestmark = pytest.mark.django_db


def test_it_lists_own_organisations_cases_newest_first(alice, bob, world):
    first = open_case(world.alice, minutes_ago=30, subject="Older")
    second = open_case(world.alice, minutes_ago=10, subject="Newer")
    theirs = open_case(world.bob, minutes_ago=5)
    body = alice.get("/api/cases").json()
    assert body["count"] == 2
    assert [row["ref"] for row in body["items"]] == [second.tracking_number, first.tracking_number]
    assert theirs.tracking_number not in str(body)
    row = body["items"][0]
    assert (row["customer"], row["contact"], row["assignee"]) == ("acme", "Alice Adams", None)
    assert [r["ref"] for r in bob.get("/api/cases").json()["items"]] == [theirs.tracking_number]


def test_it_filters_by_status_and_severity(alice, world):
    open_case(world.alice, subject="Open one")
    done = open_case(world.alice, subject="Done one")
    cs.set_status(world.agent, done, "resolved")
    assert [r["subject"] for r in alice.get("/api/cases", status="open").json()["items"]] == [
        "Open one"
    ]
    assert [r["subject"] for r in alice.get("/api/cases", status="done").json()["items"]] == [
        "Done one"
    ]
    assert alice.get("/api/cases", status="resolved").json()["count"] == 1
    assert alice.get("/api/cases", severity=3).json()["count"] == 2
    assert alice.get("/api/cases", severity=1).json()["count"] == 0


def test_bad_filters_are_refused_with_a_sentence(alice):
    refused(
        alice.get("/api/cases", status="lost"),
        400,
        "Unknown status 'lost'; use open, done, or one of new, triaged, waiting, resolved, "
        "closed, excluded, scheduled.",
        "status",
    )
    refused(alice.get("/api/cases", severity=9), 400, "Severity must be 1, 2, 3 or 4.", "severity")
    response = alice.get("/api/cases", page_size=500)
    assert response.status_code == 400
    assert response.json()["detail"] == ("Page size: input should be less than or equal to 100.")


def test_it_pages(alice, world):
    for n in range(5):
        open_case(world.alice, minutes_ago=n, subject=f"Case {n}")
    body = alice.get("/api/cases", page=2, page_size=2).json()
    assert (body["count"], body["page"], body["page_size"]) == (5, 2, 2)
    assert [r["subject"] for r in body["items"]] == ["Case 2", "Case 3"]
    assert alice.get("/api/cases", page=9, page_size=2).json()["items"] == []


def test_the_list_takes_a_fixed_number_of_queries(alice, world, django_assert_max_num_queries):
    for n in range(12):
        open_case(world.alice, minutes_ago=n)
    with django_assert_max_num_queries(7):
        assert len(alice.get("/api/cases").json()["items"]) == 12


def test_an_engineer_sees_every_organisations_cases(agent, world):
    open_case(world.alice)
    open_case(world.bob)
    assert {r["customer"] for r in agent.get("/api/cases").json()["items"]} == {"acme", "globex"}


def test_a_deactivated_contact_sees_nothing(alice, world):
    open_case(world.alice)
    world.alice.is_active = False
    world.alice.save(update_fields=["is_active"])
    assert alice.get("/api/cases").json()["count"] == 0
