"""What the terms ask of a customer reporting a problem, kept with the case (issue 17).

"Customer Obligations" ask the customer to (i) attempt to solve the problem first and (ii)
provide sufficient information and technical data. The web form and the API ask for both as
optional fields; they are stored in the case's first message under labelled headings, so
engineers read them where they read the report (the console's case page, the API, mail), and
every interface shows them without a field of its own.
"""

from __future__ import annotations

TRIED = "What we tried"
DIAGNOSTICS = "Diagnostics (logs, versions, error messages)"
MAX_SECTION = 20_000  # characters (the interfaces check it); longer logs belong in attachments


def with_sections(description: str, *, tried: str = "", diagnostics: str = "") -> str:
    """The description followed by the non-empty sections, each under its heading."""
    parts = [description.strip()]
    for heading, text in ((TRIED, tried), (DIAGNOSTICS, diagnostics)):
        if text.strip():
            parts.append(f"{heading}:\n{text.strip()}")
    return "\n\n".join(p for p in parts if p)
