"""Charts as inline SVG built on the server: no JavaScript, readable without colour.

Styled by app.css (`.chart ...`): the Content-Security-Policy allows no inline <style>."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .queries import Row

WIDTH, HEIGHT = 720, 240
TOP, BOTTOM, LEFT, RIGHT = 16, 40, 44, 8


def monthly_attainment(rows: Sequence[Row]) -> SafeString:
    """One bar per month: attainment %; a month with nothing decided gets a dash, not a bar."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(rows), 1)
    bar = min(48.0, slot * 0.7)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">',
        '<title id="chart-title">Response-target attainment by month of receipt</title>',
    ]
    for pct in (0, 50, 100):
        y = TOP + plot_h * (1 - pct / 100)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="gridline"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">{pct} %</text>'
        )
    for i, row in enumerate(rows):
        cx = LEFT + slot * (i + 0.5)
        parts.append(
            f'<text x="{cx:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'class="axis">{escape(row.label)}</text>'
        )
        parts.append(_bar(row, cx, bar, plot_h))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def _bar(row: Row, cx: float, width: float, plot_h: float) -> str:
    value = row.attainment
    base = TOP + plot_h
    if value is None:
        return (
            f'<text x="{cx:.1f}" y="{base - 4:.1f}" text-anchor="middle" class="axis">'
            f"–<title>{escape(row.label)}: no case decided yet</title></text>"
        )
    h = plot_h * value / 100
    tone = "ok" if value >= 95 else "warn" if value >= 80 else "bad"
    tip = (
        f"{row.label}: {value:.1f} % — {row.met} met of {row.decided} decided "
        f"({row.breached} breached, {row.overdue} overdue)"
    )
    return (
        f'<g class="bar {tone}"><title>{escape(tip)}</title>'
        f'<rect x="{cx - width / 2:.1f}" y="{base - h:.1f}" width="{width:.1f}" '
        f'height="{h:.1f}" rx="2"/>'
        f'<text x="{cx:.1f}" y="{max(base - h - 4, TOP + 10):.1f}" text-anchor="middle" '
        f'class="value">{value:.0f} %</text></g>'
    )
