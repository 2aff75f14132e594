"""The internal keys a reader must never see, built from the code (not typed here): the
snake_case values of every model choice and of the terms' literal types, the CSV column keys of
old, and the level keys as lower-case words."""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from html.parser import HTMLParser
from types import ModuleType

from django.apps import apps

from casedesk.reports import tables
from casedesk.reports.queries.cases import CASE_OUTCOMES
from casedesk.terms import document, durations, effort, effort_clock, rules, sla
from casedesk.terms.document import default_terms

TERMS_MODULES: tuple[ModuleType, ...] = (document, durations, effort, effort_clock, rules, sla)
# Shown to people on purpose: "24x7x365" is how the terms name round-the-clock cover.
ALLOWED = {"24x7x365"}


def _literal_values(module: ModuleType) -> Iterator[str]:
    for value in vars(module).values():
        if typing.get_origin(value) is typing.Literal:
            yield from (v for v in typing.get_args(value) if isinstance(v, str))
    for cls in vars(module).values():
        for hint in getattr(cls, "__annotations__", {}).values() if isinstance(cls, type) else ():
            if typing.get_origin(hint) is typing.Literal:
                yield from (v for v in typing.get_args(hint) if isinstance(v, str))


def _choice_values() -> Iterator[str]:
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str):
                    yield value


def snake_keys() -> set[str]:
    """Keys with an underscore: never English, whatever their case (`No_target`)."""
    found = set(_choice_values()) | set(tables.COLUMNS) | set(CASE_OUTCOMES)
    for module in TERMS_MODULES:
        found.update(_literal_values(module))
    return {k for k in found if "_" in k and k not in ALLOWED}


def level_keys() -> set[str]:
    return set(default_terms().levels)


def pattern() -> re.Pattern[str]:
    snakes = "|".join(re.escape(k) for k in sorted(snake_keys(), key=len, reverse=True))
    levels = "|".join(re.escape(k) for k in sorted(level_keys()))
    # Snake keys in any case; level keys only in lower case (the level's name is capitalised).
    return re.compile(rf"(?i:\b(?:{snakes})\b)|\b(?:{levels})\b")


class _Text(HTMLParser):
    """The text a reader sees: data outside script/style, plus the attributes read aloud."""

    SHOWN_ATTRS = ("title", "placeholder", "aria-label", "alt", "value")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        kind = dict(attrs).get("type")
        for name, value in attrs:
            if name in self.SHOWN_ATTRS and value and not (name == "value" and kind != "submit"):
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def leaks(text: str, where: str) -> list[str]:
    """`where: key … in context` for each internal key in `text`."""
    found = []
    for match in pattern().finditer(text):
        start, end = max(0, match.start() - 40), match.end() + 40
        context = " ".join(text[start:end].split())
        found.append(f"{where}: {match.group(0)!r} in …{context}…")
    return found
