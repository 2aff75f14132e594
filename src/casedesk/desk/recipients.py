"""Who hears about a case besides its reporter (read by cases.notifications and watch_mail)."""

from __future__ import annotations

from casedesk.cases.models import Case
from casedesk.desk.models import Follower, Watcher


def follower_addresses(case: Case) -> list[str]:
    """Where a public update goes besides the reporter: active followers only."""
    return list(
        Follower.objects.filter(case_id=case.pk, contact__is_active=True)
        .exclude(contact_id=case.contact_id)
        .order_by("contact__name")
        .values_list("contact__email", flat=True)
    )


def watcher_addresses(case: Case, *, except_user_id: int | None) -> list[str]:
    """The watching engineers' addresses, without the one who acted."""
    rows = Watcher.objects.filter(case_id=case.pk, user__is_active=True).exclude(user__email="")
    if except_user_id is not None:
        rows = rows.exclude(user_id=except_user_id)
    return list(rows.order_by("user_id").values_list("user__email", flat=True))
