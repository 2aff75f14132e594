"""The demo's effort cases: a quiet Premium Severity 1 case in the console's lane, a case with a
waiting period, and the events they came from checked by `sla verify`."""

from __future__ import annotations

import io

import pytest

from casedesk.cases.models import Case
from casedesk.cases.sla_cli import verify_cases
from casedesk.core.demo_effort import seed_effort
from casedesk.lib import clock
from tests.cases.helpers import pt

pytestmark = pytest.mark.django_db
NOW = pt(2026, 11, 24, 10, 30)  # a Tuesday morning


def test_the_demo_has_quiet_cases_and_a_waiting_period(world, client):
    contacts = {"premium": world.alice, "signature": world.carol, "standard": world.bob}
    with clock.pinned(NOW):
        seed_effort(contacts, [world.agent], NOW)
        client.force_login(world.agent)
        lane = client.get("/console/").context["quiet"]
    subjects = [row.case.subject for row in lane]
    assert "Order service times out under load" in subjects
    assert (
        "Masters do not elect a leader" not in subjects
    )  # answered 08:00, before opening: quiet at 11:00
    waited = Case.objects.get(subject="Metrics gaps every night at 02:00")
    assert waited.events.filter(kind="info_requested", data__to="waiting").exists()
    assert verify_cases(io.StringIO()) == 0
