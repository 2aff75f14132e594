from __future__ import annotations


class CaseError(Exception):
    """A refused case action; `message` says what is wrong and what to do."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the form field the message belongs next to, when there is one


class CaseNotFound(CaseError):
    """Unknown and forbidden look the same, so nobody learns which cases exist."""

    def __init__(self, ref: object = "") -> None:
        super().__init__(f"No case {ref} that you can see." if ref else "No such case.")


class Forbidden(CaseError):
    pass


class NotEntitled(CaseError):
    """The terms do not allow this contact to open a case now (the message says why)."""
