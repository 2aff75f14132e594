"""Who is who: support engineers and managers are Django groups; contacts are SupportContacts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from .models import SupportContact

AGENTS = "Support engineers"
MANAGERS = "Support managers"

_CUSTOMER_MODELS = (
    "customer",
    "subscription",
    "supportcontact",
    "contactevent",
    "release",
    "quotaentry",
    "termsversion",
)

_GROUP_MODELS = ("supportgroup", "groupmember", "routingrule")


def _in_group(user: Any, name: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return any(g.name == name for g in user.groups.all())


def is_manager(user: Any) -> bool:
    if user is not None and getattr(user, "is_superuser", False) and user.is_active:
        return True
    return _in_group(user, MANAGERS)


def is_agent(user: Any) -> bool:
    """True for support engineers and for managers (a manager can do an engineer's work)."""
    return is_manager(user) or _in_group(user, AGENTS)


def agent_refusal(user: Any, doing: str) -> str | None:
    """Why `user` may not do an engineer's work (None: may): the one sentence every service
    raises, in its own error family."""
    return None if is_agent(user) else f"Only support engineers can {doing}"


def manager_refusal(user: Any, doing: str) -> str | None:
    return None if is_manager(user) else f"Only support managers can {doing}"


def contact_of(user: Any) -> SupportContact | None:
    """The user's SupportContact, active or not; None for staff and strangers."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    selected = get_user_model().support_contact.is_cached
    if selected(user):  # selected with the user (API tokens)
        return getattr(user, "support_contact", None)  # None: selected, and there is none
    return SupportContact.objects.select_related("customer").filter(user=user).first()


def ensure_groups() -> tuple[Group, Group]:
    """Create both groups; managers get the admin permissions on customers, engineers view."""
    agents, _ = Group.objects.get_or_create(name=AGENTS)
    managers, _ = Group.objects.get_or_create(name=MANAGERS)
    perms = Permission.objects.filter(
        content_type__app_label="customers", content_type__model__in=_CUSTOMER_MODELS
    )
    managers.permissions.add(*[p for p in perms if not p.codename.startswith("delete_")])
    agents.permissions.add(*[p for p in perms if p.codename.startswith("view_")])
    # Issue 18: support groups are configuration; managers keep them, members and rules whole.
    groups = Permission.objects.filter(
        content_type__app_label="cases", content_type__model__in=_GROUP_MODELS
    )
    managers.permissions.add(*groups)
    return agents, managers
