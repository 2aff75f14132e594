"""What one API case creation costs the database, and that its answer is what a read gives.

The answer to `POST /api/cases` is built from what the service wrote, not read back: these
tests pin the number of queries and that the body equals `GET /api/cases/{ref}` afterwards.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import _caller

pytestmark = pytest.mark.django_db

# Token with its user, contact and organisation; the user's groups; the subscription; the
# tracking number; the routing rules (issue 18); the case, its events and its SLA watch row
# (SQLite adds BEGIN and COMMIT as statements of their own).
QUERY_BUDGET = 10


def _open(alice, **extra):
    body = {"subject": "Scheduler stuck", "description": "Jobs stay queued.", **extra}
    with CaptureQueriesContext(connection) as queries:
        response = alice.post("/api/cases", body)
    assert response.status_code == 201, response.content
    return response, [q["sql"] for q in queries.captured_queries]


def test_it_opens_a_case_within_the_query_budget(alice):
    _open(alice)  # the first call of a process may read what later ones find cached
    _, sql = _open(alice, requested_severity=1)
    assert len(sql) <= QUERY_BUDGET, "\n".join(sql)


def test_it_reads_nothing_back_after_writing_the_case(alice):
    _, sql = _open(alice)
    written = next(i for i, s in enumerate(sql) if s.startswith('INSERT INTO "cases_case"'))
    reads = [s for s in sql[written:] if s.lstrip().upper().startswith("SELECT")]
    assert reads == []


@pytest.mark.parametrize(
    "extra", [{}, {"requested_severity": 1}, {"product": "DC/OS", "version": "1.10.0"}]
)
def test_the_answer_is_what_reading_the_case_gives(alice, extra):
    response, _ = _open(alice, **extra)
    created = response.json()
    read = alice.get(f"/api/cases/{created['ref']}")
    assert read.status_code == 200
    assert created == read.json()


def _public_effort(effort: dict) -> dict:
    """The effort block as a contact sees it: the quiet fields are the vendor's own."""
    return effort | {"last_activity_at": None, "quiet_at": None, "quiet": None}


def test_an_engineer_reads_the_same_case_the_contact_was_answered_with(alice, world, openapi_doc):
    response, _ = _open(alice, requested_severity=1)
    created = response.json()
    engineer = _caller(openapi_doc, world.agent).get(f"/api/cases/{created['ref']}").json()
    internal = {"timeline", "version_flag", "assignee", "environment_flag"}
    assert {k: v for k, v in engineer.items() if k not in internal} | {
        "effort": _public_effort(engineer["effort"])
    } == {k: v for k, v in created.items() if k not in internal}
    public = [e for e in engineer["timeline"] if e["public"]]
    assert public == created["timeline"]
