"""Followers through the API: the reporter or an engineer adds a colleague of the same customer;
a contact of another customer is refused with a sentence; another organisation's case is a 404."""

from __future__ import annotations

import pytest

from casedesk.customers import services
from tests.world import SETUP_AT

from .conftest import open_case, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann(world):  # type: ignore[no-untyped-def]
    return services.add_contact(
        world.manager, world.acme, name="Ann Able", email="ann@acme.example", at=SETUP_AT
    )


def test_the_reporter_adds_a_colleague_and_lists_the_followers(alice, world, ann):
    case = open_case(world.alice)
    response = alice.post(f"/api/cases/{case.tracking_number}/followers", {"email": ann.email})
    assert response.status_code == 200
    [row] = response.json()
    assert (row["name"], row["email"], row["added_by"]) == (
        "Ann Able",
        "ann@acme.example",
        "Alice Adams <alice@acme.example>",
    )
    listed = alice.get(f"/api/cases/{case.tracking_number}/followers").json()
    assert [r["email"] for r in listed] == ["ann@acme.example"]


def test_a_contact_of_another_customer_is_refused(agent, world):
    case = open_case(world.alice)
    response = agent.post(
        f"/api/cases/{case.tracking_number}/followers", {"email": world.bob.email}
    )
    refused(
        response,
        400,
        "bob@globex.example is not an active support contact of Acme; only the customer's own "
        "contacts can follow its cases.",
        "email",
    )


def test_another_organisations_case_is_not_found(bob, world):
    case = open_case(world.alice)
    response = bob.post(
        f"/api/cases/{case.tracking_number}/followers", {"email": "bob@globex.example"}
    )
    assert response.status_code == 404
