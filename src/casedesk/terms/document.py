"""The terms document: a validated TOML file that says what the vendor promised."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .durations import Target, parse_target
from .effort import EffortLevel, UpdateTargets, unknown_levels
from .errors import Problem, TermsError
from .waiting import Waiting

SEVERITIES = (1, 2, 3, 4)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PREFIX = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")
_NODES = re.compile(r"^(?:(\d+)-(\d+)|(\d+)\+|all)$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _to_target(value: Any) -> Target:
    return value if isinstance(value, Target) else parse_target(value)


TargetField = Annotated[Target, BeforeValidator(_to_target)]


def _clock_time(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f'"{value}" is not a time of day (use HH:MM, e.g. "09:00")') from None


ClockTime = Annotated[dt.time, BeforeValidator(_clock_time)]


class Holidays(_Strict):
    country: str = Field("US", description="`holidays` package country code; '' for none")
    subdivision: str = ""
    extra: tuple[dt.date, ...] = ()
    removed: tuple[dt.date, ...] = ()

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        if value:
            import holidays  # not Django: a plain calendar library

            if value not in holidays.list_supported_countries():
                raise ValueError(f'"{value}" is not a country the holidays package knows')
        return value


class Calendar(_Strict):
    timezone: str = "America/Los_Angeles"
    business_days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    opens: ClockTime = dt.time(9)
    closes: ClockTime = dt.time(17)
    holidays: Holidays = Holidays()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f'"{value}" is not an IANA time zone') from None
        return value

    @field_validator("business_days")
    @classmethod
    def _weekdays(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [d for d in value if d not in WEEKDAYS]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a weekday (use {', '.join(WEEKDAYS)})")
        if not value:
            raise ValueError("at least one business day is needed")
        return value

    @model_validator(mode="after")
    def _hours_in_order(self) -> Calendar:
        if self.opens >= self.closes:
            raise ValueError(
                f"opens ({self.opens:%H:%M}) must be before closes ({self.closes:%H:%M})"
            )
        return self

    @property
    def day_minutes(self) -> int:
        """Length of one business day in minutes (8 h for 09:00-17:00)."""
        return (self.closes.hour * 60 + self.closes.minute) - (
            self.opens.hour * 60 + self.opens.minute
        )

    @property
    def weekday_numbers(self) -> frozenset[int]:
        return frozenset(WEEKDAYS.index(d) for d in self.business_days)


class ContactTier(_Strict):
    nodes: str = Field(description='"1-100", "501+" or "all"')
    max_contacts: int = Field(ge=1)

    @field_validator("nodes")
    @classmethod
    def _node_range(cls, value: str) -> str:
        m = _NODES.match(value)
        if not m:
            raise ValueError(f'"{value}" is not a node range (use "1-100", "501+" or "all")')
        if m.group(1) and int(m.group(1)) > int(m.group(2)):
            raise ValueError(f'"{value}": the range is empty')
        return value

    @property
    def bounds(self) -> tuple[int, int | None]:
        m = _NODES.match(self.nodes)
        assert m is not None
        if m.group(1):
            return int(m.group(1)), int(m.group(2))
        if m.group(3):
            return int(m.group(3)), None
        return 1, None


class IncidentQuota(_Strict):
    severities: tuple[int, ...] = Field(min_length=1)
    limit: int = Field(ge=1)

    @field_validator("severities")
    @classmethod
    def _known_severities(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        for s in value:
            if s not in SEVERITIES:
                raise ValueError(f"{s} is not a severity (use 1 to 4)")
        return value


def _quota(value: Any) -> Any:
    if value == "unlimited" or value is None:
        return None
    if isinstance(value, str):
        raise ValueError(f'"{value}" must be "unlimited" or a table with `severities` and `limit`')
    return value


class Targets(_Strict):
    sev1: TargetField
    sev2: TargetField
    sev3: TargetField
    sev4: TargetField


class Level(_Strict):
    name: str = Field(min_length=1)
    coverage: Literal["24x7x365", "business_hours"]
    emergency_patches: bool
    annual_incidents: Annotated[IncidentQuota | None, BeforeValidator(_quota)] = None
    contact_tiers: tuple[ContactTier, ...] = ()
    targets: Targets

    @field_validator("contact_tiers")
    @classmethod
    def _contiguous(cls, tiers: tuple[ContactTier, ...]) -> tuple[ContactTier, ...]:
        expected = 1
        for n, tier in enumerate(tiers):
            low, high = tier.bounds
            if low != expected:
                raise ValueError(
                    f'tier {n + 1} ("{tier.nodes}") must start at {expected} nodes '
                    "so that every node count has exactly one limit"
                )
            if high is None:
                if n != len(tiers) - 1:
                    raise ValueError(f'tier {n + 1} ("{tier.nodes}") is open-ended but not last')
                return tiers
            expected = high + 1
        if tiers:
            raise ValueError(f'the last tier must be open-ended (e.g. "{expected}+")')
        return tiers

    def target(self, severity: int) -> Target:
        return getattr(self.targets, f"sev{severity}")  # type: ignore[no-any-return]

    def contact_limit(self, nodes: int) -> int | None:
        """Maximum active contacts for a node count; None means no limit."""
        for tier in self.contact_tiers:
            low, high = tier.bounds
            if low <= nodes and (high is None or nodes <= high):
                return tier.max_contacts
        return None

    @property
    def quota(self) -> IncidentQuota | None:
        """The annual incident quota; None means unlimited."""
        return self.annual_incidents

    @property
    def business_hours_only(self) -> bool:
        return self.coverage == "business_hours"


class Severity(_Strict):
    name: str
    summary: str
    definition: str


class Severities(_Strict):
    sev1: Severity
    sev2: Severity
    sev3: Severity
    sev4: Severity


class Channel(_Strict):
    initial_severity: int = Field(ge=1, le=4)


class Channels(_Strict):
    web: Channel
    email: Channel


class CasesSettings(_Strict):
    reopen_window_days: int = Field(14, ge=0)


class Versions(_Strict):
    support_months_after_ga: int = Field(18, ge=1)
    unsupported_exclusion: str = "d"
    non_production_exclusion: str = "i"


EscalationStep = Literal["assignee", "team", "managers"]


class Alerts(_Strict):
    """The SLA watch: warnings before a response deadline, escalation, paging.

    Not in the seed terms: casedesk's own setting, with defaults so older files stay valid.
    """

    warn_at: tuple[float, ...] = (0.5, 0.8)
    escalation: tuple[EscalationStep, ...] = ("assignee", "team", "managers")
    page_severities: tuple[int, ...] = (1,)
    page_business_hours: bool = False

    @field_validator("warn_at")
    @classmethod
    def _fractions(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        for f in value:
            if not 0 < f < 1:
                raise ValueError(f"{f} is not a fraction of the target between 0 and 1 (e.g. 0.5)")
        if list(value) != sorted(set(value)):
            raise ValueError("list each fraction once, smallest first (e.g. [0.5, 0.8])")
        return value

    @field_validator("escalation")
    @classmethod
    def _steps(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError('at least one step is needed (e.g. ["assignee", "team", "managers"])')
        return value

    @field_validator("page_severities")
    @classmethod
    def _page_severities(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        for s in value:
            if s not in SEVERITIES:
                raise ValueError(f"{s} is not a severity (use 1 to 4)")
        return value


class Terms(_Strict):
    version: str = Field(min_length=1)
    vendor: str = Field(min_length=1)
    tracking_prefix: str
    calendar: Calendar
    channels: Channels
    cases: CasesSettings = CasesSettings()
    versions: Versions = Versions()
    severities: Severities
    levels: dict[str, Level] = Field(min_length=1)
    exclusions: dict[str, str] = Field(min_length=1)
    alerts: Alerts = Alerts()
    effort: dict[str, EffortLevel] = {}  # terms.effort: coverage and interval after the response
    updates: dict[str, UpdateTargets] = {}  # terms.effort: optional update targets
    waiting: Waiting = Waiting()  # reminders, automatic resolution: terms/waiting.py

    @field_validator("tracking_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not _PREFIX.match(value):
            raise ValueError(
                f'"{value}" must be 1-10 capital letters or digits, starting with a letter'
            )
        return value

    @field_validator("levels")
    @classmethod
    def _level_keys(cls, value: dict[str, Level]) -> dict[str, Level]:
        for key in value:
            if not re.match(r"^[a-z][a-z0-9_]*$", key):
                raise ValueError(f'level key "{key}" must be lower-case letters, digits or _')
        return value

    @model_validator(mode="after")
    def _references(self) -> Terms:
        for field in ("unsupported_exclusion", "non_production_exclusion"):
            code = getattr(self.versions, field)
            if code not in self.exclusions:
                raise _RefError(
                    f"versions.{field}", f'"{code}" is not an exclusion code in [exclusions]'
                )
        for table in ("effort", "updates"):
            for key in unknown_levels(getattr(self, table), self.levels):
                raise _RefError(f"{table}.{key}", f'"{key}" is not a level in [levels]')
        return self

    def level(self, key: str) -> Level:
        try:
            return self.levels[key]
        except KeyError:
            raise TermsError(
                f'"{key}" is not a support level in terms {self.version} '
                f"(levels: {', '.join(self.levels)})"
            ) from None

    def severity(self, number: int) -> Severity:
        if number not in SEVERITIES:
            raise TermsError(f"{number} is not a severity (use 1 to 4)")
        return getattr(self.severities, f"sev{number}")  # type: ignore[no-any-return]

    def exclusion(self, code: str) -> str:
        try:
            return self.exclusions[code]
        except KeyError:
            raise TermsError(
                f'"{code}" is not an exclusion code (codes: {", ".join(self.exclusions)})'
            ) from None


class _RefError(ValueError):
    """A cross-reference error that knows its own key path."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path


_PYDANTIC_MESSAGES = {
    "extra_forbidden": "unknown key (check the spelling; unknown keys are not ignored)",
    "missing": "is required but missing",
}


def _problems(exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors():
        ctx_error = (err.get("ctx") or {}).get("error")
        path = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
        # A union (e.g. "unlimited" or a quota table) reports one branch per error; keep the path
        # readable by dropping pydantic's branch labels.
        path = re.sub(r"\.IncidentQuota", "", path)
        if isinstance(ctx_error, _RefError):
            problems.append(Problem(ctx_error.path, str(ctx_error)))
            continue
        message = _PYDANTIC_MESSAGES.get(err["type"]) or str(err["msg"]).removeprefix(
            "Value error, "
        )
        if (
            err["type"] not in _PYDANTIC_MESSAGES
            and "input" in err
            and err["type"] != "value_error"
        ):
            message = (
                f"{err['input']!r}: {message}" if not isinstance(err["input"], dict) else message
            )
        problems.append(Problem(path, message))
    return _dedupe(problems)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: dict[tuple[str, str], Problem] = {}
    for p in problems:
        seen.setdefault((p.path, p.message), p)
    return list(seen.values())


def parse_terms(text: str, source: str = "<terms>") -> Terms:
    """Parse and validate terms from TOML text; raise TermsError listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TermsError(f"not valid TOML: {exc}", source) from None
    try:
        return Terms.model_validate(data)
    except ValidationError as exc:
        raise TermsError(_problems(exc), source) from None


def read_terms_text(path: str | Path) -> str:
    """A terms file's text; TermsError naming the file when it cannot be read."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TermsError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TermsError(f"{path}: cannot be read ({exc})") from None


def load_terms(path: str | Path) -> Terms:
    return parse_terms(read_terms_text(path), str(path))


def default_terms_text() -> str:
    return resources.files("casedesk.terms").joinpath("default.toml").read_text(encoding="utf-8")


@cache
def default_terms() -> Terms:
    return parse_terms(default_terms_text(), "default.toml")
