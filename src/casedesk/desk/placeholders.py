"""Canned replies' placeholders, filled by a pure function (no Django: the texts are data)."""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter

# What each placeholder stands for, in the words the macro editor shows.
PLACEHOLDERS = {
    "contact_name": "the reporting contact's name",
    "case_number": "the case's tracking number",
    "deadline": "the response (or next update) deadline, in the contact's time zone",
    "exclusion_text": "the terms' text of the canned reply's exclusion",
}


class PlaceholderError(ValueError):
    """A text that cannot be filled; the message says what to change."""


def names_in(text: str) -> list[str]:
    """The placeholders a text uses, in order; refuses unknown ones and stray braces."""
    try:
        parsed = list(Formatter().parse(text))
    except ValueError:
        raise PlaceholderError(
            "A brace has no partner. Write placeholders as {contact_name}; for a literal brace "
            "write {{ or }}."
        ) from None
    names = [name for _, name, _, _ in parsed if name is not None]
    for name in names:
        if name not in PLACEHOLDERS:
            known = ", ".join(f"{{{k}}}" for k in PLACEHOLDERS)
            raise PlaceholderError(f"Unknown placeholder {{{name}}}; use one of {known}.")
    return names


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with its placeholders replaced; every one it uses must have a value."""
    names_in(text)  # unknown names and stray braces are refused before anything is filled
    parts = []
    for literal, name, _, _ in Formatter().parse(text):
        parts.append(literal)
        if name is None:
            continue
        if name not in values:
            raise PlaceholderError(f"No value for {{{name}}}: {PLACEHOLDERS[name]}.")
        parts.append(values[name])
    return "".join(parts)
