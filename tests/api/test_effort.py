"""The case's effort and update state in the API: read-only, in the OpenAPI document, the quiet
fields for support engineers only."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cases.effort_helpers import example_terms_contact, responded_case

from .conftest import NOW, _caller

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def test_an_engineer_sees_a_quiet_case(agent, world):
    case = responded_case(world, world.alice, 1, NOW - 4 * H, NOW - 3 * H)
    effort = agent.get(f"/api/cases/{case.tracking_number}").json()["effort"]
    assert effort == {
        "clock": "wall",
        "interval": "2 hours",
        "last_activity_at": "2026-11-23T15:00:00Z",
        "quiet_at": "2026-11-23T17:00:00Z",
        "quiet": True,
        "update_target": None,
        "update_due_at": None,
        "update_late": None,
    }


def test_a_contact_sees_the_update_due_but_not_the_quiet_state(world, openapi_doc, now):
    contact = example_terms_contact(world)  # Premium Sev 1: a public update every 2 hours
    case = responded_case(world, contact, 1, NOW - 4 * H, NOW - 3 * H)
    effort = _caller(openapi_doc, contact.user).get(f"/api/cases/{case.tracking_number}").json()
    assert effort["effort"] == {
        "clock": "wall",
        "interval": "2 hours",
        "last_activity_at": None,
        "quiet_at": None,
        "quiet": None,
        "update_target": "2 hours",
        "update_due_at": "2026-11-23T17:00:00Z",
        "update_late": True,
    }


def test_the_openapi_document_describes_the_effort_block(openapi_doc):
    schema = openapi_doc["components"]["schemas"]["EffortOut"]
    assert set(schema["properties"]) == {
        "clock",
        "interval",
        "last_activity_at",
        "quiet_at",
        "quiet",
        "update_target",
        "update_due_at",
        "update_late",
    }
