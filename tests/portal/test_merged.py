"""Issue 18 in the portal: a merged duplicate says where it went, and a reply there lands on
the case it was merged into."""

from __future__ import annotations

from html import unescape

import pytest

from casedesk.cases import services as cs
from casedesk.cases.models import EventKind
from casedesk.lib import clock
from tests.cases.helpers import pt

pytestmark = pytest.mark.django_db

AT = pt(2026, 11, 23, 10)


@pytest.fixture
def merged(world):
    with clock.pinned(AT):
        original = cs.open_case(world.alice, channel="web", subject="Scheduler down")
        duplicate = cs.open_case(world.alice, channel="web", subject="Jobs stuck")
        cs.merge_cases(world.agent, duplicate, original.tracking_number)
    return original, duplicate


def test_the_duplicate_says_merged_into_with_a_link(client, merged):
    original, duplicate = merged
    client.login(username="alice", password="pw")
    with clock.pinned(AT):
        page = unescape(client.get(f"/portal/cases/{duplicate.tracking_number}/").content.decode())
    assert (
        f'Merged into <a href="/portal/cases/{original.tracking_number}/">'
        f"{original.tracking_number}</a> (Scheduler down)"
    ) in page
    assert "This case is closed as a duplicate: reply on" in page
    with clock.pinned(AT):
        target = unescape(client.get(f"/portal/cases/{original.tracking_number}/").content.decode())
    assert f"Merged from {duplicate.tracking_number} (Jobs stuck)" in target
    assert "Merged into" not in target


def test_another_organisation_sees_neither(client, merged):
    _, duplicate = merged
    client.login(username="bob", password="pw")
    assert client.get(f"/portal/cases/{duplicate.tracking_number}/").status_code == 404


def test_a_reply_on_the_duplicate_is_added_to_the_target(client, merged):
    original, duplicate = merged
    client.login(username="alice", password="pw")
    with clock.pinned(AT):
        response = client.post(
            f"/portal/cases/{duplicate.tracking_number}/reply/", {"body": "Any news?"}, follow=True
        )
    assert (
        f"{duplicate.tracking_number} was merged into {original.tracking_number}; your reply was "
        "added there."
    ) in unescape(response.content.decode())
    assert original.events.filter(kind=EventKind.CUSTOMER_REPLIED, body="Any news?").exists()
