"""The yearly support statement (issue 17): built from the reports' queries, shown in the portal
and the console, mailed by managers."""

from __future__ import annotations

from .figures import MAX_LATE, ContactChange, LateCase, PatchLine, Statement, build_statement
from .years import StatementYear, pick_year, statement_years

__all__ = [
    "MAX_LATE",
    "ContactChange",
    "LateCase",
    "PatchLine",
    "Statement",
    "StatementYear",
    "build_statement",
    "pick_year",
    "statement_years",
]
