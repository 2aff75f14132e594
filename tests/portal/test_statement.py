"""Issue 17: a contact opens their own organisation's yearly statement in the portal, in their
own time zone, picks a year, prints it; nothing of another organisation shows."""

from __future__ import annotations

import re
from html import unescape

import pytest

from casedesk.lib import clock
from tests.cases.helpers import pt
from tests.reports.conftest import NOW, build_month

pytestmark = pytest.mark.django_db


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _get(client, contact, url: str = "/portal/statement/", when=NOW):  # type: ignore[no-untyped-def]
    client.force_login(contact.user)
    with clock.pinned(when):
        return client.get(url)


def test_it_shows_the_contacts_own_statement_in_their_time_zone(client, world):
    month = build_month(world)
    world.bob.time_zone = "Europe/Berlin"
    world.bob.save()
    response = _get(client, world.bob)
    assert response.status_code == 200
    page = _text(response)
    assert "Support statement · Globex" in page
    assert "Subscription year 1 January 2026 to 31 December 2026 · Standard" in page
    assert "so far: the year is not over" in page
    assert "Times below are in your time zone, Europe/Berlin." in page
    breached = month["std_breached"].tracking_number
    # Received Thu 5 Nov 16:00 PST = Fri 6 Nov 01:00 CET; answered 90 minutes late.
    assert f"{breached} Report me · Severity 2 · answered 1 h 30 min after the deadline" in page
    assert "Received Fri 6 Nov 2026, 01:00 CET" in page
    assert "Cluster degraded." in page
    assert "11 of 10 used" in page
    assert "Charged over the quota (override)" in page
    assert "(d)" in page and "Cases closed as out of scope" in page
    assert 'href="/portal/statement/"' in response.content.decode()  # in the nav


def test_it_never_shows_another_organisations_statement(client, world):
    month = build_month(world)
    # No parameter names an organisation: whatever is asked, alice reads Acme's figures.
    for url in ("/portal/statement/", "/portal/statement/?customer=globex&customer_id=2"):
        page = _text(_get(client, world.alice, url))
        assert "Support statement · Acme" in page
        assert "Globex" not in page
        assert month["std_breached"].tracking_number not in page
    for user in (world.agent, world.manager):
        client.force_login(user)
        with clock.pinned(NOW):
            assert client.get("/portal/statement/").status_code == 404


def test_it_offers_the_years_so_far_and_explains_an_unknown_one(client, world):
    when = pt(2027, 2, 1, 10, 0)
    page = _text(_get(client, world.carol, when=when))
    assert "01 Jan 2027 to 31 Dec 2027 · Signature (so far)" in page
    assert "01 Jan 2026 to 31 Dec 2026 · Signature" in page
    response = _get(client, world.carol, "/portal/statement/?year=2026-01-01", when=when)
    assert "so far: the year is not over" not in _text(response)
    page = _text(_get(client, world.carol, "/portal/statement/?year=1999-01-01", when=when))
    assert "There is no subscription year starting on “1999-01-01”; here is the latest one." in page
    assert "Subscription year 1 January 2027 to 31 December 2027" in page


def test_an_empty_year_says_so_in_words(client, world):
    response = _get(client, world.carol)
    page = _text(response)
    assert (
        "Nothing to report for this subscription year so far: no case was received, no incident "
        "was charged against the quota, no designated contact changed and no emergency patch "
        "was delivered." in page
    )
    assert 'id="stmt-attainment-table"' not in response.content.decode()


def test_before_the_first_year_the_page_says_when_it_starts(client, world):
    page = _text(_get(client, world.carol, when=pt(2025, 12, 20, 10, 0)))
    assert "Your subscription has not started yet." in page


def test_it_offers_printing_without_inline_script(client, world):
    html = _get(client, world.carol).content.decode()
    assert '<button type="button" id="print-statement" hidden>Print or save as PDF</button>' in html
    assert re.search(r'<script src="[^"]*statement-print[^"]*\.js"></script>', html)
    assert re.search(r'<link rel="stylesheet" href="[^"]*statement[^"]*\.css">', html)
    assert "<script>" not in html and "onclick" not in html
