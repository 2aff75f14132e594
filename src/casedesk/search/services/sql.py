"""The full-text part of a case search, in each database's own SQL.

Table and column names are constants here; everything a person typed is a bound parameter.
Both return the page's case ids in rank order (a match in the number or subject first, then by
how often the words occur), newest first among equals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from casedesk.search.parse import Query, fts5_expression, websearch_text

START, STOP = "\ue000", "\ue001"  # private-use characters around a match in a snippet
HEADLINE = f'StartSel="{START}", StopSel="{STOP}", MaxWords=30, MinWords=12, MaxFragments=2'


@dataclass
class Where:
    """Filters on cases_case (aliased c), ANDed."""

    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def equal(self, column: str, value: object) -> None:
        self.clauses.append(f"c.{column} = %s")
        self.params.append(value)

    def one_of(self, column: str, values: Sequence[object]) -> None:
        self.clauses.append(f"c.{column} IN ({', '.join('%s' for _ in values)})")
        self.params.extend(values)

    def compare(self, column: str, op: str, value: dt.datetime) -> None:
        self.clauses.append(f"c.{column} {op} %s")
        self.params.append(connection.ops.adapt_datetimefield_value(value))

    def sql(self) -> str:
        return "".join(f" AND {clause}" for clause in self.clauses)


# A word in most cases would have every one of them ranked; only the newest matches are, so a
# query costs the same at any table size. Beyond them, words or filters narrow the search.
CANDIDATES = 1000


def ranked_ids(query: Query, where: Where, *, internal: bool) -> list[int]:
    """The ids of the newest CANDIDATES matching cases, best match first."""
    if connection.vendor == "postgresql":
        vector = "t.all_vec" if internal else "t.public_vec"
        # The rank is computed over the candidates only, after the newest are picked.
        sql = f"""
            SELECT m.id, -ts_rank(m.vec, q) AS score, m.received_at FROM (
                SELECT c.id, c.received_at, {vector} AS vec FROM search_casetext t
                JOIN cases_case c ON c.id = t.case_id
                WHERE {vector} @@ websearch_to_tsquery('english', %s){where.sql()}
                ORDER BY t.case_id DESC LIMIT %s
            ) m, websearch_to_tsquery('english', %s) q"""  # noqa: S608 - constants; input is bound
        text = websearch_text(query)
        params = [text, *where.params, CANDIDATES, text]
    else:
        # bm25 weights per column: title, public text, internal text (none for a contact).
        # FTS5 reads its matches newest (highest rowid) first and stops at the limit, so bm25
        # runs for the candidates only.
        weights = "4.0, 1.0, 1.0" if internal else "4.0, 1.0, 0.0"
        sql = f"""
            SELECT c.id, bm25(search_casetext_fts, {weights}) AS score, c.received_at
            FROM search_casetext_fts f
            JOIN cases_case c ON c.id = f.rowid
            WHERE search_casetext_fts MATCH %s{where.sql()}
            ORDER BY f.rowid DESC LIMIT %s"""  # noqa: S608 - constants; input is bound
        params = [fts5_expression(query, internal=internal), *where.params, CANDIDATES]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # Lower score first (bm25 is negative, better is lower; the rank is negated), then newest.
    rows.sort(key=lambda row: (row[1], _desc(row[2]), -row[0]))
    return [row[0] for row in rows]


def _desc(received: Any) -> float:
    stamp = received if isinstance(received, dt.datetime) else dt.datetime.fromisoformat(received)
    return -stamp.timestamp()


def recent_ids(where: Where, *, limit: int, offset: int) -> list[int]:
    """No words, only filters: the matching cases, newest first."""
    sql = f"""
        SELECT c.id FROM cases_case c WHERE 1 = 1{where.sql()}
        ORDER BY c.received_at DESC, c.id DESC LIMIT %s OFFSET %s"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*where.params, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def snippets(query: Query, ids: list[int], *, internal: bool) -> dict[int, str]:
    """Raw snippets (matches between START and STOP) of the text each may see, by case id."""
    if not ids:
        return {}
    marks = ", ".join("%s" for _ in ids)
    if connection.vendor == "postgresql":
        text = "t.public_text || E'\\n' || t.internal_text" if internal else "t.public_text"
        sql = f"""
            SELECT t.case_id, ts_headline('english', {text},
                websearch_to_tsquery('english', %s), %s)
            FROM search_casetext t WHERE t.case_id IN ({marks})"""  # noqa: S608
        params: list[Any] = [websearch_text(query), HEADLINE, *ids]
    else:
        # Column 1 is public_text; -1 lets FTS5 pick the best column, internal text included.
        column = -1 if internal else 1
        sql = f"""
            SELECT rowid, snippet(search_casetext_fts, {column}, %s, %s, '…', 24)
            FROM search_casetext_fts
            WHERE search_casetext_fts MATCH %s AND rowid IN ({marks})"""  # noqa: S608
        params = [START, STOP, fts5_expression(query, internal=internal), *ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())
