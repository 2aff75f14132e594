"""What a subject and the recipients ask for: a severity, a case's tracking number, a reply token."""

from __future__ import annotations

import re

from .headers import normal_address

# A requested severity as customers write it: "Sev 1", "Severity: 2", "SEV-1", "Sev1",
# "Priority 3", "S1", "P2" (1-4 only). A whole word: not inside a word ("SP1", "mp3", "HP1"),
# a version or a path ("1.P1", "P1.2", "v1.2", "HTTP/1.1", "build/P1"), nor followed by more
# of one ("P10", "p2p", "S1-ABC", "Sev 1.5"). "S3" alone is not read: in a support subject
# it is Amazon S3 far more often than Severity 3 ("S3 bucket"), and a wrong request lands at
# the top of the queue; "Sev 3" and "P3" still are.
_SEVERITY = re.compile(
    r"(?<![\w./-])"  # starts a word
    r"(?:(?:sev(?:erity)?|priority)[\s:#=.-]{0,3}|s(?=[124])|p)([1-4])"
    r"(?!\w|[./-]\w)",  # ends it
    re.IGNORECASE,
)
_ANY_REF = re.compile(r"\b([A-Z][A-Z0-9]{0,9})-(\d{1,12})\b")
# Words that look like refs in subjects but are not: "SEV-1", "UTF-8", "ISO-8859", "CVE-2024".
_NOT_REFS = frozenset({"SEV", "SEVERITY", "S", "P", "UTF", "ISO", "CVE", "RFC", "WINDOWS", "X"})
_TOKEN = re.compile(r"^[A-Za-z0-9._=-]{1,100}$")


def find_severity(subject: str) -> int | None:
    match = _SEVERITY.search(subject or "")
    return int(match.group(1)) if match else None


def find_tracking_ref(subject: str, prefix: str | None = None) -> str:
    """The first `<PREFIX>-<digits>` in the subject, bracketed ones ("[CASE-12]") first."""
    subject = subject or ""
    if prefix:
        pattern = re.compile(rf"\b({re.escape(prefix)})-(\d{{1,12}})\b", re.IGNORECASE)
        match = pattern.search(subject)
        return f"{prefix.upper()}-{match.group(2)}" if match else ""
    bracketed = re.findall(r"\[([A-Z][A-Z0-9]{0,9})-(\d{1,12})\]", subject)
    for ref_prefix, number in [*bracketed, *_ANY_REF.findall(subject)]:
        if ref_prefix not in _NOT_REFS:
            return f"{ref_prefix}-{number}"
    return ""


def find_plus_token(recipients: list[str], own_domains: list[str] | tuple[str, ...] = ()) -> str:
    """The token of the first `local+token@domain` recipient (only our domains, when given)."""
    domains = {d.lower() for d in own_domains}
    for recipient in recipients:
        address = normal_address(recipient)
        local, _, domain = address.partition("@")
        if domains and domain not in domains:
            continue
        _, plus, token = local.partition("+")
        if plus and _TOKEN.match(token):
            return token
    return ""
