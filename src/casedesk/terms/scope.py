"""What the severity definitions say about the environment (pure Python).

The seed defines Severity 1 and 2 for a Production Environment; a request at those severities
for any other environment is flagged to the engineer (not refused) in the definition's words.
"""

from __future__ import annotations

import re

from .document import Terms

PRODUCTION = "Production Environment"


def production_words(terms: Terms, severity: int) -> str | None:
    """The sentence of the severity's definition that names the Production Environment, or None
    when the definition does not tie the severity to production."""
    definition = terms.severity(severity).definition
    for sentence in re.split(r"(?<=[.!?])\s+", definition):
        if PRODUCTION.lower() in sentence.lower():
            return sentence.strip()
    return None


def non_production_flag(terms: Terms, severity: int | None) -> str | None:
    """The engineer's warning for a case at (or asking for) `severity` outside production."""
    if severity is None:
        return None
    words = production_words(terms, severity)
    if words is None:
        return None
    return (
        f"Severity {severity} is defined for a Production Environment, and this case is not in "
        f'production. The definition: "{words}"'
    )
