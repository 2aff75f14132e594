"""Issue 18: the escalation step "team" means the case's support group; without a group (or
with nobody reachable in it) every engineer and manager, as before."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import GroupMember
from casedesk.lib import clock
from casedesk.watch.notify import recipients
from casedesk.watch.sweep import sweep
from tests.cases.groups_helpers import engineer, group
from tests.cases.helpers import pt

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def _sev2(world, at, **extra):
    with clock.pinned(at):
        case = cs.open_case(
            world.alice, channel="web", subject="Down", requested_severity=2, **extra
        )
        case = cs.confirm_severity_request(world.agent, case)
        return cs.assign(world.manager, case, world.agent)


def test_the_team_step_mails_the_cases_group_and_its_assignee(world, alert_mail):
    received = pt(2026, 3, 10, 10, 0)  # Premium Sev 2: 4 hours, 24x7
    ana, raj = engineer("ana"), engineer("raj")
    engineer("outsider")
    group("Platform", ana, raj, product="DC/OS")
    case = _sev2(world, received, product="DC/OS")
    assert sweep(received + 2 * H) == 1
    assert alert_mail[0].to == ["agent@example.com"]  # step 1: the assignee
    assert sweep(received + 3.2 * H) == 1
    # Step 2, "team": the group (not the outsider, not the managers), with the assignee.
    assert alert_mail[1].to == ["agent@example.com", "ana@example.com", "raj@example.com"]
    assert sweep(received + 4 * H) == 1
    assert alert_mail[2].to == ["agent@example.com", "manager@example.com"]  # managers
    assert case.group.name == "Platform"


def test_without_a_group_the_team_is_every_engineer_and_manager(world):
    engineer("ana")
    case = _sev2(world, pt(2026, 3, 10, 10, 0))
    assert recipients(case, "team") == [
        "agent@example.com",
        "ana@example.com",
        "manager@example.com",
    ]


def test_a_group_nobody_active_is_in_falls_back_to_every_engineer(world):
    gone = engineer("gone")
    team = group("Ghosts", gone)
    gone.is_active = False
    gone.save()
    case = _sev2(world, pt(2026, 3, 10, 10, 0))
    cs.set_group(world.agent, case, team)
    case.refresh_from_db()
    assert recipients(case, "team") == ["agent@example.com", "manager@example.com"]
    GroupMember.objects.all().delete()
    assert recipients(case, "team") == ["agent@example.com", "manager@example.com"]
