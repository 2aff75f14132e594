"""The text search reads for each case. Only casedesk.search.services.index writes it.

The full-text indexes over these columns are the database's own and are not Django fields
(migration 0001): on PostgreSQL two stored generated `tsvector` columns with GIN indexes, on
SQLite an FTS5 table kept in step by triggers.
"""

from __future__ import annotations

from django.db import models


class CaseText(models.Model):
    # Derived data: rebuilt from the case whenever it is written, so it goes with the case.
    case = models.OneToOneField(
        "cases.Case", primary_key=True, on_delete=models.CASCADE, related_name="search_text"
    )
    # Tracking number and subject: a match here ranks above one in the conversation.
    title = models.TextField()
    # What the customer's contacts see: the description, public messages, public files' names.
    public_text = models.TextField(blank=True)
    # What only engineers see: internal notes, reasons, internal files' names.
    internal_text = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.title
