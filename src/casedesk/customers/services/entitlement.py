"""Who may open a case, under which subscription, and which subscription year it falls in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..models import Customer, Subscription, SupportContact
from ..roles import contact_of, is_agent
from .errors import EntitlementError
from .lookups import subscriptions_of


def _anniversary(start: dt.date, year: int) -> dt.date:
    # A 29 February start has its anniversary on 28 February in non-leap years, so every
    # subscription year is 365 or 366 days and no year skips into March.
    try:
        return start.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


def subscription_year(subscription: Subscription, on: dt.date) -> tuple[dt.date, dt.date]:
    """(first day, last day) of the subscription year holding `on`.

    Years run from the anniversaries of starts_on (a 29 Feb start: 28 Feb in non-leap years).
    A date before the term starts gets the first year.
    """
    start = subscription.starts_on
    on = max(on, start)
    this_year = _anniversary(start, on.year)
    first = this_year if this_year <= on else _anniversary(start, on.year - 1)
    first = max(first, start)
    following = _anniversary(start, first.year + 1)
    return first, following - dt.timedelta(days=1)


def _ordered_current(subs: list[Subscription], on: dt.date) -> list[Subscription]:
    # Most recent start first: a renewal or an upgrade signed later takes over.
    current = [s for s in subs if s.starts_on <= on <= s.ends_on]
    return sorted(current, key=lambda s: (s.starts_on, s.pk), reverse=True)


def customer_subscription(customer: Customer, at: dt.datetime) -> Subscription:
    """The subscription cases are opened under at `at`, or EntitlementError saying why none.

    Among several current subscriptions, the latest-starting one with a Project/Application
    description is chosen. The date is taken in the terms' calendar zone.
    """
    return subscription_among(customer, subscriptions_of(customer), at)


def subscription_among(
    customer: Customer, subs: list[Subscription], at: dt.datetime
) -> Subscription:
    """customer_subscription() over `subs`, all the customer's subscriptions with their terms
    versions, read by the caller (a list page reads them for every row at once)."""
    if not subs:
        raise EntitlementError(
            f"{customer.name} has no subscription; a support manager must add one before "
            "cases can be opened."
        )
    on = subs[0].local_date(at)
    current = _ordered_current(subs, on)
    if not current:
        later = sorted((s for s in subs if s.starts_on > on), key=lambda s: s.starts_on)
        if later:
            first = later[0]
            raise EntitlementError(
                f"{customer.name}'s {first.level_name} subscription starts on {first.starts_on}; "
                "cases can be opened from that day."
            )
        last = max(subs, key=lambda s: s.ends_on)
        raise EntitlementError(
            f"{customer.name}'s {last.level_name} subscription ended on {last.ends_on}; "
            "renew it to open cases."
        )
    for sub in current:
        if sub.project_description.strip():
            return sub
    sub = current[0]
    raise EntitlementError(
        f"{customer.name}'s {sub.level_name} subscription has no Customer Project/Application "
        "description; the terms make it a precondition for support — ask your account manager "
        "to add it under Admin › Subscriptions."
    )


def entitled_subscription(contact: SupportContact, at: dt.datetime) -> Subscription:
    """The subscription `contact` may open a case under at `at`, or EntitlementError why not."""
    if not contact.is_active:
        since = f" since {contact.deactivated_at:%Y-%m-%d}" if contact.deactivated_at else ""
        raise EntitlementError(
            f"{contact.name} is no longer a designated support contact of "
            f"{contact.customer.name}{since}; ask a support manager to reactivate them or to "
            "designate another contact."
        )
    return customer_subscription(contact.customer, at)


def can_open_case(user: Any, customer: Customer, at: dt.datetime) -> tuple[bool, str]:
    """May `user` open a case for `customer` at `at`? (True, what applies) or (False, why not).

    Active designated contacts of the customer may; support engineers and managers may open a
    case on a customer's behalf. Either way the customer needs a current subscription with a
    Project/Application description.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return False, "Sign in as a designated support contact to open a case."
    try:
        if is_agent(user):
            sub = customer_subscription(customer, at)
        else:
            contact = contact_of(user)
            if contact is None or contact.customer_id != customer.pk:
                return False, (
                    f"{user.get_username()} is not a designated support contact of "
                    f"{customer.name}; only its designated contacts can open cases — ask "
                    f"{customer.name}'s support contacts or a support manager."
                )
            sub = entitled_subscription(contact, at)
    except EntitlementError as exc:
        return False, exc.message
    return True, (
        f"Cases for {customer.name} are opened under the {sub.level_name} subscription "
        f"(until {sub.ends_on})."
    )


def patch_refusal(subscription: Subscription) -> str | None:
    """None when the level includes emergency patches, else why not, quoting the terms."""
    level = subscription.level_terms
    if level.emergency_patches:
        return None
    terms = subscription.terms
    message = (
        f"Emergency patches are not included in the {level.name} level "
        f"(terms {terms.version}, {level.name} Level: “Emergency Patches: No”)"
    )
    with_patches = [lv.name for lv in terms.levels.values() if lv.emergency_patches]
    if with_patches:
        message += f"; they come with the {' and '.join(with_patches)} levels"
    return message + "."
