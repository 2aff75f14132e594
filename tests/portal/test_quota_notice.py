"""Issue 17: the portal's new-case form and its "Ask for a different severity" box show the
incident quota before anything is sent, in the same words as the API."""

from __future__ import annotations

import pytest

from casedesk.cases import services as cs
from casedesk.customers import services as customers
from casedesk.lib import clock
from tests.cases.helpers import pt

pytestmark = pytest.mark.django_db

NOW = pt(2026, 11, 23, 10, 0)
DECLINED = "will likely be declined unless a support engineer overrides the quota"


def _use(world, n: int) -> None:
    for i in range(n):
        customers.charge_incident(
            world.agent, world.globex_sub, case_ref=f"OLD-{i}", at=pt(2026, 5, 1, 10, i)
        )


@pytest.fixture
def bob_client(client, world):
    client.login(username="bob", password="pw")
    return client


def _page(client, path: str) -> str:
    with clock.pinned(NOW):
        return client.get(path).content.decode()


def test_the_new_case_form_shows_the_quota_left(bob_client, world):
    _use(world, 9)
    page = _page(bob_client, "/portal/new/")
    assert "9 of 10 Severity 1/2 incidents used this subscription year (renews 2027-01-01)" in page
    assert DECLINED not in page


def test_at_the_limit_the_form_says_a_request_will_likely_be_declined(bob_client, world):
    _use(world, 10)
    page = _page(bob_client, "/portal/new/")
    assert "10 of 10 Severity 1/2 incidents used this subscription year (renews 2027-01-01)" in page
    assert DECLINED in page


def test_the_severity_box_on_the_case_page_shows_the_quota(bob_client, world):
    with clock.pinned(NOW):
        case = cs.open_case(world.bob, channel="web", subject="Slow UI", requested_severity=4)
    _use(world, 10)
    page = _page(bob_client, f"/portal/cases/{case.tracking_number}/")
    box = page[page.index('id="severity"') :]
    assert (
        "10 of 10 Severity 1/2 incidents used this subscription year (renews 2027-01-01)"
        in box[: box.index("</form>")]
    )
    assert DECLINED in box[: box.index("</form>")]


def test_a_level_without_a_quota_shows_no_quota_line(client, world):
    client.login(username="alice", password="pw")
    assert "incidents used" not in _page(client, "/portal/new/")


def test_a_contact_sees_only_their_own_customers_quota(client, world):
    _use(world, 10)
    client.login(username="alice", password="pw")
    page = _page(client, "/portal/new/")
    assert "10 of 10" not in page
