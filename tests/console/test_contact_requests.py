"""Issue 17: support managers approve or decline contact requests in the console; engineers see
them but cannot decide."""

from __future__ import annotations

from html import unescape

import pytest

from casedesk.customers import services as customers
from casedesk.customers.models import SupportContact
from casedesk.mail.models import OutboundMessage
from tests.console.conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def req(world):
    return customers.ask_contact_change(
        world.bob, kind="transfer", name="Dana Diaz", email="dana@globex.example", at=NOW
    )


def _text(response) -> str:
    return unescape(response.content.decode())


def test_a_manager_approves_a_transfer_from_the_customer_page(client, world, now, req):
    client.force_login(world.manager)
    page = _text(client.get("/console/customers/globex/"))
    assert "transfer my role: Dana Diaz <dana@globex.example>" in page
    assert f'action="/console/contact-requests/{req.pk}/approve"' in page
    page = _text(client.post(f"/console/contact-requests/{req.pk}/approve", follow=True))
    assert "Approved: Dana Diaz is a contact; a sign-in link was mailed." in page
    assert "approved by manager 23 Nov 2026, 10:00 PST" in page
    dana = SupportContact.objects.get(email="dana@globex.example")
    world.bob.refresh_from_db()
    assert dana.is_active and not world.bob.is_active
    assert OutboundMessage.objects.filter(to=["dana@globex.example"], kind="invitation").exists()


def test_a_manager_declines_with_a_reason_and_must_give_one(client, world, now, req):
    client.force_login(world.manager)
    page = _text(client.post(f"/console/contact-requests/{req.pk}/decline", follow=True))
    assert "Say why the request is declined" in page
    page = _text(
        client.post(
            f"/console/contact-requests/{req.pk}/decline",
            {"reason": "Please ask through your account manager"},
            follow=True,
        )
    )
    assert "Declined; Bob Brown was told why." in page
    assert "declined by manager" in page and "Please ask through your account manager" in page
    assert not SupportContact.objects.filter(email="dana@globex.example").exists()


def test_engineers_see_requests_but_cannot_decide(agent_client, world, req):
    page = _text(agent_client.get("/console/contact-requests/"))
    assert "Dana Diaz <dana@globex.example>" in page
    assert "pending — a support manager decides" in page and "/approve" not in page
    assert agent_client.post(f"/console/contact-requests/{req.pk}/approve").status_code == 404
    assert agent_client.post(f"/console/contact-requests/{req.pk}/decline").status_code == 404
    req.refresh_from_db()
    assert req.status == "pending"


def test_contacts_never_reach_the_console_list(client, world, req):
    client.login(username="alice", password="pw")
    assert client.get("/console/contact-requests/").status_code == 404


def test_the_list_is_empty_when_nothing_waits(agent_client, world):
    assert "No pending contact requests." in _text(agent_client.get("/console/contact-requests/"))
