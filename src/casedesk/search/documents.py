"""The searchable text of one case, from plain values (the index service and the migration
that indexes existing cases both build it here)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    title: str
    public_text: str
    internal_text: str


def build(
    tracking_number: str,
    subject: str,
    events: Iterable[tuple[bool, str, str]],
    files: Iterable[tuple[bool, str]],
) -> Document:
    """`events`: (public, body, reason); `files`: (public, name).

    A reason (why a severity changed, why a case was excluded) is the engineers' record, so it
    goes with the internal text whatever the event's visibility.
    """
    public: list[str] = []
    internal: list[str] = []
    for is_public, body, reason in events:
        if body:
            (public if is_public else internal).append(body)
        if reason:
            internal.append(reason)
    for is_public, name in files:
        (public if is_public else internal).append(name)
    return Document(
        title=f"{tracking_number} {subject}",
        public_text="\n".join(public),
        internal_text="\n".join(internal),
    )
