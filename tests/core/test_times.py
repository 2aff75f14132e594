"""One time rule, said on each page: contacts read their own zone, engineers the terms' zone
(with the contact's beside it on the case page); one date-time format."""

from __future__ import annotations

import pytest

from tests.console.conftest import open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def berlin_case(world, now):  # type: ignore[no-untyped-def]
    world.alice.time_zone = "Europe/Berlin"
    world.alice.save(update_fields=["time_zone"])
    return open_case(world.alice)


def test_a_contact_reads_their_own_zone(client, world, berlin_case) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.alice.user)
    for url in ("/portal/", f"/portal/cases/{berlin_case.tracking_number}/", "/portal/new/"):
        html = client.get(url).content.decode()
        assert "Times in your time zone (Europe/Berlin)." in html, url
    listed = client.get("/portal/").content.decode()
    assert "23 Nov 2026, 19:00 CET" in listed  # received 10:00 in Los Angeles


def test_an_engineer_reads_the_terms_zone_with_the_contacts_beside_it(
    client, world, berlin_case
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.agent)
    html = client.get(f"/console/cases/{berlin_case.tracking_number}/").content.decode()
    assert "Times in the terms&#x27; zone (America/Los_Angeles)." in html
    assert (
        "The contact&#x27;s zone is Europe/Berlin; it is Mon 23 Nov 2026, 19:00 CET there." in html
    )
    for url in ("/console/", "/console/customers/acme/", "/console/reports/cases/"):
        assert (
            "Times in the terms&#x27; zone (America/Los_Angeles)."
            in client.get(url).content.decode()
        )


def test_the_report_rows_use_the_terms_zone_not_utc(client, world, berlin_case) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.agent)
    html = client.get("/console/reports/cases/?from=2026-11-01&to=2026-11-30").content.decode()
    assert "23 Nov 2026, 10:00 PST" in html
    assert " UTC" not in html
