"""The pages people load at scale read their rows through indexes (issue 15).

10,000 cases from `bench/fill.py` (~7 % open), then the real pages: the console queue (first page
and a later one), a contact's and an engineer's API case list (first page and the page after a
cursor), the engineers' API queue and one case in the console, portal and API (the tracking-number
lookup). Every query they run on the case table is EXPLAINed: no sequential scan of it on
PostgreSQL, no bare `SCAN cases_case` on SQLite. And the number of queries per page stays at its
budget, the same as with a handful of cases.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from bench.fill import NOW, fill
from casedesk.api.tokens import create_token
from casedesk.cases.models import Case
from casedesk.lib import clock, paging

QUEUE_BUDGET = 17  # as tests/console/test_queue.py
LIST_BUDGET = 7  # as tests/api/test_case_list.py
CASE_TABLE = Case._meta.db_table


class Recorder:
    """Each query as sent, with its parameters apart: SQLite plans a bound `IN (?, ?, ?)`
    differently from the same values written out (it then ignores a partial index)."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, Any]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.queries.append((sql, params))
        return execute(sql, params, many, context)


def _plan(sql: str, params: Any) -> list[str]:
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return [str(row[-1] if connection.vendor == "sqlite" else row[0]) for row in cursor]


def _scans_the_case_table(plan: list[str]) -> bool:
    if connection.vendor == "sqlite":
        return any(line.strip() == f"SCAN {CASE_TABLE}" for line in plan)
    return any(f"Seq Scan on {CASE_TABLE}" in line for line in plan)


@pytest.fixture
def filled(db: None, settings: Any) -> Any:
    settings.ALLOWED_HOSTS = ["testserver"]
    return fill(10_000, progress=lambda line: None).world


@pytest.fixture
def some(db: None, settings: Any) -> Any:
    """3,000 cases, ~200 open: enough for pages of the queue, quicker to build."""
    settings.ALLOWED_HOSTS = ["testserver"]
    return fill(3_000, progress=lambda line: None).world


def _bearer(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(user, 'plans')[1]}"}


def test_the_pages_read_the_case_table_through_indexes_within_their_query_budget(filled):
    world = filled
    contact, customer_id = world.contact_users[0]
    agent, person, api = Client(), Client(), Client()  # `api`: tokens only, no session
    agent.force_login(world.agent)
    person.force_login(contact)
    agent_api, contact_api = _bearer(world.agent), _bearer(contact)
    ref = (
        Case.objects.filter(customer_id=customer_id, status="triaged")
        .order_by("-received_at")
        .values_list("tracking_number", flat=True)[0]
    )
    with clock.pinned(NOW):
        contact_next = api.get("/api/cases", headers=contact_api).json()["next_cursor"]
        agent_next = api.get("/api/cases", headers=agent_api).json()["next_cursor"]
        assert contact_next and agent_next
        pages: list[tuple[Client, str, dict[str, str], int | None]] = [
            (agent, "/console/", {}, QUEUE_BUDGET),
            (agent, "/console/?page=5", {}, QUEUE_BUDGET),
            # Issue 18: the scopes and the refresh fragment read through the same index.
            (agent, "/console/?show=mine", {}, QUEUE_BUDGET),
            (agent, "/console/?show=groups", {}, QUEUE_BUDGET),
            (agent, "/console/queue/body?show=unassigned&page=2", {}, QUEUE_BUDGET),
            (api, "/api/cases", contact_api, LIST_BUDGET),
            (api, f"/api/cases?cursor={contact_next}", contact_api, LIST_BUDGET),
            (api, "/api/cases", agent_api, LIST_BUDGET),
            (api, f"/api/cases?cursor={agent_next}", agent_api, LIST_BUDGET),
            (api, "/api/queue", agent_api, LIST_BUDGET),
            (agent, f"/console/cases/{ref.lower()}/", {}, None),
            (person, f"/portal/cases/{ref}/", {}, None),
            (api, f"/api/cases/{ref}", contact_api, None),
        ]
        scans = []
        for client, path, headers, budget in pages:
            recorder = Recorder()
            with connection.execute_wrapper(recorder):
                response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
            if budget is not None:
                assert len(recorder.queries) <= budget, (path, recorder.queries)
            for sql, params in recorder.queries:
                if sql.startswith("SELECT") and f'"{CASE_TABLE}"' in sql:
                    plan = _plan(sql, params)
                    if _scans_the_case_table(plan):
                        scans.append((path, sql, plan))
    assert scans == []


def test_the_queue_says_how_many_open_cases_up_to_a_thousand(some):
    client = Client()
    client.force_login(some.agent)
    with clock.pinned(NOW):
        page = client.get("/console/").context["page"]
        later = client.get("/console/?page=3").context["page"]
    open_now = Case.objects.filter(status__in=("new", "triaged", "waiting")).count()
    assert 150 < open_now < 1000  # ~7 % of 3,000
    assert str(page.count) == f"{open_now:,}" and not page.count.capped
    assert later.number == 3 and later.has_next and later.has_previous
    assert [c.pk for c in later.cases] != [c.pk for c in page.cases]


def test_a_page_past_the_end_of_a_long_queue_says_so(some, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 100)  # ~200 open cases: "100+", end unknown
    client = Client()
    client.force_login(some.agent)
    with clock.pinned(NOW):
        first = client.get("/console/")
        response = client.get("/console/?page=999")
    assert "100+" in first.content.decode()
    assert response.context["page"].count.capped
    body = response.content.decode()
    assert "No open cases on page 999: there are fewer." in body
    assert "The queue is clear" not in body
