"""What the case page shows of the desk (issue 18): who else is on the case, the last event
seen (for the collision check), canned replies, followers and watching."""

from __future__ import annotations

from typing import Any

from casedesk.cases.models import Case
from casedesk.cases.services.collision import last_event_id
from casedesk.desk.services import followers, macros, presence


def desk_context(user: Any, case: Case) -> dict[str, Any]:
    presence.mark_present(user, case)  # opening the page is viewing it
    return {
        "presence": presence.others_present(user, case),
        "last_event_id": last_event_id(case),
        "macros": list(macros.macros_for(user)),
        "followers": followers.followers_of(case),
        "follower_candidates": followers.candidates(case),
        "watching": followers.is_watching(user, case),
    }
