"""`casedesk sla verify` checks issue 16's stored fields against the events, and `casedesk sla
explain` shows the waiting periods and the resolution."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.cases.sla_cli import verify_cases
from casedesk.customers import services as customers

from .helpers import pt

pytestmark = pytest.mark.django_db

MON_10 = pt(2026, 6, 1, 10)


def _lives(world) -> list[Case]:
    """A case of every resolution kind and a few detours, through the services."""
    future = customers.add_release(
        world.manager, product="DC/OS", version="2.9.0", ga_on=dt.date(2026, 9, 1)
    )
    made = []
    for n, how in enumerate(["answered", "workaround", "not_reproducible", "fixed_in_release"]):
        case = cs.open_case(
            world.alice, channel="web", subject=f"c{n}", received_at=MON_10, kind="problem"
        )
        cs.ask_customer(world.agent, case, "Logs", at=MON_10 + dt.timedelta(hours=1))
        cs.customer_reply(world.alice, case, body="x", received_at=MON_10 + dt.timedelta(hours=2))
        cs.classify(world.agent, case, environment="production")
        release = future if how == "fixed_in_release" else None
        made.append(cs.resolve(world.agent, case, how, release=release))
    reopened = cs.open_case(world.alice, channel="email", subject="r", received_at=MON_10)
    cs.resolve(world.agent, reopened, "duplicate", duplicate_of=made[0].tracking_number)
    cs.reopen(world.alice, reopened, reason="Not the same")
    made.append(reopened)
    return made


def test_verify_accepts_what_the_services_stored_and_reports_a_changed_field(world):
    cases = _lives(world)
    out = io.StringIO()
    assert verify_cases(out) == 0, out.getvalue()
    Case.objects.filter(pk=cases[1].pk).update(resolution="answered", kind="question")
    out = io.StringIO()
    assert verify_cases(out) == 1
    text = out.getvalue()
    assert f"{cases[1].tracking_number}: resolution stored answered, events say workaround" in text
    assert f"{cases[1].tracking_number}: kind stored question, events say problem" in text
    out = io.StringIO()
    call_command("sla", "recompute", stdout=out)
    assert (
        f"{cases[1].tracking_number}: kind question → problem; resolution answered → workaround"
        in (out.getvalue())
    )
    assert verify_cases(io.StringIO()) == 0


def test_explain_shows_the_waiting_periods_and_the_resolution(world):
    case = _lives(world)[0]
    out = io.StringIO()
    call_command("sla", "explain", case.tracking_number, stdout=out)
    text = out.getvalue()
    assert "Waiting on the customer (the vendor's clock paused):" in text
    assert "Mon 01 Jun 2026, 11:00 PDT → Mon 01 Jun 2026, 12:00 PDT (1 h 0 min)" in text
    assert "Resolution: answered (resolved)" in text
