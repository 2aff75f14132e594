"""Plain-text tables of a terms document, for `casedesk terms show`."""

from __future__ import annotations

from .document import SEVERITIES, Level, Terms
from .effort_clock import effort_rule, update_rule


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=False)]

    def line(cells: list[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False))

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def _contacts(level: Level) -> str:
    if not level.contact_tiers:
        return "no limit"
    return ", ".join(f"{t.nodes} nodes: {t.max_contacts}" for t in level.contact_tiers)


def _quota(level: Level) -> str:
    quota = level.quota
    if quota is None:
        return "unlimited"
    sevs = " & ".join(str(s) for s in quota.severities)
    return f"Sev {sevs}: {quota.limit} a year, others unlimited"


def _effort(terms: Terms, key: str, severity: int) -> str:
    rule = effort_rule(terms, key, severity)
    if rule.interval is None:
        return "never quiet"
    if rule.target is not None and rule.target.clock == "business_days":
        return str(rule.target)
    return f"{rule.target} {'wall time' if rule.counting == 'wall' else 'business hours'}"


def _update(terms: Terms, key: str, severity: int) -> str:
    rule = update_rule(terms, key, severity)
    return str(rule.target) if rule else "-"


def render(terms: Terms) -> str:
    cal = terms.calendar
    levels = terms.levels.values()
    out = [
        f"Terms {terms.version} ({terms.vendor}), tracking numbers {terms.tracking_prefix}-<n>",
        f"Business hours: {cal.opens:%H:%M}-{cal.closes:%H:%M} {cal.timezone}, "
        f"{', '.join(cal.business_days)}; holidays: {cal.holidays.country or 'none'}"
        f"{' + ' + str(len(cal.holidays.extra)) + ' extra' if cal.holidays.extra else ''}"
        f"{' - ' + str(len(cal.holidays.removed)) + ' removed' if cal.holidays.removed else ''}",
        f"Channels: web starts at Severity {terms.channels.web.initial_severity}, "
        f"e-mail at Severity {terms.channels.email.initial_severity}",
        "",
        _table(
            ["level", "coverage", "patches", *[f"sev {s}" for s in SEVERITIES]],
            [
                [lv.name, lv.coverage, "yes" if lv.emergency_patches else "no"]
                + [str(lv.target(s)) for s in SEVERITIES]
                for lv in levels
            ],
        ),
        "",
        _table(
            ["level", "contact limit", "incident quota"],
            [[lv.name, _contacts(lv), _quota(lv)] for lv in levels],
        ),
        "",
        "Quiet after (no engineer activity since the first response, on the effort clock):",
        _table(
            ["level", *[f"sev {s}" for s in SEVERITIES]],
            [
                [lv.name] + [_effort(terms, k, s) for s in SEVERITIES]
                for k, lv in terms.levels.items()
            ],
        ),
        "",
        "Public update due every:",
        _table(
            ["level", *[f"sev {s}" for s in SEVERITIES]],
            [
                [lv.name] + [_update(terms, k, s) for s in SEVERITIES]
                for k, lv in terms.levels.items()
            ],
        ),
        "",
        "Exclusions: " + ", ".join(f"({code})" for code in terms.exclusions),
    ]
    return "\n".join(out)
