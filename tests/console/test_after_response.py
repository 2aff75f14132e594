"""Issue 16 part A in the console: kind and environment (set, filtered, flagged), asking the
customer, resolving saying how; refusals next to their field with the typed text kept."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest

from casedesk.cases.models import Case, EventKind
from casedesk.customers import services as customers

from .conftest import field_errors, open_case, typed

pytestmark = pytest.mark.django_db


def url(case: Case, action: str = "") -> str:
    return f"/console/cases/{case.tracking_number}/{action}"


def message(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.content.decode()[:500]
    return [str(m) for m in response.wsgi_request._messages][-1]


def test_an_engineer_sets_kind_and_environment_and_the_queue_filters_on_them(agent_client, world):
    mailed = open_case(world.alice, channel="email", subject="From mail")
    other = open_case(world.alice, kind="question", environment="production", subject="Q")
    response = agent_client.post(
        url(mailed, "classify"), {"kind": "bug_fix", "environment": "non_production"}
    )
    assert message(response) == (
        f"{mailed.tracking_number}: Bug fix (patch or workaround), "
        "not production (test, staging, development)."
    )
    assert mailed.events.filter(kind=EventKind.CLASSIFIED).count() == 1
    page = unescape(agent_client.get("/console/?kind=bug_fix").content.decode())
    assert mailed.tracking_number in page and other.tracking_number not in page
    page = unescape(agent_client.get("/console/?environment=production").content.decode())
    assert other.tracking_number in page and mailed.tracking_number not in page


def test_a_severity_1_request_outside_production_is_flagged_in_the_requests_lane(
    agent_client, world
):
    case = open_case(world.alice, requested_severity=1, environment="non_production")
    html = unescape(agent_client.get("/console/").content.decode())
    lane = html[html.index('id="lane-requests"') : html.index('id="lane-unverified"')]
    assert case.tracking_number in lane
    assert "Severity 1 is defined for a Production Environment" in lane
    assert "ability to conduct business in a Production Environment" in lane
    page = unescape(agent_client.get(url(case)).content.decode())
    assert 'id="environment-flag"' in page


def test_asking_the_customer_keeps_the_checklist_and_refuses_an_empty_one(agent_client, world):
    case = open_case(world.alice, minutes_ago=30)
    response = agent_client.post(url(case, "ask"), {"items": "", "body": "Thanks!"})
    assert response.status_code == 400
    assert "one item a line" in field_errors(response, "ask", "items")[0]
    assert typed(response, "ask-body") == "Thanks!"
    response = agent_client.post(url(case, "ask"), {"items": "Logs\nConfig", "body": ""})
    assert message(response) == "Asked the customer for 2 items; the case waits on them."
    page = unescape(agent_client.get(url(case)).content.decode())
    assert "Waiting on the customer since" in page and "<li>Config</li>" in page


def test_resolving_a_duplicate_of_another_customers_case_is_refused(agent_client, world):
    case = open_case(world.alice)
    theirs = open_case(world.bob)
    response = agent_client.post(
        url(case, "resolve"), {"how": "duplicate", "duplicate_of": theirs.tracking_number}
    )
    assert response.status_code == 400
    assert field_errors(response, "resolve", "duplicate_of") == [
        "Give the tracking number of another case of Acme that this one duplicates."
    ]
    assert typed(response, "resolve-duplicate_of") == theirs.tracking_number


def test_a_fix_in_a_future_release_shows_fix_scheduled(agent_client, world, now):
    future = customers.add_release(
        world.manager, product="DC/OS", version="2.5.0", ga_on=now.date() + dt.timedelta(days=30)
    )
    case = open_case(world.alice)
    response = agent_client.post(
        url(case, "resolve"), {"how": "fixed_in_release", "release": str(future.pk)}
    )
    assert message(response).startswith(
        f"{case.tracking_number} is fix scheduled: it resolves itself when DC/OS 2.5.0 is "
        "generally available"
    )
    page = unescape(agent_client.get(url(case)).content.decode())
    assert "Fix scheduled in release DC/OS 2.5.0" in page


def test_a_contact_cannot_resolve(client, world):
    case = open_case(world.alice)
    client.login(username="alice", password="pw")
    response = client.post(url(case, "resolve"), {"how": "answered"})
    assert response.status_code == 404  # the console does not exist for a contact
    case.refresh_from_db()
    assert (case.status, case.resolution) == ("new", "")
