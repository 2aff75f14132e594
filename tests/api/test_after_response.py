"""Issue 16 part A over the API (checked against the OpenAPI document): kind and environment,
asking the customer and the reply that resumes, resolving saying how; the same refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.cases import services as cs
from casedesk.customers import services as customers

from .conftest import NOW, open_case, refused

pytestmark = pytest.mark.django_db


def _url(case, tail: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/api/cases/{case.tracking_number}{tail}"


def test_a_contact_opens_with_kind_and_environment_and_a_wrong_one_is_refused(alice):
    body = alice.post(
        "/api/cases", {"subject": "Down", "kind": "problem", "environment": "production"}
    ).json()
    assert (body["kind"], body["environment"], body["resolution"]) == (
        "problem",
        "production",
        None,
    )
    bad = alice.post("/api/cases", {"subject": "Down", "kind": "outage"})
    assert bad.status_code == 400
    assert bad.json()["field"] == "kind"
    assert "question" in bad.json()["detail"]  # names what is allowed


def test_an_engineer_classifies_and_filters_the_queue(agent, world):
    case = open_case(world.alice, channel="email")
    assert agent.get(_url(case)).json()["kind"] == "unknown"
    body = agent.post(
        _url(case, "/classification"), {"kind": "question", "environment": "non_production"}
    ).json()
    assert (body["kind"], body["environment"]) == ("question", "non_production")
    assert timeline_kinds(body)[-1] == "classified"
    assert agent.get("/api/queue", kind="question").json()["count"] == 1
    assert agent.get("/api/queue", environment="production").json()["count"] == 0
    refused(
        agent.post(_url(case, "/classification"), {"kind": "question"}),
        400,
        "Nothing changed: choose a different kind or environment.",
    )


def timeline_kinds(body) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["kind"] for e in body["timeline"]]


def test_asking_then_the_contacts_api_reply_resumes(agent, alice, world):
    case = open_case(world.alice, minutes_ago=30)
    body = agent.post(_url(case, "/info-requests"), {"items": ["scheduler log"]}).json()
    assert (body["status"], body["needed"]) == ("waiting", ["scheduler log"])
    assert alice.get(_url(case)).json()["needed"] == ["scheduler log"]
    body = alice.post(_url(case, "/replies"), {"body": "Attached below."}).json()
    assert (body["status"], body["needed"]) == ("triaged", None)
    refused(
        alice.post(_url(case, "/info-requests"), {"items": ["x"]}),
        403,
        "Only support engineers can ask customers for information.",
    )
    refused(
        agent.post(_url(case, "/info-requests"), {"items": [" "]}),
        400,
        "Say what you need from the customer, one item a line (e.g. the server logs).",
        "items",
    )


def test_resolving_in_a_future_release_then_ga(agent, alice, world):
    future = customers.add_release(
        world.manager, product="DC/OS", version="2.6.0", ga_on=NOW.date() + dt.timedelta(days=10)
    )
    case = open_case(world.alice)
    refused(
        agent.post(_url(case, "/resolution"), {"how": "fixed_in_release"}),
        400,
        "Choose the release of the catalog that fixes it (add it to the catalog first if it is "
        "not there).",
        "release",
    )
    body = agent.post(
        _url(case, "/resolution"), {"how": "fixed_in_release", "release": future.pk}
    ).json()
    assert body["status"] == "scheduled"
    assert body["resolved"]["release"] == "DC/OS 2.6.0"
    assert body["resolved"]["text"].startswith("Fix scheduled in release DC/OS 2.6.0")
    assert cs.resolve_released(NOW + dt.timedelta(days=11)) == 1
    seen = alice.get(_url(case)).json()
    assert (seen["status"], seen["resolution"]) == ("resolved", "fixed_in_release")
    assert seen["environment_flag"] is None  # engineers only


def test_a_contact_cannot_resolve(alice, world):
    case = open_case(world.alice)
    refused(
        alice.post(_url(case, "/resolution"), {"how": "answered"}),
        403,
        "Only support engineers can resolve cases.",
    )
