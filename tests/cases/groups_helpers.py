"""Support groups for the issue 18 tests: engineers made through the real roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from casedesk.cases.models import GroupMember, RoutingRule, SupportGroup
from casedesk.customers.roles import ensure_groups


def engineer(username: str, **extra: Any) -> Any:
    agents, _ = ensure_groups()
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw", **extra)
    user.groups.add(agents)
    return user


def group(name: str, *members: Any, round_robin: bool = False, **rule: str) -> SupportGroup:
    """A group with `members` (all on shift) and, when `rule` is given, one routing rule."""
    made = SupportGroup.objects.create(name=name, round_robin=round_robin)
    for user in members:
        GroupMember.objects.create(group=made, user=user)
    if rule:
        RoutingRule.objects.create(group=made, **rule)
    return made
