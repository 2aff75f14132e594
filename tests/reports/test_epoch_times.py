"""The SLA report reads its timestamps as epoch microseconds computed by the database (issue 15:
converting 2.5M datetimes in Python was most of the year report's 15 s at 1,000,000 cases).
The integers must be exactly the ones Python computes from the datetimes, on both databases, so
every figure of the report stays what it was."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from bench.fill import NOW, fill
from casedesk.cases.models import Case, Outcome
from casedesk.lib import clock
from casedesk.reports import queries as q
from casedesk.reports.queries.epoch import EpochMicros
from casedesk.reports.queries.scope import _MIN_US, to_us

UTC = dt.UTC
# Microseconds and whole seconds, both DST changes, before 1970 and past 2038.
ODD = [
    dt.datetime(2026, 3, 8, 10, 0, 0, 1, UTC),
    dt.datetime(2026, 11, 1, 9, 30, 59, 999999, UTC),
    dt.datetime(1969, 12, 31, 23, 59, 59, 500000, UTC),
    dt.datetime(2038, 1, 19, 3, 14, 8, tzinfo=UTC),
    dt.datetime(2026, 6, 30, 23, 59, 59, 10, UTC),
]


@pytest.fixture
def filled(db: None) -> None:
    fill(1500, progress=lambda line: None)
    pks = Case.objects.order_by("pk").values_list("pk", flat=True)[: len(ODD)]
    for pk, t in zip(pks, ODD, strict=True):
        Case.objects.filter(pk=pk).update(
            received_at=t - dt.timedelta(microseconds=123457), first_response_at=t
        )


def test_the_database_epoch_is_pythons_to_the_microsecond(filled):
    rows = Case.objects.annotate(
        r=EpochMicros("received_at"),
        f=EpochMicros("first_response_at"),
        d=EpochMicros("response_deadline"),
    ).values_list("received_at", "first_response_at", "response_deadline", "r", "f", "d")
    rows = list(rows)
    assert len(rows) == 1500
    for received, first, deadline, r, f, d in rows:
        assert r == to_us(received)
        assert f == (to_us(first) if first else None)
        assert d == (to_us(deadline) if deadline else None)
    assert sum(1 for row in rows if row[4] is None) > 20  # unanswered cases: NULL stays NULL


def test_the_years_figures_are_the_ones_the_datetimes_give(filled):
    terms = q.terms_index()
    f = q.Filters(NOW.date() - dt.timedelta(days=365), NOW.date(), tz=terms.tz)
    with clock.pinned(NOW):
        result = q.attainment(f, NOW, terms)
    # The reference: the same figures from the datetimes, in Python.
    cases = list(
        q.cases_in(f)
        .filter(first_response_at__isnull=False)
        .values_list("first_response_at", "received_at", "response_deadline", "response_outcome")
    )
    timed = [(to_us(a) - to_us(b)) // _MIN_US for a, b, d, _ in cases if d is not None]
    late = [(to_us(a) - to_us(d)) // _MIN_US for a, _, d, o in cases if o == Outcome.BREACHED]
    p50, p90 = np.percentile(np.array(timed), [50, 90], method="inverted_cdf")
    assert (result.total.median_wall, result.total.p90_wall) == (int(p50), int(p90))
    assert result.total.mean_late_wall == pytest.approx(float(np.mean(late)), abs=0)
    assert result.total.cases == q.cases_in(f).count() > 1000
    assert result.total.breached == sum(1 for c in cases if c[3] == Outcome.BREACHED) > 10
