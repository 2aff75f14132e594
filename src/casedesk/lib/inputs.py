"""Reading what a client typed where a number or stored text is expected, before the database.

`str.isdigit()` is true for "²" and other non-ASCII digits that `int()` refuses, and `int()`
takes numbers no column holds (SQLite raises OverflowError, PostgreSQL "out of range").
PostgreSQL refuses NUL in text and no database encodes a lone surrogate (JSON text may
carry one as \\ud800)."""

from __future__ import annotations

# The largest value of a BigAutoField: SQLite's INTEGER and PostgreSQL's bigint.
MAX_ID = 2**63 - 1
MAX_ID_DIGITS = len(str(MAX_ID))


def parse_id(text: object) -> int | None:
    """A database id written in ASCII digits (1..MAX_ID), or None for anything else."""
    text = str(text).strip()
    if not text.isascii() or not text.isdigit() or len(text) > MAX_ID_DIGITS:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def text_problem(text: str) -> str | None:
    """Why `text` cannot be stored (a sentence fragment), or None when it can."""
    if "\x00" in text:
        return "contains a NUL character (\\u0000)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (such as \\ud800), which is not a character"
    return None
