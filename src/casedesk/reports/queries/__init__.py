"""The reports' read layer: SLA attainment, severity changes, exclusions, quota use. Reads only.

Counts are aggregated in the database (one GROUP BY query per grouping). Percentiles and
lateness need each responded case's three instants, so one query pulls just those columns for
the whole range and numpy groups them; business time comes from the terms' batch path. The
number of queries never grows with the number of cases (tests/reports/test_overview.py).

Definitions (the pages print the same sentences as footnotes, see DEFINITIONS):
- a case belongs to the range by its receipt, at its *current* severity and its level at receipt;
- met / breached: the stored response outcome (first public reply by the deadline, or after);
- pending: no response yet, deadline still ahead; overdue: no response and the deadline has
  passed (cases closed without a public reply stay overdue: the terms' clock never stopped);
- attainment = met / (met + breached + overdue); pending cases are not decided yet;
- reasonable-efforts cases have no deadline: counted apart, never in attainment;
- response times count whole minutes (rounded down) from receipt to the first response, on cases
  with a deadline; business time counts only business hours on business-hours levels and
  equals wall time on 24x7x365 levels (as `terms.sla.Outcome.late_by_business` does);
- median and p90 are nearest-rank: the smallest response time that at least half (90 %) of the
  responses came within, so every figure is a real case's time.
"""

from __future__ import annotations

from .attainment import COUNT_FIELDS, Attainment, Row, attainment
from .cases import CASE_COLUMNS, CASE_OUTCOMES, case_rows, case_rows_query
from .changes import ExclusionRow, SeverityRow, exclusions, severity_changes
from .definitions import DEFINITIONS
from .kinds import KindRow, kind_counts
from .quota import LedgerLine, QuotaYear, quota_use
from .resolution import RESOLUTION_COLUMNS, ResolutionRow, resolution_times
from .scope import Filters, TermsIndex, cases_in, data_span, default_range, terms_index

__all__ = [
    "RESOLUTION_COLUMNS",
    "ResolutionRow",
    "resolution_times",
    "CASE_COLUMNS",
    "CASE_OUTCOMES",
    "COUNT_FIELDS",
    "DEFINITIONS",
    "Attainment",
    "ExclusionRow",
    "KindRow",
    "Filters",
    "LedgerLine",
    "QuotaYear",
    "Row",
    "SeverityRow",
    "TermsIndex",
    "attainment",
    "case_rows",
    "case_rows_query",
    "cases_in",
    "data_span",
    "default_range",
    "exclusions",
    "kind_counts",
    "quota_use",
    "severity_changes",
    "terms_index",
]
