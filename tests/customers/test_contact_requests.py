"""Issue 17: contact requests through the services — a contact asks to transfer their role or
add a colleague, a support manager approves (the contact services run, the new person gets a
sign-in link) or declines; the history keeps who asked and who decided; both sides get mail."""

from __future__ import annotations

import pytest

from casedesk.customers import services as customers
from casedesk.customers.models import ContactEvent, ContactRequest, SupportContact
from casedesk.mail.models import OutboundMessage
from tests.cases.helpers import pt

pytestmark = pytest.mark.django_db

ASKED = pt(2026, 11, 23, 10, 0)
DECIDED = pt(2026, 11, 23, 11, 0)


def _mails_to(address: str) -> list[OutboundMessage]:
    return [m for m in OutboundMessage.objects.order_by("id") if address in m.to]


def _fill_globex(world) -> None:
    """Globex (Standard, 50 nodes) may have 2 active contacts; bob is one."""
    customers.add_contact(
        world.manager, world.globex, name="Gil Gray", email="gil@globex.example", at=ASKED
    )


def test_an_approved_transfer_ends_the_askers_role_and_invites_the_colleague(world):
    req = customers.ask_contact_change(
        world.bob, kind="transfer", name="Dana Diaz", email="Dana@Globex.example", at=ASKED
    )
    assert [m.subject for m in _mails_to(world.bob.email)] == [
        "Your request to transfer Bob Brown's contact role to Dana Diaz <dana@globex.example> "
        "was received"
    ]
    assert "asks to transfer" in _mails_to(world.manager.email)[0].body
    new = customers.approve_contact_request(world.manager, req, DECIDED)
    world.bob.refresh_from_db()
    req.refresh_from_db()
    assert not world.bob.is_active and new.is_active and new.replaces == world.bob
    assert (req.status, req.decided_by, req.decided_at, req.new_contact) == (
        "approved",
        world.manager,
        DECIDED,
        new,
    )
    assert new.user.username == "dana@globex.example" and not new.user.has_usable_password()
    invitation = _mails_to("dana@globex.example")[0]
    assert "/welcome/" in invitation.body and invitation.kind == "invitation"
    assert _mails_to(world.bob.email)[-1].subject.startswith("Approved: transfer")
    kinds = list(
        ContactEvent.objects.filter(actor=world.manager, at=DECIDED).values_list("kind", flat=True)
    )
    assert sorted(kinds) == ["added", "deactivated"]


def test_adding_at_the_limit_is_refused_before_anything_is_recorded(world):
    _fill_globex(world)
    assert "at most 2 active contacts" in customers.contact_add_refusal(world.bob, ASKED)
    with pytest.raises(customers.EntitlementError, match="ask to transfer a role instead"):
        customers.ask_contact_change(
            world.bob, kind="add", name="Dana Diaz", email="dana@globex.example", at=ASKED
        )
    assert not ContactRequest.objects.exists()
    # A transfer keeps the count, so it is still possible at the limit.
    customers.ask_contact_change(
        world.bob, kind="transfer", name="Dana Diaz", email="dana@globex.example", at=ASKED
    )


def test_an_addition_approved_after_the_limit_filled_is_refused_and_stays_pending(world):
    req = customers.ask_contact_change(
        world.bob, kind="add", name="Dana Diaz", email="dana@globex.example", at=ASKED
    )
    _fill_globex(world)
    with pytest.raises(customers.EntitlementError, match="at most 2 active contacts"):
        customers.approve_contact_request(world.manager, req, DECIDED)
    req.refresh_from_db()
    assert req.status == "pending"
    assert not SupportContact.objects.filter(email="dana@globex.example").exists()
    assert not _mails_to("dana@globex.example")


def test_a_declined_request_tells_the_asker_why(world):
    req = customers.ask_contact_change(
        world.bob, kind="add", name="Dana Diaz", email="dana@globex.example", at=ASKED
    )
    with pytest.raises(customers.EntitlementError, match="Say why"):
        customers.decline_contact_request(world.manager, req, DECIDED, "  ")
    customers.decline_contact_request(world.manager, req, DECIDED, "Not in the contract")
    req.refresh_from_db()
    assert (req.status, req.decided_by, req.decision_reason) == (
        "declined",
        world.manager,
        "Not in the contract",
    )
    assert "Reason: Not in the contract" in _mails_to(world.bob.email)[-1].body
    with pytest.raises(customers.EntitlementError, match="already declined"):
        customers.approve_contact_request(world.manager, req, DECIDED)


def test_engineers_cannot_decide(world):
    req = customers.ask_contact_change(
        world.bob, kind="add", name="Dana Diaz", email="dana@globex.example", at=ASKED
    )
    with pytest.raises(customers.EntitlementError, match="Only support managers"):
        customers.approve_contact_request(world.agent, req, DECIDED)
    with pytest.raises(customers.EntitlementError, match="Only support managers"):
        customers.decline_contact_request(world.agent, req, DECIDED, "no")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": " ", "email": "dana@globex.example"}, "needs a name"),
        ({"name": "Dana", "email": "dana-at-globex"}, "is not an e-mail address"),
        ({"name": "Bob again", "email": "bob@example.com"}, "already an active support contact"),
    ],
)
def test_bad_details_are_refused_with_a_clear_message(world, fields, message):
    world.bob.email = "bob@example.com"
    world.bob.save()
    with pytest.raises(customers.EntitlementError, match=message):
        customers.ask_contact_change(world.bob, kind="add", at=ASKED, **fields)


def test_a_second_request_for_the_same_person_waits_for_the_first(world):
    customers.ask_contact_change(
        world.bob, kind="add", name="Dana Diaz", email="dana@globex.example", at=ASKED
    )
    with pytest.raises(customers.EntitlementError, match="already waiting"):
        customers.ask_contact_change(
            world.bob, kind="transfer", name="Dana Diaz", email="dana@globex.example", at=ASKED
        )
