"""Issue 17 through the API: a contact asks to transfer their role or add a colleague, and
edits the Project/Application description, through the customers services; nobody reads or
changes another organisation's."""

from __future__ import annotations

import pytest

from casedesk.customers import services as customers
from casedesk.customers.models import ContactRequest, DescriptionChange
from casedesk.mail.models import OutboundMessage

from .conftest import refused

pytestmark = pytest.mark.django_db

PROJECT = "Order platform on DC/OS 2.2: 40 nodes in Frankfurt, 12 in Dublin, payments and search."


def test_a_contact_asks_to_transfer_their_role_and_lists_it(alice, bob, world):
    response = alice.post(
        "/api/contact-requests",
        {"kind": "transfer", "name": "Ann Archer", "email": "ann@acme.example", "note": "Leaving"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["status"], body["requested_by"]) == (
        "transfer",
        "pending",
        "Alice Adams",
    )
    req = ContactRequest.objects.get()
    assert (req.customer, req.requested_by, req.email) == (
        world.acme,
        world.alice,
        "ann@acme.example",
    )
    assert OutboundMessage.objects.filter(
        to=["alice@acme.example"], kind="contact-request"
    ).exists()
    assert [r["id"] for r in alice.get("/api/contact-requests").json()] == [req.pk]
    assert bob.get("/api/contact-requests").json() == []  # another organisation's: not listed


def test_an_addition_at_the_contact_limit_is_refused_before_it_is_sent(bob, world, now):
    customers.add_contact(
        world.manager,
        world.globex,
        name="Gina Green",
        email="gina@globex.example",
        at=now,
    )
    refused(
        bob.post(
            "/api/contact-requests",
            {"kind": "add", "name": "Hal Hart", "email": "hal@globex.example"},
        ),
        400,
        "Standard, 50 nodes: at most 2 active contacts; 2 are active — deactivate one first; "
        "ask to transfer a role instead.",
    )
    assert not ContactRequest.objects.exists()


def test_a_bad_address_says_what_is_wrong(alice):
    response = alice.post(
        "/api/contact-requests", {"kind": "add", "name": "Ann", "email": "not an address"}
    )
    assert response.status_code == 400
    assert "e-mail" in response.json()["detail"].lower()


def test_engineers_have_no_contact_requests_of_their_own(agent):
    refused(
        agent.get("/api/contact-requests"),
        403,
        "Only designated support contacts can read contact requests.",
    )


def test_a_contact_edits_the_description_and_reads_its_history(alice, world):
    sub_id = alice.get("/api/subscription").json()["id"]
    assert sub_id == world.acme_sub.pk
    response = alice.post(f"/api/subscriptions/{sub_id}/description", {"text": PROJECT})
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == PROJECT
    assert body["history"][0]["new_text"] == PROJECT
    assert body["history"][0]["by"] == "Alice Adams <alice@acme.example>"
    assert alice.get(f"/api/subscriptions/{sub_id}/description").json() == body


def test_a_placeholder_description_is_refused_and_nothing_changes(alice, world):
    response = alice.post(f"/api/subscriptions/{world.acme_sub.pk}/description", {"text": "tbd"})
    assert response.status_code == 400
    assert response.json()["field"] == "text"
    assert response.json()["detail"].startswith(
        "Describe your project or application in at least 40 characters (you wrote 3)"
    )
    assert not DescriptionChange.objects.exists()


def test_another_organisations_description_is_a_404(alice, world):
    url = f"/api/subscriptions/{world.globex_sub.pk}/description"
    refused(alice.get(url), 404, "No such subscription.")
    refused(alice.post(url, {"text": PROJECT}), 404, "No such subscription.")
    world.globex_sub.refresh_from_db()
    assert world.globex_sub.project_description != PROJECT
    assert not DescriptionChange.objects.exists()


def test_the_endpoints_are_in_the_openapi_document(openapi_doc):
    paths = openapi_doc["paths"]
    assert {"get", "post"} <= set(paths["/api/contact-requests"])
    assert {"get", "post"} <= set(paths["/api/subscriptions/{pk}/description"])
