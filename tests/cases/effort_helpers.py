"""Cases that reach their first response through the services, for the effort tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import casedesk.terms
from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.customers import services as customers
from casedesk.customers.services.terms_versions import terms_version_for
from casedesk.lib import clock
from tests.world import SETUP_AT, TERM, _user


def responded_case(
    world, contact, severity: int, received: dt.datetime, responded: dt.datetime
) -> Case:
    """A case opened at `received`, confirmed at `severity`, assigned to the agent and
    answered ("looking into it") at `responded`."""
    with clock.pinned(received):
        case = cs.open_case(
            contact, channel="web", subject="Cluster down", requested_severity=severity
        )
        if case.severity != severity:
            case = cs.confirm_severity_request(world.agent, case)
        case = cs.assign(world.manager, case, world.agent)
    with clock.pinned(responded):
        cs.respond(world.agent, case, "Looking into it.")
    return Case.objects.select_related("terms_version").get(pk=case.pk)


def example_terms_contact(world):
    """A contact of "Umbrella", Premium under the shipped example terms with update targets
    (Premium Sev 1: a public update every 2 hours), with the login "uma"."""
    example = Path(casedesk.terms.__file__).parent / "examples" / "update_targets.toml"
    version = terms_version_for(example.read_text(encoding="utf-8"))
    org = customers.create_customer(world.manager, name="Umbrella", slug="umbrella", at=SETUP_AT)
    customers.create_subscription(
        world.manager,
        org,
        level="premium",
        nodes=10,
        starts_on=TERM[0],
        ends_on=TERM[1],
        project_description="Umbrella's platform",
        at=SETUP_AT,
        terms_version=version,
    )
    return customers.add_contact(
        world.manager, org, name="Uma", email="uma@umbrella.example", at=SETUP_AT, user=_user("uma")
    )
