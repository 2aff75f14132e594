from __future__ import annotations

import pytest

from casedesk.cases import services as cs
from casedesk.lib import paging

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


def test_a_cursor_walks_every_case_once_newest_first_even_at_equal_times(alice, bob, world):
    # Three cases received in the same second: the id breaks the tie, so none is lost or shown
    # twice across a page boundary.
    made = [open_case(world.alice, minutes_ago=m, subject=f"Case {m}") for m in (9, 5, 5, 5, 1)]
    open_case(world.bob, minutes_ago=3)  # another organisation's: never in alice's walk
    seen, cursor = [], None
    for _ in range(10):
        body = alice.get("/api/cases", page_size=2, **({"cursor": cursor} if cursor else {})).json()
        seen += [row["ref"] for row in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    newest_first = sorted(made, key=lambda c: (c.received_at, c.pk), reverse=True)
    assert seen == [c.tracking_number for c in newest_first]


def test_a_cursor_that_was_not_handed_out_is_refused_with_what_to_do(alice, world):
    open_case(world.alice)
    refused(
        alice.get("/api/cases", cursor="not-a-cursor"),
        400,
        "This cursor is not one this list gave out (edited or cut short?); copy `next_cursor` "
        "from the previous page exactly, or start again without a cursor.",
        "cursor",
    )


def test_counts_stop_at_a_thousand_and_say_so(alice, world, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    for n in range(5):
        open_case(world.alice, minutes_ago=n)
    body = alice.get("/api/cases", page_size=2).json()
    assert (body["count"], body["count_capped"]) == (3, True)
    assert body["next_cursor"]
    body = alice.get("/api/cases", severity=1).json()
    assert (body["count"], body["count_capped"], body["next_cursor"]) == (0, False, None)


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
