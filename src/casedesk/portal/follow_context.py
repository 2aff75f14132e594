"""What the portal's case page shows of its followers (issue 18)."""

from __future__ import annotations

from typing import Any

from casedesk.cases.models import Case
from casedesk.customers.models import SupportContact
from casedesk.desk.services import followers


def follow_context(contact: SupportContact, case: Case) -> dict[str, Any]:
    current = followers.followers_of(case)
    return {
        "followers": current,
        "is_reporter": contact.pk == case.contact_id,
        "following": any(f.contact_id == contact.pk for f in current),
        "follower_candidates": followers.candidates(case),
    }
