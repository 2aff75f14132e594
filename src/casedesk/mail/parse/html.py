"""HTML from mail: sanitised for pages, or turned into readable text."""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

import nh3

from .text import clean_text

_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre"}
)


def sanitize_html(value: str, problems: list[str] | None = None) -> str:
    """Safe to show in a page: nh3 drops script/style, event handlers and javascript: URLs."""
    try:
        # cid: keeps inline images pointing at their attachments.
        return nh3.clean(clean_text(value), url_schemes=nh3.ALLOWED_URL_SCHEMES | {"cid"})
    except Exception as exc:
        if problems is not None:
            problems.append(f"HTML could not be sanitised ({type(exc).__name__}); dropped")
        return ""


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.chunks.append(data)


def html_to_text(value: str) -> str:
    """Readable text from HTML: block tags become line breaks, scripts and styles vanish."""
    extractor = _TextExtractor()
    try:
        extractor.feed(clean_text(value))
        extractor.close()
        text = "".join(extractor.chunks)
    except Exception:
        text = re.sub(r"<[^>]*>", " ", html_lib.unescape(clean_text(value)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
