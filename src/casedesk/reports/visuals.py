"""The overview's pictures: attainment by level × severity as a heat-map table, and horizontal
bars (by customer, severity changes by level) as inline SVG. Built on the server, no script;
every picture's numbers are in a table one click away and in the CSV.

Colours come from app.css (`.heat-*`, `.chart ...`): the Content-Security-Policy allows no inline
style, so sizes are SVG attributes and tones are classes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .queries import Attainment, Row, SeverityRow, TermsIndex

SEVERITIES = (1, 2, 3, 4)
WIDTH, LABEL_W, VALUE_W, BAR_H, GAP = 720, 170, 70, 18, 10


def tone(value: float | None) -> str:
    """The same thresholds as the monthly chart: green from 95 %, amber from 80 %, red below."""
    if value is None:
        return "none"
    return "ok" if value >= 95 else "warn" if value >= 80 else "bad"


@dataclass(frozen=True)
class HeatRow:
    label: str
    cells: list[Row | None]  # one per severity; None where the level had no case at it


def heatmap(result: Attainment, terms: TermsIndex) -> list[HeatRow]:
    """Levels (in the terms' order) down, severities across, for the levels with cases."""
    by_key = {row.key[1]: row for row in result.by_level}
    levels = [k for k in terms.level_keys() if any(key[0] == k for key in by_key)]
    return [
        HeatRow(terms.level_name(k), [by_key.get((k, sev)) for sev in SEVERITIES]) for k in levels
    ]


@dataclass(frozen=True)
class Bar:
    value: float
    css: str  # a tone or a series name, styled by app.css
    text: str  # the number printed at the bar's end
    tip: str


def customer_bars(rows: Sequence[Row]) -> SafeString:
    """Attainment per customer; a customer with nothing decided gets a dash."""
    groups = [
        (
            row.label,
            [
                Bar(
                    row.attainment or 0.0,
                    tone(row.attainment),
                    "–" if row.attainment is None else f"{row.attainment:.0f} %",
                    f"{row.label}: {row.met} met of {row.decided} decided",
                )
            ],
        )
        for row in rows
    ]
    return hbars("chart-customers", "Response-target attainment by customer", groups, 100.0)


def severity_bars(rows: Sequence[SeverityRow]) -> SafeString:
    """Severity raised and lowered per level, two bars each."""
    top = max([1, *(max(r.raised, r.lowered) for r in rows)])
    groups = [
        (
            r.label,
            [
                Bar(r.raised, "raised", str(r.raised), f"{r.label}: raised {_times(r.raised)}"),
                Bar(
                    r.lowered, "lowered", str(r.lowered), f"{r.label}: lowered {_times(r.lowered)}"
                ),
            ],
        )
        for r in rows
    ]
    return hbars("chart-severity", "Severity changes by level: raised, lowered", groups, top)


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def hbars(
    chart_id: str, title: str, groups: Sequence[tuple[str, Sequence[Bar]]], top: float
) -> SafeString:
    """One labelled group per line, each bar's length value / top of the plot's width."""
    plot_w = WIDTH - LABEL_W - VALUE_W
    per_group = max([1, *(len(bars) for _, bars in groups)]) * BAR_H + GAP
    height = max(len(groups), 1) * per_group + GAP
    parts = [
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for i, (label, bars) in enumerate(groups):
        y0 = GAP + i * per_group
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{y0 + len(bars) * BAR_H / 2 + 4:.1f}" '
            f'text-anchor="end" class="axis">{escape(label)}</text>'
        )
        for j, bar in enumerate(bars):
            w = plot_w * bar.value / top if top else 0.0
            y = y0 + j * BAR_H
            parts.append(
                f'<g class="bar {escape(bar.css)}"><title>{escape(bar.tip)}</title>'
                f'<rect x="{LABEL_W}" y="{y + 2}" width="{w:.1f}" height="{BAR_H - 4}" rx="2"/>'
                f'<text x="{LABEL_W + w + 6:.1f}" y="{y + BAR_H - 5}" class="value">'
                f"{escape(bar.text)}</text></g>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
