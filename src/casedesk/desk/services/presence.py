"""Who else has a case open: each case page reports its engineer every 15 s (viewing, or
writing a reply); an entry older than FRESH is gone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from casedesk.cases.models import Case
from casedesk.cases.services.access import require_agent
from casedesk.desk.models import Presence
from casedesk.lib import clock

# Three missed refreshes: the page was closed (or the laptop slept).
FRESH = dt.timedelta(seconds=45)


@dataclass(frozen=True)
class Present:
    name: str
    writing: bool

    @property
    def text(self) -> str:
        return f"{self.name} is writing a reply" if self.writing else f"{self.name} is viewing"


def person(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def mark_present(user: Any, case: Case, *, writing: bool = False) -> None:
    """Record that `user` has the case open now (and whether they are typing a reply)."""
    require_agent(user, "work on cases")
    now = clock.now()
    found = Presence.objects.filter(case=case, user=user)
    if found.update(writing=writing, seen_at=now):
        return
    try:
        with transaction.atomic():  # a savepoint: the page's other tab may insert first
            Presence.objects.create(case=case, user=user, writing=writing, seen_at=now)
    except IntegrityError:
        found.update(writing=writing, seen_at=now)


def others_present(user: Any, case: Case) -> list[Present]:
    """The other engineers on the case now, writers first."""
    since = clock.now() - FRESH
    rows = (
        Presence.objects.filter(case=case, seen_at__gte=since)
        .exclude(user=user)
        .select_related("user")
        .order_by("-writing", "user__first_name", "user__username")
    )
    return [Present(person(p.user), p.writing) for p in rows]
