"""The shared test world (a pytest plugin): three customers with a contact each, an agent and a
manager, and a small release catalog. Built through the services, as production data is.

- acme: Premium, 120 nodes (limit 8), alice (login alice / pw)
- globex: Standard, 50 nodes (limit 2, 10 Sev 1/2 incidents a year), bob (login bob / pw)
- initech: Signature, 10 nodes (no contact limit), carol (login carol / pw)
All three subscriptions run 2026-01-01..2027-12-31 with a Project/Application description.
- agent: in "Support engineers"; manager: staff, in "Support managers" (admin permissions)
- releases: "supported" (GA 2026-01-15, window from the terms), "eol" (ended 2025-06-30),
  "rc" (a release candidate)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # the models load once Django is set up, after this plugin is imported
    from django.contrib.auth.models import User

    from casedesk.customers.models import Customer, Release, Subscription, SupportContact

PASSWORD = "pw"
SETUP_AT = dt.datetime(2025, 12, 15, 17, 0, tzinfo=dt.UTC)
TERM = (dt.date(2026, 1, 1), dt.date(2027, 12, 31))


@dataclass
class World:
    acme: Customer
    acme_sub: Subscription
    alice: SupportContact
    globex: Customer
    globex_sub: Subscription
    bob: SupportContact
    initech: Customer
    initech_sub: Subscription
    carol: SupportContact
    agent: User
    manager: User
    releases: dict[str, Release] = field(default_factory=dict)


def _user(username: str, **extra: Any) -> User:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(
        username, f"{username}@example.com", PASSWORD, **extra
    )


def build_world() -> World:
    from casedesk.customers import services
    from casedesk.customers.roles import ensure_groups

    agents, managers = ensure_groups()
    agent = _user("agent")
    agent.groups.add(agents)
    manager = _user("manager", is_staff=True)
    manager.groups.add(managers)

    def customer(
        slug: str, name: str, level: str, nodes: int, who: str, person: str
    ) -> tuple[Customer, Subscription, SupportContact]:
        org = services.create_customer(manager, name=name, slug=slug, at=SETUP_AT)
        sub = services.create_subscription(
            manager,
            org,
            level=level,
            nodes=nodes,
            starts_on=TERM[0],
            ends_on=TERM[1],
            project_description=f"{name}'s order platform on DC/OS",
            at=SETUP_AT,
        )
        contact = services.add_contact(
            manager,
            org,
            name=person,
            email=f"{who}@{slug}.example",
            at=SETUP_AT,
            user=_user(who),
        )
        return org, sub, contact

    acme, acme_sub, alice = customer("acme", "Acme", "premium", 120, "alice", "Alice Adams")
    globex, globex_sub, bob = customer("globex", "Globex", "standard", 50, "bob", "Bob Brown")
    initech, initech_sub, carol = customer(
        "initech", "Initech", "signature", 10, "carol", "Carol Clark"
    )
    releases = {
        "supported": services.add_release(
            manager, product="DC/OS", version="2.2.0", ga_on=dt.date(2026, 1, 15)
        ),
        "eol": services.add_release(
            manager,
            product="DC/OS",
            version="1.10.0",
            ga_on=dt.date(2023, 6, 1),
            end_of_support_on=dt.date(2025, 6, 30),
        ),
        "rc": services.add_release(
            manager,
            product="DC/OS",
            version="2.3.0-rc1",
            ga_on=dt.date(2026, 3, 1),
            production=False,
        ),
    }
    return World(
        acme=acme,
        acme_sub=acme_sub,
        alice=alice,
        globex=globex,
        globex_sub=globex_sub,
        bob=bob,
        initech=initech,
        initech_sub=initech_sub,
        carol=carol,
        agent=agent,
        manager=manager,
        releases=releases,
    )


@pytest.fixture
def world(db: None) -> World:
    return build_world()
