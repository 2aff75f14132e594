"""Issue 18 through the API: engineers link, unlink and merge; contacts list their own
organisation's links only, and cannot link or merge."""

from __future__ import annotations

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import CaseEvent
from casedesk.customers import services as customers

from .conftest import NOW, open_case, refused

pytestmark = pytest.mark.django_db


def _url(case, tail=""):  # type: ignore[no-untyped-def]
    return f"/api/cases/{case.tracking_number}{tail}"


def test_an_engineer_links_and_unlinks_and_both_cases_show_it(agent, world):
    a, b = open_case(world.alice), open_case(world.alice, subject="Jobs stuck")
    response = agent.post(_url(a, "/links"), {"case": b.tracking_number, "kind": "duplicate"})
    assert response.status_code == 201
    (row,) = response.json()
    assert (row["case"], row["kind"], row["kind_text"], row["customer"]) == (
        b.tracking_number,
        "duplicate",
        "Possible duplicate",
        "Acme",
    )
    assert [r["case"] for r in agent.get(_url(b, "/links")).json()] == [a.tracking_number]
    refused(
        agent.post(_url(b, "/links"), {"case": a.tracking_number}),
        400,
        f"{b.tracking_number} and {a.tracking_number} are already linked.",
        "other",
    )
    assert agent.delete(_url(b, f"/links/{a.tracking_number}")).json() == []
    assert agent.get(_url(a, "/links")).json() == []


def test_a_contact_sees_links_within_her_organisation_only_and_cannot_link(agent, alice, world):
    mine, also_mine = open_case(world.alice), open_case(world.alice, subject="Jobs stuck")
    bobs = open_case(world.bob)
    cs.link_cases(world.agent, mine, bobs.tracking_number)
    cs.link_cases(world.agent, mine, also_mine.tracking_number)
    assert len(agent.get(_url(mine, "/links")).json()) == 2
    assert [r["case"] for r in alice.get(_url(mine, "/links")).json()] == [
        also_mine.tracking_number
    ]
    refused(
        alice.post(_url(mine, "/links"), {"case": also_mine.tracking_number}),
        403,
        "Only support engineers can link cases.",
    )
    refused(
        alice.delete(_url(mine, f"/links/{also_mine.tracking_number}")),
        403,
        "Only support engineers can remove links between cases.",
    )
    refused(
        alice.post(_url(also_mine, "/merge"), {"into": mine.tracking_number}),
        403,
        "Only support engineers can merge cases.",
    )


def test_an_engineer_merges_a_duplicate_and_the_contact_sees_where_it_went(agent, alice, world):
    original = open_case(world.alice, minutes_ago=30)
    duplicate = open_case(world.alice, subject="Jobs stuck", description="Nothing runs.")
    body = agent.post(
        _url(duplicate, "/merge"), {"into": original.tracking_number, "note": "Same outage."}
    ).json()
    assert (body["status"], body["resolved"]["how"], body["resolved"]["duplicate_of"]) == (
        "closed",
        "duplicate",
        original.tracking_number,
    )
    seen = alice.get(_url(original)).json()["timeline"]
    merged = [e for e in seen if e["kind"] == "merged"]
    assert len(merged) == 1 and "Nothing runs." in merged[0]["body"]
    # The target's response clock is untouched.
    assert (
        alice.get(_url(original)).json()["sla"]["deadline"]
        == (agent.get(_url(original)).json()["sla"]["deadline"])
    )
    assert original.response_deadline is not None


def test_merge_refusals_come_back_with_their_reason(agent, world):
    acme = open_case(world.alice)
    globex = open_case(world.bob)
    refused(
        agent.post(_url(acme, "/merge"), {"into": globex.tracking_number}),
        400,
        f"{globex.tracking_number} is Globex's case and {acme.tracking_number} is Acme's: only "
        "cases of the same customer can be merged. Link them as related instead.",
        "into",
    )
    refused(
        agent.post(_url(acme, "/merge"), {"into": ""}),
        400,
        "Give the tracking number of the case to merge into.",
        "into",
    )
    assert not CaseEvent.objects.filter(kind="merged").exists()


def test_merging_two_charged_cases_gives_one_incident_back(agent, world):
    first, second = open_case(world.bob), open_case(world.bob, subject="Checkout broken")
    for case in (first, second):
        cs.change_severity(world.agent, case, 2, "Production is down.")
    assert customers.quota_status(world.globex_sub, NOW).used == 2
    agent.post(_url(second, "/merge"), {"into": first.tracking_number})
    assert customers.quota_status(world.globex_sub, NOW).used == 1
    timeline = agent.get(_url(second)).json()["timeline"]
    assert any(e["kind"] == "quota_refunded" for e in timeline)
