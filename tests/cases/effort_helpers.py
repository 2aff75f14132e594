"""Cases that reach their first response through the services, for the effort tests."""

from __future__ import annotations

import datetime as dt

from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.lib import clock


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
