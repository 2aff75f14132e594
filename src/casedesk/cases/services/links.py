"""Linking related cases (issue 18). A link is symmetric: stored once, shown on both cases.

Engineers link any two cases, across customers too (the same bug reported by two customers).
Contacts only ever see links between their own organisation's cases; a link to another
customer's case is not there for them, like the case itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q

from casedesk.cases.models import Case, CaseLink, EventKind
from casedesk.lib import clock

from .access import access_case, cases_visible_to, require_agent
from .errors import CaseError, CaseNotFound
from .events import record
from .retry import retry_on_lock


@dataclass(frozen=True)
class LinkedCase:
    """One link as seen from one of its cases."""

    link: CaseLink
    other: Case

    @property
    def kind_label(self) -> str:
        return CaseLink.Kind(self.link.kind).label


def links_of(user: object, case: Case) -> list[LinkedCase]:
    """The cases linked to `case` that `user` may see, by tracking number."""
    links = list(CaseLink.objects.filter(Q(low=case) | Q(high=case)))
    others = {lk.high_id if lk.low_id == case.pk else lk.low_id: lk for lk in links}
    visible = cases_visible_to(user).filter(pk__in=others).select_related("customer")
    found = [LinkedCase(others[other.pk], other) for other in visible]
    return sorted(found, key=lambda lc: lc.other.number)


def _other(agent: AbstractBaseUser, case: Case, ref: str) -> Case:
    ref = (ref or "").strip()
    if not ref:
        raise CaseError("Give the tracking number of the case to link, such as CASE-12.", "other")
    try:
        other = access_case(agent, ref)
    except CaseNotFound:
        raise CaseError(f"No case {ref}; check the tracking number.", field="other") from None
    if other.pk == case.pk:
        raise CaseError("A case cannot be linked to itself; give another case.", field="other")
    return other


def _pair(a: Case, b: Case) -> tuple[Case, Case]:
    return (a, b) if a.pk < b.pk else (b, a)


@retry_on_lock
def link_cases(
    agent: AbstractBaseUser,
    case: Case,
    other_ref: str,
    kind: str = CaseLink.Kind.RELATED,
    *,
    at: dt.datetime | None = None,
) -> LinkedCase:
    """Link `case` and the case `other_ref` names; both record it (internal events)."""
    require_agent(agent, "link cases")
    if kind not in CaseLink.Kind.values:
        kinds = " or ".join(CaseLink.Kind.values)
        raise CaseError(f"Say how the cases are linked: {kinds}.", field="kind")
    other = _other(agent, case, other_ref)
    at = at or clock.now()
    low, high = _pair(case, other)
    try:
        with transaction.atomic():
            link = CaseLink.objects.create(
                low=low, high=high, kind=kind, created_by_id=agent.pk, created_at=at
            )
            _record_both(agent, case, other, EventKind.LINKED, at, link=kind)
    except IntegrityError:  # the unique pair: linked before, or just now by someone else
        raise CaseError(
            f"{case.tracking_number} and {other.tracking_number} are already linked.",
            field="other",
        ) from None
    return LinkedCase(link, other)


@retry_on_lock
def unlink_cases(
    agent: AbstractBaseUser, case: Case, other_ref: str, *, at: dt.datetime | None = None
) -> None:
    """Remove the link between `case` and `other_ref`; both cases record it."""
    require_agent(agent, "remove links between cases")
    other = _other(agent, case, other_ref)
    at = at or clock.now()
    low, high = _pair(case, other)
    with transaction.atomic():
        removed, _ = CaseLink.objects.filter(low=low, high=high).delete()
        if not removed:
            raise CaseError(
                f"{case.tracking_number} and {other.tracking_number} are not linked.",
                field="other",
            )
        _record_both(agent, case, other, EventKind.UNLINKED, at)


def _record_both(
    agent: AbstractBaseUser, a: Case, b: Case, kind: str, at: dt.datetime, **data: str
) -> None:
    # Internal: a link may name another customer's case, which the contacts must not see.
    record(a, kind, agent, at, public=False, other=b.tracking_number, **data)
    record(b, kind, agent, at, public=False, other=a.tracking_number, **data)
