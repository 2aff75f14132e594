"""What a person typed into a search box, as words and phrases every database understands.

Words match in any order, a "quoted phrase" only as written; everything that is not a letter
or a digit separates words, so nothing typed can reach the databases' query syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_TEXT = 500
MAX_PHRASES = 12
_PART = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"[^\W_]+")  # letters and digits, as both databases split words
# "CASE-1042", "case-1042" or "1042": the whole query is a tracking number.
_REF = re.compile(r"\s*(?:([A-Za-z][A-Za-z0-9]*)-)?(\d{1,18})\s*")


@dataclass(frozen=True)
class Query:
    phrases: tuple[tuple[str, ...], ...]
    # (prefix or "", number) when the query is a case number.
    ref: tuple[str, int] | None

    @property
    def empty(self) -> bool:
        return not self.phrases


def parse(text: str) -> Query:
    text = (text or "")[:MAX_TEXT]
    phrases: list[tuple[str, ...]] = []
    for quoted, bare in _PART.findall(text):
        words = tuple(w.lower() for w in _WORD.findall(quoted or bare))
        if words and words not in phrases:
            phrases.append(words)
    ref = _REF.fullmatch(text)
    number = (ref.group(1) or "", int(ref.group(2))) if ref else None
    return Query(tuple(phrases[:MAX_PHRASES]), number)


def fts5_expression(query: Query, *, internal: bool) -> str:
    """SQLite FTS5: every phrase quoted (its words are letters and digits only), all required;
    a contact's query is held to the title and public columns."""
    expression = " AND ".join(f'"{" ".join(words)}"' for words in query.phrases)
    return expression if internal else f"{{title public_text}} : ({expression})"


def websearch_text(query: Query) -> str:
    """PostgreSQL `websearch_to_tsquery` input: every phrase quoted, so a word like "or" is a
    word, not an operator."""
    return " ".join(f'"{" ".join(words)}"' for words in query.phrases)
