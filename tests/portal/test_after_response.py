"""Issue 16 part A in the portal: kind and environment on the form, "We need from you" on top
of a waiting case, the reply that resumes it, and how it was resolved."""

from __future__ import annotations

from html import unescape

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import Case, Status
from casedesk.lib import clock
from tests.cases.helpers import pt

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(client, world):
    client.login(username="alice", password="pw")
    return client


def test_the_form_asks_kind_and_environment(alice_client):
    with clock.pinned(pt(2026, 11, 20, 10)):
        response = alice_client.post(
            "/portal/new/",
            {
                "requested_severity": "3",
                "kind": "problem",
                "environment": "production",
                "subject": "Scheduler stuck",
                "description": "Jobs stay queued since the upgrade.",
            },
        )
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.kind, case.environment) == ("problem", "production")
    bad = alice_client.post("/portal/new/", {"kind": "outage", "subject": "x"})
    assert "Select a valid choice. outage is not one of the available choices." in unescape(
        bad.content.decode()
    )


def test_the_portal_shows_what_is_needed_and_the_reply_resumes(alice_client, world):
    case = cs.open_case(world.alice, channel="web", subject="Slow", received_at=pt(2026, 11, 2, 9))
    cs.ask_customer(world.agent, case, "The scheduler log\nYour config", at=pt(2026, 11, 2, 10))
    page = unescape(alice_client.get(f"/portal/cases/{case.tracking_number}/").content.decode())
    needed = page[page.index('id="needed"') :]
    assert "We need from you:" in needed and "<li>The scheduler log</li>" in needed
    alice_client.post(f"/portal/cases/{case.tracking_number}/reply/", {"body": "Attached."})
    case.refresh_from_db()
    assert case.status == Status.TRIAGED
    page = unescape(alice_client.get(f"/portal/cases/{case.tracking_number}/").content.decode())
    assert "We need from you" not in page


def test_the_portal_says_how_the_case_was_resolved(alice_client, world):
    case = cs.open_case(world.alice, channel="web", subject="Slow", received_at=pt(2026, 11, 2, 9))
    cs.resolve(world.agent, case, "workaround", note="Restart nightly.")
    page = unescape(alice_client.get(f"/portal/cases/{case.tracking_number}/").content.decode())
    assert "Resolved: workaround" in page
