"""CSV column headings in words: the column keys stay in the code, readers get sentences' words
(a spreadsheet's first row is read by people, not parsed by key)."""

from __future__ import annotations

from collections.abc import Iterable

from casedesk.cases.models import Resolution

WORDS = {
    # attainment table
    "group": "Group",
    "cases": "Cases",
    "with_deadline": "With a deadline",
    "met": "Met",
    "breached": "Breached",
    "pending": "Pending",
    "overdue": "Overdue",
    "attainment_pct": "Attainment (%)",
    "median_response_min": "Median response (minutes)",
    "p90_response_min": "90th percentile response (minutes)",
    "median_response_business_min": "Median response, business time (minutes)",
    "p90_response_business_min": "90th percentile response, business time (minutes)",
    "mean_late_min": "Mean lateness (minutes)",
    "mean_late_business_min": "Mean lateness, business time (minutes)",
    "reasonable_efforts": "Reasonable efforts (no deadline)",
    # case rows
    "tracking_number": "Case",
    "customer": "Customer",
    "level": "Level",
    "severity": "Severity",
    "channel": "Channel",
    "status": "Status",
    "received_at": "Received (UTC)",
    "response_deadline": "Response deadline (UTC)",
    "first_response_at": "First response (UTC)",
    "outcome": "Outcome",
    "response_minutes": "Response (minutes)",
    "response_business_minutes": "Response, business time (minutes)",
    "late_minutes": "Late by (minutes)",
    "late_business_minutes": "Late by, business time (minutes)",
    "lowered_before_response": "Lowered before the first response",
    "severity_request": "Severity request",
    "exclusion_code": "Exclusion",
    "kind": "Kind",
    "environment": "Environment",
    "resolution": "Resolution",
    # effort
    "answered_cases": "Answered cases",
    "quiet_cases": "Cases with a quiet period",
    "quiet_periods": "Quiet periods",
    "quiet_total_minutes": "Quiet time in total (minutes)",
    "quiet_median_minutes": "Median quiet period (minutes)",
    "quiet_longest_minutes": "Longest quiet period (minutes)",
    "updates_attained": "Updates on time",
    "updates_missed": "Updates missed",
    "update_attainment": "Update attainment (share)",
    # resolution
    "resolved": "Resolved",
    "median_hours": "Median time to resolution (hours)",
    "median_business_hours": "Median time to resolution, business time (hours)",
    "vendor_hours": "Vendor's share (hours)",
    "customer_hours": "Customer's share (hours)",
    "vendor_business_hours": "Vendor's share, business time (hours)",
    "customer_business_hours": "Customer's share, business time (hours)",
}


def words(key: str) -> str:
    """The heading for a column key; resolution kinds use their label."""
    if key in WORDS:
        return WORDS[key]
    if key in Resolution.values:
        return f"Resolved: {Resolution(key).label}"
    raise KeyError(f"no heading for the CSV column {key!r}; add it to reports.columns.WORDS")


def header(keys: Iterable[str]) -> list[str]:
    return [words(k) for k in keys]
