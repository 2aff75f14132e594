"""Designated contacts: the limit by level and node tier, reactivation, transfer, node changes."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.customers import services
from casedesk.customers.models import ContactEvent, SupportContact
from casedesk.customers.services import EntitlementError
from tests.customers.helpers import AT, add_contacts, customer_with


@pytest.mark.parametrize(
    ("nodes", "limit"), [(1, 4), (100, 4), (101, 8), (500, 8), (501, 12), (5000, 12)]
)
def test_it_limits_premium_contacts_by_node_tier(world, nodes, limit):
    customer, _ = customer_with(world.manager, "tiered", nodes=nodes)
    add_contacts(world.manager, customer, limit)
    with pytest.raises(EntitlementError) as exc:
        add_contacts(world.manager, customer, 1, start=limit)
    assert exc.value.message == (
        f"Premium, {nodes} nodes: at most {limit} active contacts; {limit} are active — "
        "deactivate one first"
    )
    assert customer.contacts.filter(is_active=True).count() == limit


@pytest.mark.parametrize("nodes", [1, 100, 101, 500, 501, 10_000])
def test_it_allows_two_standard_contacts_at_any_node_count(world, nodes):
    customer, _ = customer_with(world.manager, "std", level="standard", nodes=nodes)
    add_contacts(world.manager, customer, 2)
    with pytest.raises(EntitlementError) as exc:
        add_contacts(world.manager, customer, 1, start=2)
    assert exc.value.message == (
        f"Standard, {nodes} nodes: at most 2 active contacts; 2 are active — deactivate one first"
    )


def test_it_has_no_signature_limit_in_the_default_terms(world):
    add_contacts(world.manager, world.initech, 20)
    assert world.initech.contacts.filter(is_active=True).count() == 21


def test_it_gives_the_issue_message_for_acme(world):
    add_contacts(world.manager, world.acme, 7)  # alice + 7 = 8
    with pytest.raises(EntitlementError) as exc:
        services.add_contact(world.manager, world.acme, name="Nine", email="9@acme.example", at=AT)
    assert (
        exc.value.message
        == "Premium, 120 nodes: at most 8 active contacts; 8 are active — deactivate one first"
    )


def test_it_records_who_added_a_contact_and_when(world):
    contact = services.add_contact(
        world.manager,
        world.acme,
        name=" Dora ",
        email="Dora@Acme.Example",
        time_zone="Europe/Berlin",
        at=AT,
    )
    assert (contact.name, contact.email, contact.time_zone) == (
        "Dora",
        "dora@acme.example",
        "Europe/Berlin",
    )
    assert (contact.added_by, contact.added_at, contact.is_active) == (world.manager, AT, True)
    assert contact.events.get().kind == ContactEvent.Kind.ADDED


def test_it_refuses_a_second_active_contact_with_the_same_address(world):
    with pytest.raises(EntitlementError) as exc:
        services.add_contact(
            world.manager, world.acme, name="Alias", email="ALICE@acme.example", at=AT
        )
    assert exc.value.message == (
        "alice@acme.example is already an active support contact of Acme (Alice Adams)."
    )


@pytest.mark.parametrize(
    ("name", "email", "tz", "message"),
    [
        ("", "x@acme.example", "UTC", "A support contact needs a name."),
        ("X", "not-an-address", "UTC", '"not-an-address" is not an e-mail address.'),
        (
            "X",
            "x@acme.example",
            "Mars/Olympus",
            '"Mars/Olympus" is not an IANA time zone (e.g. "Europe/Berlin", "America/New_York").',
        ),
    ],
)
def test_it_checks_contact_details(world, name, email, tz, message):
    with pytest.raises(EntitlementError) as exc:
        services.add_contact(world.manager, world.acme, name=name, email=email, time_zone=tz, at=AT)
    assert exc.value.message == message


def test_it_refuses_a_login_that_is_already_a_contact(world):
    with pytest.raises(EntitlementError) as exc:
        services.add_contact(
            world.manager,
            world.globex,
            name="Alice again",
            email="alice@globex.example",
            user=world.alice.user,
            at=AT,
        )
    assert exc.value.message == (
        "The login alice already belongs to Alice Adams, a contact of Acme; each login is one "
        "designated person."
    )


def test_only_managers_change_contacts(world):
    for actor in (world.agent, world.alice.user):
        with pytest.raises(EntitlementError) as exc:
            services.add_contact(actor, world.acme, name="X", email="x@acme.example", at=AT)
        assert exc.value.message == (
            "Only support managers can designate support contacts; ask a support manager."
        )
        with pytest.raises(EntitlementError) as exc:
            services.deactivate_contact(actor, world.alice, AT)
        assert exc.value.message == (
            "Only support managers can deactivate support contacts; ask a support manager."
        )


def test_a_customer_without_a_subscription_cannot_designate_contacts(world):
    lone = services.create_customer(world.manager, name="Lone", slug="lone", at=AT)
    with pytest.raises(EntitlementError) as exc:
        services.add_contact(world.manager, lone, name="X", email="x@lone.example", at=AT)
    assert exc.value.message == (
        "Lone has no current subscription; add one before designating support contacts."
    )


def test_an_expired_subscription_sets_no_limit_but_a_future_one_does(world):
    customer, _ = customer_with(
        world.manager,
        "old",
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    with pytest.raises(EntitlementError, match="has no current subscription"):
        add_contacts(world.manager, customer, 1)
    services.create_subscription(
        world.manager,
        customer,
        level="standard",
        nodes=5,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 8, 31),
        at=AT,
    )
    add_contacts(world.manager, customer, 2)  # designated ahead of the term
    with pytest.raises(EntitlementError, match="^Standard, 5 nodes: at most 2"):
        add_contacts(world.manager, customer, 1, start=2)


def test_the_highest_limit_among_current_subscriptions_applies(world):
    services.create_subscription(
        world.manager,
        world.globex,
        level="premium",
        nodes=501,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        at=AT,
    )
    add_contacts(world.manager, world.globex, 11)
    assert services.limit_setting_subscription(world.globex, AT.date())[1] == 12
    with pytest.raises(EntitlementError, match="^Premium, 501 nodes: at most 12"):
        add_contacts(world.manager, world.globex, 1, start=11)


def test_it_deactivates_with_history_and_only_once(world):
    contact = services.deactivate_contact(world.manager, world.alice, AT, reason="left Acme")
    assert not contact.is_active
    assert (contact.deactivated_at, contact.deactivated_by) == (AT, world.manager)
    assert contact.deactivation_reason == "left Acme"
    with pytest.raises(EntitlementError) as exc:
        services.deactivate_contact(world.manager, contact, AT)
    assert exc.value.message == "Alice Adams is already inactive (since 2026-06-01)."
    assert [e.kind for e in contact.events.all()] == ["added", "deactivated"]


def test_a_contact_reactivated_over_the_limit_is_refused(world):
    old = services.deactivate_contact(world.manager, world.alice, AT)
    add_contacts(world.manager, world.acme, 8)
    with pytest.raises(EntitlementError) as exc:
        services.reactivate_contact(world.manager, old, AT)
    assert (
        exc.value.message
        == "Premium, 120 nodes: at most 8 active contacts; 8 are active — deactivate one first"
    )
    old.refresh_from_db()
    assert not old.is_active
    services.deactivate_contact(world.manager, world.acme.contacts.get(name="Person 0"), AT)
    again = services.reactivate_contact(world.manager, old, AT, reason="back from leave")
    assert again.is_active and again.deactivated_at is None
    assert [e.kind for e in again.events.all()] == ["added", "deactivated", "reactivated"]


def test_reactivating_an_active_contact_is_refused(world):
    with pytest.raises(EntitlementError) as exc:
        services.reactivate_contact(world.manager, world.alice, AT)
    assert exc.value.message == "Alice Adams is already an active support contact."


def test_a_transfer_deactivates_and_adds_in_one_step_with_history(world):
    add_contacts(world.manager, world.acme, 7)  # at the limit: a transfer is still allowed
    new = services.transfer_contact(
        world.manager, world.alice, name="Erin Evans", email="erin@acme.example", at=AT
    )
    old = SupportContact.objects.get(pk=world.alice.pk)
    assert not old.is_active and old.deactivated_by == world.manager
    assert old.deactivation_reason == "transferred to Erin Evans <erin@acme.example>"
    assert new.is_active and new.replaces == old and new.time_zone == old.time_zone
    assert new.events.get().reason == "transfer from Alice Adams <alice@acme.example>"
    assert world.acme.contacts.filter(is_active=True).count() == 8


def test_a_failed_transfer_changes_nothing(world):
    bob2 = services.add_contact(world.manager, world.acme, name="B", email="b@acme.example", at=AT)
    with pytest.raises(EntitlementError) as exc:
        services.transfer_contact(world.manager, world.alice, name="Dup", email=bob2.email, at=AT)
    assert exc.value.message == "b@acme.example is already an active support contact of Acme (B)."
    world.alice.refresh_from_db()
    assert world.alice.is_active


def test_an_inactive_contact_cannot_be_transferred(world):
    services.deactivate_contact(world.manager, world.alice, AT)
    with pytest.raises(EntitlementError) as exc:
        services.transfer_contact(world.manager, world.alice, name="E", email="e@a.example", at=AT)
    assert exc.value.message == (
        "Alice Adams is not an active contact, so there is nothing to transfer; add the new "
        "contact instead."
    )


def test_lowering_the_node_count_keeps_everyone_and_marks_over_the_limit(world):
    add_contacts(world.manager, world.acme, 7)
    assert services.contact_limit_status(world.acme_sub) == (8, 8, False)
    assert services.set_nodes(world.manager, world.acme_sub, 100) == (8, 4, True)
    assert world.acme.contacts.filter(is_active=True).count() == 8
    assert services.contact_limit_text(world.acme_sub) == (
        "8 of 4 active contacts (Premium, 100 nodes) — over the contact limit: deactivate 4 to "
        "resolve it"
    )
    with pytest.raises(EntitlementError) as exc:
        add_contacts(world.manager, world.acme, 1, start=50)
    assert exc.value.message == (
        "Premium, 100 nodes: at most 4 active contacts; 8 are active — deactivate 5 first"
    )
    for contact in world.acme.contacts.filter(is_active=True)[:4]:
        services.deactivate_contact(world.manager, contact, AT)
    assert services.contact_limit_status(world.acme_sub) == (4, 4, False)
    with pytest.raises(EntitlementError, match="4 are active — deactivate one first$"):
        add_contacts(world.manager, world.acme, 1, start=50)


def test_a_node_count_must_be_positive(world):
    with pytest.raises(EntitlementError) as exc:
        services.set_nodes(world.manager, world.acme_sub, 0)
    assert exc.value.message == "A subscription covers at least 1 node; 0 was given."


def test_the_database_keeps_one_active_contact_per_address(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        SupportContact.objects.create(
            customer=world.acme, name="X", email=world.alice.email, added_at=AT
        )
