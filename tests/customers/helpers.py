"""Small builders for the customers tests, on top of tests.world."""

from __future__ import annotations

import datetime as dt
from typing import Any

from casedesk.customers import services

UTC = dt.UTC
AT = dt.datetime(2026, 6, 1, 17, 0, tzinfo=UTC)  # a Monday morning in Pacific Time


def customer_with(
    manager: Any,
    slug: str,
    *,
    level: str = "premium",
    nodes: int = 10,
    starts_on: dt.date = dt.date(2026, 1, 1),
    ends_on: dt.date = dt.date(2027, 12, 31),
    description: str = "Order platform",
) -> tuple[Any, Any]:
    customer = services.create_customer(manager, name=slug.title(), slug=slug, at=AT)
    sub = services.create_subscription(
        manager,
        customer,
        level=level,
        nodes=nodes,
        starts_on=starts_on,
        ends_on=ends_on,
        project_description=description,
        at=AT,
    )
    return customer, sub


def add_contacts(manager: Any, customer: Any, n: int, start: int = 0) -> list[Any]:
    return [
        services.add_contact(
            manager,
            customer,
            name=f"Person {i}",
            email=f"person{i}@{customer.slug}.example",
            at=AT,
        )
        for i in range(start, start + n)
    ]
