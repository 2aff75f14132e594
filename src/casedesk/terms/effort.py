"""Effort after the first response and optional update targets, as a terms file states them.

Shape in a terms file (every table optional; DESIGN.md §1 "After the first response"):

    [effort.premium.sev1]
    coverage = "continuous"       # continuous | business_hours | none
    interval = "2 hours"          # or "1 business day", or "none" (no quiet alerts)

    [updates.premium]             # a public update due every N; the seed has none
    sev1 = "4 hours"
    sev2 = "1 business day"

What is not written falls back to casedesk's defaults below. The coverage defaults come from the
seed's Severity Level Definitions; the intervals are casedesk's own operational default (the seed
states no number), which an operator may change per level and severity or turn off with "none".
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator

from .durations import Target, parse_target

Coverage = Literal["continuous", "business_hours", "none"]

# Terms: Sev 1 "continuous efforts during all hours"; Sev 2 and 3 "reasonable efforts during
# Business Hours"; Sev 4 (usage questions, enhancements) promises no effort.
DEFAULT_COVERAGE: dict[int, Coverage] = {
    1: "continuous",
    2: "business_hours",
    3: "business_hours",
    4: "none",
}
# casedesk's default effort intervals (not in the seed): how long a case may go without engineer
# activity on its effort clock before it counts as quiet. None: never quiet.
DEFAULT_INTERVAL: dict[int, str | None] = {
    1: "2 hours",
    2: "4 hours",
    3: "2 business days",
    4: None,
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _interval(value: Any) -> Target | None:
    if value is None or isinstance(value, Target):
        return value
    if isinstance(value, str) and value.strip().lower() == "none":
        return None
    target = parse_target(value)
    if not target.has_deadline:
        raise ValueError(
            f'"{value}" is not an interval (use "2 hours", "1 business day" or "none")'
        )
    return target


Interval = Annotated[Target | None, BeforeValidator(_interval)]


class EffortSetting(_Strict):
    coverage: Coverage | None = None
    # Unwritten (None): casedesk's default interval; "none" turns quiet alerts off.
    interval: str | None = None

    @field_validator("interval")
    @classmethod
    def _valid_interval(cls, value: str | None) -> str | None:
        if value is not None:
            _interval(value)
        return value


class EffortLevel(_Strict):
    sev1: EffortSetting = EffortSetting()
    sev2: EffortSetting = EffortSetting()
    sev3: EffortSetting = EffortSetting()
    sev4: EffortSetting = EffortSetting()


class UpdateTargets(_Strict):
    sev1: Interval = None
    sev2: Interval = None
    sev3: Interval = None
    sev4: Interval = None


def setting_for(
    effort: dict[str, EffortLevel], level_key: str, severity: int
) -> tuple[Coverage, Target | None]:
    """(coverage, interval) of a level and severity, the terms' own or casedesk's default."""
    written: EffortSetting = getattr(effort.get(level_key, EffortLevel()), f"sev{severity}")
    coverage = written.coverage or DEFAULT_COVERAGE[severity]
    text = written.interval if written.interval is not None else DEFAULT_INTERVAL[severity]
    return coverage, _interval(text or "none")


def update_target_for(
    updates: dict[str, UpdateTargets], level_key: str, severity: int
) -> Target | None:
    table = updates.get(level_key)
    return getattr(table, f"sev{severity}") if table is not None else None


def unknown_levels(tables: dict[str, Any], levels: dict[str, Any]) -> list[str]:
    return [key for key in tables if key not in levels]
