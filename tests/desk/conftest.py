"""Desk tests: the console's engineer client and fixed-time cases, plus a second Acme contact."""

from __future__ import annotations

import pytest

from casedesk.customers import services
from casedesk.customers.roles import ensure_groups
from tests.console.conftest import NOW, agent_client, now, open_case  # noqa: F401 - fixtures
from tests.world import SETUP_AT, _user


@pytest.fixture
def ann(world):  # type: ignore[no-untyped-def]
    """Alice's colleague at Acme, with a portal login."""
    return services.add_contact(
        world.manager,
        world.acme,
        name="Ann Able",
        email="ann@acme.example",
        at=SETUP_AT,
        user=_user("ann"),
    )


@pytest.fixture
def raj(world):  # type: ignore[no-untyped-def]
    """A second support engineer."""
    user = _user("raj", first_name="Raj")
    user.groups.add(ensure_groups()[0])
    return user
