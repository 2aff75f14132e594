"""Many open cases at once, bulk-created (the services are tested elsewhere; this is volume)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from casedesk.cases.models import Case, Status
from casedesk.watch.models import CaseWatch


def bulk_cases(
    contact: Any,
    n: int,
    *,
    received_at: dt.datetime,
    severity: int = 2,
    due_at: dt.datetime | None = None,
    first_number: int = 100_000,
) -> list[int]:
    """n open Premium-style cases of `contact` received at `received_at`, each with a watch.

    The deadline is the terms' own; the watch's next alert is `due_at` (the 50 % warning when
    None), as `reschedule` would store it.
    """
    from casedesk.terms import sla

    sub = contact.customer.subscriptions.first()
    terms = sub.terms_version.terms
    deadline = sla.deadline(terms, sub.level, severity, received_at)
    cases = [
        Case(
            number=first_number + i,
            tracking_number=f"BULK-{first_number + i}",
            customer_id=contact.customer_id,
            subscription=sub,
            contact=contact,
            level=sub.level,
            terms_version=sub.terms_version,
            channel="web",
            subject=f"bulk case {i}",
            severity=severity,
            status=Status.TRIAGED,
            received_at=received_at,
            response_deadline=deadline,
            updated_at=received_at,
        )
        for i in range(n)
    ]
    created = Case.objects.bulk_create(cases, batch_size=2000)
    if not created or created[0].pk is None:  # backends without RETURNING
        created = list(Case.objects.filter(number__gte=first_number, number__lt=first_number + n))
    next_at = due_at or received_at + (deadline - received_at) / 2
    CaseWatch.objects.bulk_create(
        [
            CaseWatch(
                case_id=c.pk,
                next_alert_at=next_at,
                next_alert_kind="warn50",
                deadline=deadline,
                updated_at=received_at,
            )
            for c in created
        ],
        batch_size=2000,
    )
    return [c.pk for c in created]
