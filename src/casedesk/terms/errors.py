"""The one error family of the terms package; messages name the offending key."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    path: str  # dotted key path, e.g. "levels.premium.targets.sev2"; "" for the whole file
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class TermsError(Exception):
    """A terms file or a terms computation is wrong; `problems` lists every issue found."""

    def __init__(self, problems: list[Problem] | str, source: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems = problems
        self.source = source
        super().__init__(self.describe())

    def describe(self) -> str:
        prefix = f"{self.source}: " if self.source else ""
        return "\n".join(prefix + str(p) for p in self.problems)
