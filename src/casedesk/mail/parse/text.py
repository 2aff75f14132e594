"""Text helpers every part of parsing uses: storable strings, RFC 2047 words, shortening."""

from __future__ import annotations

from email.header import decode_header, make_header


def clean_text(value: object) -> str:
    """A str that every database accepts: no NULs, no lone surrogates from 8-bit headers."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    # 8-bit header bytes arrive as surrogate escapes; most such bytes are UTF-8 in practice.
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text.replace("\x00", "")


def decode_words(value: str) -> str:
    """RFC 2047 decoding that tolerates unknown charsets and broken encoded words."""
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # noqa: S110 - an unknown charset; decoded chunk by chunk below
        pass
    out = []
    try:
        for chunk, charset in decode_header(value):
            if isinstance(chunk, str):
                out.append(chunk)
                continue
            try:
                out.append(chunk.decode(charset or "utf-8", "replace"))
            except LookupError:
                out.append(chunk.decode("utf-8", "replace"))
        return "".join(out)
    except Exception:
        return value


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters; a cut one ends in "…" so no one takes it as whole."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"
