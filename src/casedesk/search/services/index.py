"""Keeping the case text up to date: the case services call `refresh` after every write."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict

from django.db.models import Case as SqlCase
from django.db.models import F, TextField, Value, When
from django.db.models.functions import Concat

from casedesk.cases.models import Attachment, Case, CaseEvent, EventKind
from casedesk.search.documents import Document, build
from casedesk.search.models import CaseText

BATCH = 2000
FIELDS = ["title", "public_text", "internal_text"]


def add_events(events: list[CaseEvent]) -> None:
    """Index events just recorded: a new case's text is written whole (one INSERT), a later
    event's text is appended to its case's (one UPDATE); intake stays within its query budget."""
    by_case: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in events:
        by_case[event.case_id].append(event)
    new = []
    for case_id, added in by_case.items():
        texts = [(e.public, e.body, e.reason) for e in added]
        case = added[0].case
        if any(e.kind == EventKind.RECEIVED for e in added):
            doc = build(case.tracking_number, case.subject, texts, ())
            new.append(CaseText(case_id=case_id, **asdict(doc)))
        else:
            _append(case_id, build("", "", texts, ()))
    if new:
        CaseText.objects.bulk_create(
            new, update_conflicts=True, unique_fields=["case"], update_fields=FIELDS
        )


def add_files(case_id: int, files: Iterable[Attachment]) -> None:
    _append(case_id, build("", "", (), [(f.public, f.name) for f in files]))


def _append(case_id: int, doc: Document) -> None:
    # A line of its own, as `build` joins them; the first line of an empty column has none before.
    changes = {
        name: SqlCase(
            When(**{name: ""}, then=Value(text)),
            default=Concat(F(name), Value("\n"), Value(text), output_field=TextField()),
            output_field=TextField(),
        )
        for name, text in (("public_text", doc.public_text), ("internal_text", doc.internal_text))
        if text
    }
    if changes and not CaseText.objects.filter(pk=case_id).update(**changes):
        refresh([case_id])  # not indexed yet (loaded around the services): the whole case


def refresh(case_ids: Iterable[int]) -> None:
    """Rebuild the text of these cases from what they hold now (inside the caller's transaction,
    so a case is findable exactly when its write commits)."""
    ids = sorted(set(case_ids))
    if not ids:
        return
    cases = Case.objects.filter(pk__in=ids).values_list("pk", "tracking_number", "subject")
    events: dict[int, list[tuple[bool, str, str]]] = defaultdict(list)
    rows = CaseEvent.objects.filter(case_id__in=ids).order_by("at", "pk")
    for case_id, public, body, reason in rows.values_list("case_id", "public", "body", "reason"):
        events[case_id].append((public, body, reason))
    files: dict[int, list[tuple[bool, str]]] = defaultdict(list)
    for case_id, public, name in Attachment.objects.filter(case_id__in=ids).values_list(
        "case_id", "public", "name"
    ):
        files[case_id].append((public, name))
    texts = [
        CaseText(case_id=pk, **asdict(build(number, subject, events[pk], files[pk])))
        for pk, number, subject in cases
    ]
    # One upsert: INSERT ... ON CONFLICT DO UPDATE on both databases.
    CaseText.objects.bulk_create(
        texts, update_conflicts=True, unique_fields=["case"], update_fields=FIELDS
    )


def rebuild_all() -> int:
    """Index every case again (after a bulk load that went around the services); the count."""
    done, last = 0, 0
    while True:
        ids = list(
            Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return done
        refresh(ids)
        done, last = done + len(ids), ids[-1]
