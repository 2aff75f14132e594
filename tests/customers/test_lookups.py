"""The hot lookups of mail intake: what the plain ORM queries give, each in one query."""

from __future__ import annotations

import datetime as dt
from typing import Any

from casedesk.customers import services
from casedesk.customers.models import Subscription, SupportContact
from casedesk.customers.services.lookups import active_contacts_by_email, subscriptions_of
from tests.customers.helpers import AT, customer_with


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_contacts_match_the_orm_field_for_field_with_their_customer_in_one_query(
    world, django_assert_num_queries
):
    # The same address at a second customer (a consultant), written in other letter case.
    wayne, _ = customer_with(world.manager, "wayne")
    services.add_contact(
        world.manager, wayne, name="Alice at Wayne", email="ALICE@acme.example", at=AT
    )
    expected = list(
        SupportContact.objects.filter(email__iexact="Alice@Acme.Example", is_active=True)
        .select_related("customer")
        .order_by("pk")
    )
    with django_assert_num_queries(1):
        found = active_contacts_by_email("Alice@Acme.Example")
        customers = [c.customer.name for c in found]
    assert [_fields(c) for c in found] == [_fields(c) for c in expected]
    assert customers == ["Acme", "Wayne"]
    assert isinstance(found[0].is_active, bool) and found[0].added_at.tzinfo is not None


def test_inactive_and_other_contacts_are_not_found(world):
    services.deactivate_contact(world.manager, world.alice, AT + dt.timedelta(days=1))
    assert active_contacts_by_email("alice@acme.example") == []
    assert active_contacts_by_email("nobody@acme.example") == []
    assert [c.pk for c in active_contacts_by_email("bob@globex.example")] == [world.bob.pk]


def test_subscriptions_match_the_orm_latest_start_first_with_terms_and_no_text(
    world, django_assert_num_queries
):
    renewal = services.create_subscription(
        world.manager,
        world.acme,
        level="signature",
        nodes=120,
        starts_on=dt.date(2028, 1, 1),
        ends_on=dt.date(2028, 12, 31),
        project_description="Order platform",
        at=AT,
    )
    expected = list(
        Subscription.objects.filter(customer=world.acme).select_related("terms_version")
    )
    with django_assert_num_queries(1):
        found = subscriptions_of(world.acme)
        seen = [(s.customer.name, s.terms_version.version, s.level_name) for s in found]
    assert [s.pk for s in found] == [renewal.pk, world.acme_sub.pk]
    assert sorted(map(_fields, found), key=str) == sorted(map(_fields, expected), key=str)
    assert seen == [
        ("Acme", found[0].terms.version, "Signature"),
        ("Acme", found[0].terms.version, "Premium"),
    ]
    # The terms text is deferred (loaded only if asked for), as the ORM's defer() left it.
    assert "text" in found[0].terms_version.get_deferred_fields()
    assert found[0].terms_version.text == expected[0].terms_version.text


def test_an_address_matches_only_itself_not_as_a_pattern(world):
    # SQLite matches with LIKE: "_" and "%" in an address must not act as wildcards.
    assert active_contacts_by_email("alice@acme_example") == []
    assert active_contacts_by_email("alice@acme%") == []
    assert active_contacts_by_email("ALICE@ACME.EXAMPLE")[0].pk == world.alice.pk
