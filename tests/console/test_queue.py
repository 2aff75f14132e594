"""The agents' queue: order by response deadline, the three lanes, filters, pages, queries."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.cases import services as cs
from casedesk.lib import clock

from .conftest import NOW, open_case, selected

pytestmark = pytest.mark.django_db


def refs(rows) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.case.tracking_number for row in rows]


@pytest.fixture
def mixed(world):  # type: ignore[no-untyped-def]
    """Signature Sev 3 is 2 h elapsed; Premium Sev 3 one business day; Standard Sev 3 none."""
    return {
        "soon": open_case(world.carol, minutes_ago=90, subject="soon"),  # due in 30 min
        "tomorrow": open_case(world.alice, subject="tomorrow"),  # due Tue 10:00 PT
        "none": open_case(world.bob, subject="no deadline"),  # reasonable efforts
        "overdue": open_case(world.carol, minutes_ago=150, subject="overdue"),  # 30 min late
    }


def test_it_sorts_open_cases_by_response_deadline_with_no_deadline_last(agent_client, mixed):
    response = agent_client.get("/console/")
    assert response.status_code == 200
    expected = ["overdue", "soon", "tomorrow", "none"]
    assert refs(response.context["rows"]) == [mixed[k].tracking_number for k in expected]


def test_it_colours_rows_by_time_left_and_renders_live_countdowns(agent_client, mixed):
    response = agent_client.get("/console/")
    css = {row.case.subject: row.css for row in response.context["rows"]}
    assert css == {"overdue": "bad", "soon": "warn", "tomorrow": "ok", "no deadline": ""}
    deadline = mixed["soon"].response_deadline.isoformat()
    assert f'<span class="countdown warn" data-deadline="{deadline}"' in response.content.decode()
    assert "overdue 30 min" in response.content.decode()


def test_it_leaves_closed_cases_out(agent_client, world, mixed):
    cs.close(world.agent, mixed["tomorrow"])
    response = agent_client.get("/console/")
    assert mixed["tomorrow"].tracking_number not in refs(response.context["rows"])


def test_it_lists_cases_breaching_within_the_hour_without_a_first_response(
    agent_client, world, mixed
):
    answered = open_case(world.carol, minutes_ago=100, subject="answered")
    with clock.pinned(NOW - dt.timedelta(minutes=5)):
        cs.respond(world.agent, answered, "Looking at it now.")
    response = agent_client.get("/console/")
    assert refs(response.context["breaching"]) == [
        mixed["overdue"].tracking_number,
        mixed["soon"].tracking_number,
    ]


def test_it_lists_severity_requests_waiting_for_confirmation(agent_client, world, mixed):
    asked = open_case(world.alice, requested_severity=1, subject="down")
    declined = open_case(world.carol, requested_severity=2, subject="declined")
    cs.decline_severity_request(world.agent, declined, "Not a production outage.")
    response = agent_client.get("/console/")
    assert refs(response.context["requests"]) == [asked.tracking_number]
    assert "→ 1?" in response.content.decode()


def test_it_shows_mail_held_from_unverified_senders(agent_client, world):
    from casedesk.mail.models import InboundMessage, InboundStatus

    for n, status in enumerate([InboundStatus.HELD_UNVERIFIED, InboundStatus.PROCESSED]):
        InboundMessage.objects.create(
            message_id=f"<m{n}@example.org>",
            raw=b"",
            received_at=NOW - dt.timedelta(minutes=n),
            from_address=f"stranger{n}@example.org",
            subject=f"Help with cluster {n}",
            status=status,
        )
    response = agent_client.get("/console/")
    assert response.context["mail_count"] == 1
    html = response.content.decode()
    assert "stranger0@example.org" in html
    assert "Help with cluster 0" in html
    assert "stranger1@example.org" not in html


def test_it_shows_empty_states(agent_client, world):
    html = agent_client.get("/console/").content.decode()
    assert "No severity requests are waiting." in html
    assert "No mail is held." in html
    assert "Nothing is due within the hour without a response." in html
    assert "No open cases. The queue is clear." in html
    html = agent_client.get("/console/?customer=acme").content.decode()
    assert "No open cases match these filters." in html


def test_it_filters_by_level_severity_customer_and_assignee(agent_client, world, mixed):
    cs.assign(world.agent, mixed["soon"], world.manager)
    cs.change_severity(world.agent, mixed["tomorrow"], 2, "Production is degraded.")

    def filtered(query: str) -> list[str]:
        return [r.case.subject for r in agent_client.get(f"/console/?{query}").context["rows"]]

    assert filtered("level=standard") == ["no deadline"]
    assert filtered("severity=2") == ["tomorrow"]
    assert filtered("customer=initech") == ["overdue", "soon"]
    assert filtered(f"assignee={world.manager.pk}") == ["soon"]
    assert filtered("assignee=none") == ["overdue", "tomorrow", "no deadline"]
    assert filtered("customer=initech&assignee=none") == ["overdue"]


def test_it_keeps_the_filters_in_the_form(agent_client, world, mixed):
    response = agent_client.get(f"/console/?level=signature&severity=3&assignee={world.agent.pk}")
    assert selected(response, "id_level") == "signature"
    assert selected(response, "id_severity") == "3"
    assert selected(response, "id_assignee") == str(world.agent.pk)
    assert selected(response, "id_customer") == ""


def test_it_explains_an_invalid_filter_and_shows_everything(agent_client, mixed):
    response = agent_client.get("/console/?severity=9")
    assert response.status_code == 200
    assert "Select a valid choice. 9 is not one of the available choices." in (
        response.content.decode()
    )
    assert len(response.context["rows"]) == 4


def test_it_pages_fifty_cases_at_a_time_keeping_the_filters(agent_client, world):
    for n in range(51):
        open_case(world.carol, minutes_ago=n, subject=f"case {n}")
    first = agent_client.get("/console/?customer=initech")
    assert len(first.context["rows"]) == 50
    assert first.context["rows"][0].case.subject == "case 50"  # received first, due first
    assert 'href="/console/?customer=initech&amp;page=2"' in first.content.decode()
    second = agent_client.get("/console/?customer=initech&page=2")
    assert [r.case.subject for r in second.context["rows"]] == ["case 0"]
    assert "Page 2 of 2" in second.content.decode()


def test_it_runs_a_fixed_number_of_queries_however_many_cases(
    agent_client, world, django_assert_max_num_queries
):
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert agent_client.get("/console/").status_code == 200
        return len(ctx.captured_queries)

    for contact in (world.alice, world.bob, world.carol):
        open_case(contact, requested_severity=1, minutes_ago=100)
    few = count()
    for n in range(6):
        case = open_case(world.carol, requested_severity=2, minutes_ago=110 + n)
        cs.assign(world.agent, case, world.manager if n % 2 else world.agent)
    assert count() == few
    # 17: one is the sign-in check for a second factor (SecondFactorMiddleware); two load the
    # customers and terms of the page's and lanes' cases (joined, SQLite's planner scanned); one
    # is the quiet lane.
    with django_assert_max_num_queries(17):
        agent_client.get("/console/")


def test_setting_the_requested_severity_takes_the_case_out_of_the_requests_lane(
    agent_client, world
):
    asked = open_case(world.alice, requested_severity=2, subject="down")
    response = agent_client.post(
        f"/console/cases/{asked.tracking_number}/severity",
        {"severity": "2", "reason": "Production disrupted.", "override_quota_reason": ""},
    )
    assert response.status_code == 302
    response = agent_client.get("/console/")
    assert refs(response.context["requests"]) == []
