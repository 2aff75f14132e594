"""The attainment table as plain rows: one shape for the CSV export and the CLI."""

from __future__ import annotations

from collections.abc import Sequence

from .columns import header
from .queries import Attainment, Row, SeverityRow

GROUPINGS = {
    "level": "level and severity",
    "customer": "customer",
    "month": "month of receipt",
}

COLUMNS = (
    "group",
    "cases",
    "with_deadline",
    "met",
    "breached",
    "pending",
    "overdue",
    "attainment_pct",
    "median_response_min",
    "p90_response_min",
    "median_response_business_min",
    "p90_response_business_min",
    "mean_late_min",
    "mean_late_business_min",
    "reasonable_efforts",
)


def _num(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def cells(row: Row) -> list[str]:
    return [
        row.label,
        str(row.cases),
        str(row.with_deadline),
        str(row.met),
        str(row.breached),
        str(row.pending),
        str(row.overdue),
        _num(row.attainment),
        _num(row.median_wall),
        _num(row.p90_wall),
        _num(row.median_business),
        _num(row.p90_business),
        _num(row.mean_late_wall),
        _num(row.mean_late_business),
        str(row.reasonable),
    ]


def rows_of(result: Attainment, by: str) -> list[Row]:
    return {
        "level": result.by_level,
        "customer": result.by_customer,
        "month": result.by_month,
    }[by]


def table(result: Attainment, by: str) -> list[list[str]]:
    """Header, one line per group, then the total."""
    return [header(COLUMNS), *(cells(r) for r in rows_of(result, by)), cells(result.total)]


SEVERITY_HEADER = (
    "Level",
    "Raised",
    "Lowered",
    "Lowered before first response",
    "Requests confirmed",
    "Requests declined",
    "Requests waiting",
)


def severity_table(rows: Sequence[SeverityRow]) -> list[list[str]]:
    """The severity-changes chart's numbers, one line per level."""
    return [
        list(SEVERITY_HEADER),
        *(
            [
                r.label,
                *map(
                    str,
                    (
                        r.raised,
                        r.lowered,
                        r.lowered_before_response,
                        r.requests_confirmed,
                        r.requests_declined,
                        r.requests_pending,
                    ),
                ),
            ]
            for r in rows
        ),
    ]


def render_text(lines: Sequence[Sequence[str]]) -> str:
    """A fixed-width table for a terminal: text left-aligned, numbers right-aligned."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = []
    for n, line in enumerate(lines):
        parts = [
            c.ljust(w) if i == 0 or n == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(parts).rstrip())
    return "\n".join(out) + "\n"
