"""Issue 18 in the console: take from the queue and the case page, the scopes "Mine", "My
groups", "Unassigned", the groups page, the order of what needs action next, lane counts in
the title, and the fragment the queue's refresh script swaps in."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from casedesk.cases import services as cs
from casedesk.lib import clock
from tests.cases.effort_helpers import responded_case
from tests.cases.groups_helpers import engineer, group

from .conftest import NOW, open_case

pytestmark = pytest.mark.django_db
H, M = dt.timedelta(hours=1), dt.timedelta(minutes=1)


def refs(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.case.tracking_number for row in response.context["rows"]]


def test_take_from_the_queue_returns_to_the_queue_with_its_filters(agent_client, world):
    case = open_case(world.alice)
    queue = "/console/?show=unassigned"
    page = agent_client.get(queue).content.decode()
    assert f'formaction="/console/cases/{case.tracking_number}/take"' in page
    response = agent_client.post(
        f"/console/cases/{case.tracking_number}/take", {"next": queue}, follow=True
    )
    assert response.redirect_chain[-1][0] == queue
    assert f"{case.tracking_number} is yours now." in response.content.decode()
    assert refs(response) == []  # out of "Unassigned"
    assert refs(agent_client.get("/console/?show=mine")) == [case.tracking_number]


def test_take_on_the_case_page_and_its_refusal(agent_client, world):
    ana = engineer("ana", first_name="Ana", last_name="Lima")
    case = open_case(world.alice)
    page = agent_client.get(f"/console/cases/{case.tracking_number}/").content.decode()
    assert "Nobody owns this case yet." in page and 'id="take"' in page
    response = agent_client.post(f"/console/cases/{case.tracking_number}/take", follow=True)
    assert "You own this case." in response.content.decode()
    other = open_case(world.bob)
    cs.assign(world.manager, other, ana)
    refused = agent_client.post(f"/console/cases/{other.tracking_number}/take", follow=True)
    html = refused.content.decode()
    assert f"{other.tracking_number} is assigned to Ana Lima; ask them, or reassign it." in html
    assert "Ana Lima owns this case." in html and 'id="take"' not in html


def test_a_contact_cannot_take_or_act_in_bulk(client, world, now):
    case = open_case(world.alice)
    client.force_login(world.alice.user)
    assert client.post(f"/console/cases/{case.tracking_number}/take").status_code == 404
    bulk = {"case": [case.tracking_number], "action": "status", "status": "closed"}
    assert client.post("/console/queue/bulk", bulk).status_code == 404
    case.refresh_from_db()
    assert case.assignee is None and case.status == "new"


def test_scopes_mine_my_groups_unassigned_and_all(agent_client, world):
    platform = group("Platform", world.agent, product="DC/OS")
    group("Other", product="Marathon")
    mine = open_case(world.alice, subject="mine")
    cs.take(world.agent, mine)
    routed = open_case(world.alice, subject="routed", product="DC/OS")
    elsewhere = open_case(world.bob, subject="elsewhere", product="Marathon")
    assert routed.group == platform
    assert refs(agent_client.get("/console/?show=mine")) == [mine.tracking_number]
    assert refs(agent_client.get("/console/?show=groups")) == [routed.tracking_number]
    assert set(refs(agent_client.get("/console/?show=unassigned"))) == {
        routed.tracking_number,
        elsewhere.tracking_number,
    }
    assert len(refs(agent_client.get("/console/"))) == 3
    html = agent_client.get("/console/?show=groups&customer=acme").content.decode()
    assert '<input type="hidden" name="show" value="groups">' in html  # the filters keep it
    assert '<strong class="scope current" aria-current="page">My groups</strong>' in html


def test_scopes_say_why_they_are_empty(agent_client, world):
    html = agent_client.get("/console/?show=groups").content.decode()
    assert "No open cases in your support groups." in html
    html = agent_client.get("/console/?show=mine").content.decode()
    assert "No open cases are assigned to you." in html


def test_the_queue_orders_what_needs_action_next(agent_client, world):
    """Overdue first, then a quiet case, then later deadlines; waiting on the customer last."""
    waiting = open_case(world.carol, minutes_ago=600, subject="waiting")
    with clock.pinned(NOW - dt.timedelta(minutes=590)):
        cs.respond(world.agent, waiting, "Which version?")
        cs.ask_customer(world.agent, waiting, "Which version?")
    # Premium Sev 1 answered 3 h 10 min ago: quiet (2 h interval) for 1 h 10 min.
    quiet = responded_case(world, world.alice, 1, NOW - 4 * H, NOW - 3 * H - 10 * M)
    open_case(world.alice, subject="later")  # Premium: one business day
    open_case(world.carol, minutes_ago=150, subject="overdue")
    response = agent_client.get("/console/")
    quiet.refresh_from_db()
    assert quiet.quiet_at is not None and quiet.quiet_at <= NOW
    assert [r.case.subject for r in response.context["rows"]] == [
        "overdue",
        "Cluster down",
        "later",
        "waiting",
    ]


def test_the_title_counts_the_lanes(agent_client, world):
    open_case(world.carol, minutes_ago=150)  # overdue
    open_case(world.carol, minutes_ago=100)  # due within the hour
    open_case(world.alice, requested_severity=1)
    open_case(world.alice, requested_severity=2)
    html = agent_client.get("/console/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title and title.group(1) == "(1 overdue, 1 due soon, 2 requests) Queue · casedesk"


def test_the_refresh_fragment_is_the_queue_body_with_its_title(agent_client, world):
    case = open_case(world.carol, minutes_ago=150)
    html = agent_client.get("/console/?show=all").content.decode()
    assert 'data-refresh-url="/console/queue/body?show=all"' in html
    assert '<script src="/static/casedesk/queue-refresh.js' in html
    fragment = agent_client.get("/console/queue/body?show=all")
    body = fragment.content.decode()
    assert "<html" not in body and case.tracking_number in body
    assert 'data-title="(1 overdue) Queue · casedesk"' in body
    # Buttons in the fragment go back to the queue page, not to the fragment.
    assert 'name="next" value="/console/?show=all"' in body


def test_the_groups_page_lists_members_rules_and_open_cases(agent_client, world):
    ana = engineer("ana", first_name="Ana", last_name="Lima")
    platform = group("Platform", ana, world.agent, round_robin=True, product="DC/OS")
    platform.memberships.filter(user=world.agent).update(available=False)
    open_case(world.alice, product="DC/OS")
    html = agent_client.get("/console/groups/").content.decode()
    assert "Platform" in html and "1 open" in html
    assert "Ana Lima" in html and 'agent <span class="muted">(off shift)</span>' in html
    assert "DC/OS, any kind" in html
    assert "go to the members on shift in turn" in html


def test_the_groups_page_empty_state(agent_client, world):
    html = agent_client.get("/console/groups/").content.decode()
    assert "No support groups yet." in html


def test_managers_edit_groups_members_and_rules_in_the_admin(client, world):
    group("Platform", world.agent, product="DC/OS")
    client.force_login(world.manager)
    listing = client.get("/admin/cases/supportgroup/")
    assert listing.status_code == 200 and "Platform" in listing.content.decode()
    add = client.get("/admin/cases/supportgroup/add/").content.decode()
    assert "On shift: round-robin assignment may give this member cases." in add
    assert "Lower numbers are tried first." in add
