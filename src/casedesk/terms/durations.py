"""Response targets as written in a terms file: "15 minutes", "1 business day", ..."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

ClockKind = Literal["elapsed", "business_days", "reasonable_efforts"]

_UNITS = {
    "minute": ("elapsed", 1),
    "min": ("elapsed", 1),
    "hour": ("elapsed", 60),
    "h": ("elapsed", 60),
    "day": ("elapsed", 24 * 60),
    "business day": ("business_days", 1),
}
_PATTERN = re.compile(r"^\s*(\d+)\s*(business day|minute|min|hour|day|h)s?\s*$", re.IGNORECASE)
EXAMPLES = '"15 minutes", "4 hours", "1 business day" or "reasonable efforts"'


@dataclass(frozen=True, slots=True)
class Target:
    """A response target: `amount` is minutes for `elapsed`, business days for `business_days`."""

    clock: ClockKind
    amount: int = 0

    @property
    def has_deadline(self) -> bool:
        return self.clock != "reasonable_efforts"

    def __str__(self) -> str:
        if self.clock == "reasonable_efforts":
            return "reasonable efforts"
        if self.clock == "business_days":
            return _plural(self.amount, "business day")
        if self.amount % 60 == 0:
            return _plural(self.amount // 60, "hour")
        return _plural(self.amount, "minute")


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def parse_target(text: str) -> Target:
    """Parse a target; raise ValueError with a sentence naming the bad text."""
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a duration (use {EXAMPLES})")
    if text.strip().lower() in ("reasonable efforts", "reasonable effort"):
        return Target("reasonable_efforts")
    match = _PATTERN.match(text)
    if not match:
        raise ValueError(f'"{text}" is not a duration (use {EXAMPLES})')
    amount, unit = int(match.group(1)), match.group(2).lower()
    clock, factor = _UNITS[unit]
    if amount <= 0:
        raise ValueError(f'"{text}" must be longer than zero')
    return Target(clock, amount * factor)  # type: ignore[arg-type]
