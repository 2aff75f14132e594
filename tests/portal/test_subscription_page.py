"""Issue 17: the portal's subscription page shows what the terms promise the contact's
organisation, and nothing of another organisation's."""

from __future__ import annotations

from html import unescape

import pytest

from casedesk.customers import services as customers
from casedesk.lib import clock
from tests.cases.helpers import pt

pytestmark = pytest.mark.django_db

NOW = pt(2026, 11, 21, 10, 0)  # Saturday 21 Nov 2026, 10:00 PT


def _page(client, username: str) -> str:
    client.login(username=username, password="pw")
    with clock.pinned(NOW):
        return unescape(client.get("/portal/subscription/").content.decode())


def test_targets_hours_in_both_zones_and_the_next_holidays(client, world):
    world.alice.time_zone = "Europe/Berlin"
    world.alice.save()
    page = _page(client, "alice")
    targets = page[page.index('class="targets"') : page.index("</table>")]
    for n, target in enumerate(("1 hour", "4 hours", "1 business day", "reasonable efforts")):
        assert f"<td>Severity {n + 1}</td><td>{target}</td>" in targets
    assert "Mon–Fri 09:00–17:00 America/Los_Angeles, except holidays." in page
    # The next business day is Monday 23 Nov; 09:00–17:00 PST is 18:00–02:00 in Berlin.
    assert "(Mon 2026-11-23): Mon 18:00 – Tue 02:00 CET (Europe/Berlin)" in page
    assert "Thu 2026-11-26 Thanksgiving Day · Fri 2026-12-25 Christmas Day" in page
    assert 'emergency patches <strong class="patches">included</strong>' in page


def test_the_contact_limit_contacts_quota_ledger_patches_and_project(client, world):
    for n, at in enumerate((pt(2026, 3, 2, 10, 0), pt(2026, 6, 1, 10, 0))):
        customers.charge_incident(world.agent, world.globex_sub, case_ref=f"CASE-{n + 1}", at=at)
    customers.refund_incident(
        world.agent, world.globex_sub, case_ref="CASE-1", at=pt(2026, 6, 2, 10, 0), reason="bug"
    )
    page = _page(client, "bob")
    assert "1 of 2 active contacts" in page
    assert "1 of 10 Severity 1/2 incidents used this subscription year (renews 2027-01-01)" in page
    ledger = page[
        page.index('class="ledger"') : page.index("</table>", page.index('class="ledger"'))
    ]
    assert ledger.count("<tr>") == 4  # the header and three lines
    assert "<td>2026-03-02</td><td>CASE-1</td><td>charge</td>" in ledger
    assert "<td>CASE-1</td><td>refund</td>" in ledger
    assert 'emergency patches <strong class="patches">not included</strong>' in page
    assert "Globex's order platform on DC/OS" in page
    assert world.bob.email in page[page.index('id="contacts"') :]


def test_a_contact_never_sees_another_customers_subscription(client, world):
    customers.charge_incident(world.agent, world.globex_sub, case_ref="CASE-9", at=NOW)
    page = _page(client, "alice")
    assert "Globex" not in page and world.bob.email not in page and "CASE-9" not in page
    assert "incidents used" not in page  # Premium has no quota


def test_no_quota_charged_yet_says_so(client, world):
    assert "No incident charged this subscription year." in _page(client, "bob")
