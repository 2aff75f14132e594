"""Keeping the case text up to date: the case services call `refresh` after every write."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict

from casedesk.cases.models import Attachment, Case, CaseEvent
from casedesk.search.documents import build
from casedesk.search.models import CaseText

BATCH = 2000
FIELDS = ["title", "public_text", "internal_text"]


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
