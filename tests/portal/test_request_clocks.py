"""Issue 17: a pending severity request shows both clocks on the portal's case page, in the
contact's zone, and on 24x7 levels that a Severity 1 request pages the on-duty engineer."""

from __future__ import annotations

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import Case
from casedesk.lib import clock
from tests.cases.helpers import pt

pytestmark = pytest.mark.django_db

FRIDAY = pt(2026, 11, 20, 16, 30)  # Friday 16:30 PT


def _open(client, **fields):
    data = {
        "requested_severity": "1",
        "release": "",
        "subject": "Down",
        "description": "All payment jobs fail since 10:02.",
    }
    data.update(fields)
    with clock.pinned(FRIDAY):
        client.post("/portal/new/", data)
    return Case.objects.get()


def _page(client, case, at=FRIDAY) -> str:
    with clock.pinned(at):
        return client.get(f"/portal/cases/{case.tracking_number}/").content.decode()


def test_a_severity_1_request_shows_both_clocks_and_the_page(client, world):
    client.login(username="alice", password="pw")
    case = _open(client)
    page = _page(client, case, pt(2026, 11, 20, 16, 40))
    assert (
        "Severity 3 now: due Mon 23 Nov 2026, 16:30 PST; if an engineer confirms Severity 1: "
        "due 1 hour from confirmation (Fri 20 Nov 2026, 17:40 PST if confirmed now)."
    ) in page
    assert (
        "On your Premium level a Severity 1 request pages the on-duty engineer now, before it "
        "is confirmed."
    ) in page


def test_the_clocks_are_in_the_contacts_zone(client, world):
    world.alice.time_zone = "Europe/Berlin"
    world.alice.save()
    client.login(username="alice", password="pw")
    case = _open(client)
    page = _page(client, case)
    assert "Severity 3 now: due Tue 24 Nov 2026, 01:30 CET" in page
    assert "(Sat 21 Nov 2026, 02:30 CET if confirmed now)" in page


def test_a_business_hours_level_shows_both_clocks_without_paging(client, world):
    client.login(username="bob", password="pw")
    case = _open(client)
    page = _page(client, case)
    assert (
        "Severity 3 now: no deadline (reasonable efforts); if an engineer confirms Severity 1"
        in page
    )
    assert "due 1 business day from confirmation" in page
    assert "pages the on-duty engineer" not in page


def test_once_the_request_is_answered_the_second_clock_goes(client, world):
    client.login(username="alice", password="pw")
    case = _open(client)
    with clock.pinned(pt(2026, 11, 20, 16, 35)):
        cs.confirm_severity_request(world.agent, case, "Outage confirmed.")
    assert "if an engineer confirms" not in _page(client, case, pt(2026, 11, 20, 16, 40))
