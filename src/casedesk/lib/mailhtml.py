"""The HTML part of a mail, made from its plain text: paragraphs, line breaks and links; every
character of the text escaped, so nothing a customer typed becomes markup."""

from __future__ import annotations

import re
from html import escape

_URL = re.compile(r"https?://[^\s<>\"']+")


def _line(text: str) -> str:
    out, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:)")
        end = match.start() + len(url)
        out.append(escape(text[last : match.start()]))
        out.append(f'<a href="{escape(url)}">{escape(url)}</a>')
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


def text_to_html(text: str) -> str:
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    body = "\n".join(
        "<p>" + "<br>\n".join(_line(line) for line in p.splitlines()) + "</p>" for p in paragraphs
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"></head>\n'
        '<body style="font-family: sans-serif; line-height: 1.4">\n'
        f"{body}\n</body></html>\n"
    )
