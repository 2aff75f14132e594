"""casedesk's PostgreSQL backend: a few rows are inserted with VALUES, many with UNNEST."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casedesk.cases.models import CaseEvent
from casedesk.cases.services import events
from casedesk.lib.postgresql.compiler import UNNEST_FROM_ROWS

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the backend is for PostgreSQL only"
)

AT = dt.datetime(2026, 6, 1, 17, 0, tzinfo=dt.UTC)


@pytest.fixture
def case(world):
    from casedesk.cases import services

    return services.open_case(world.alice, channel="web", subject="Scheduler down", received_at=AT)


def _notes(case, n: int) -> list[CaseEvent]:
    return [
        events.new_event(case, "note", None, AT, body=f"note {i} ’quoted’", public=False, n=i)
        for i in range(n)
    ]


@pytest.mark.parametrize(("rows", "strategy"), [(2, "VALUES"), (UNNEST_FROM_ROWS, "UNNEST")])
def test_bulk_inserts_store_every_row_either_way(case, rows, strategy):
    assert connection.settings_dict["ENGINE"] == "casedesk.lib.postgresql"
    with CaptureQueriesContext(connection) as queries:
        made = CaseEvent.objects.bulk_create(_notes(case, rows))
    (insert,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert strategy in insert
    stored = CaseEvent.objects.filter(pk__in=[e.pk for e in made]).order_by("pk")
    assert [(e.body, e.data) for e in stored] == [
        (f"note {i} ’quoted’", {"n": i}) for i in range(rows)
    ]
