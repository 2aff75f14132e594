"""The one time rule, said on every page: contacts read their own zone, engineers the terms'."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest

from casedesk.customers.models import DEFAULT_TIME_ZONE
from casedesk.lib.tz import local_text


def zone_note(request: HttpRequest) -> dict[str, str]:
    """A context processor; reads no database (the portal's decorator has found the contact)."""
    contact = getattr(request, "contact", None)
    if contact is not None:
        return {"zone_note": f"Times in your time zone ({contact.time_zone})."}
    if request.path.startswith("/console/"):
        return {"zone_note": f"Times in the terms' zone ({DEFAULT_TIME_ZONE})."}
    return {}


def zone_beside(terms_zone: str, contact_zone: str, now: dt.datetime) -> str:
    """The console case page's rule: the terms' zone, and the contact's clock beside it."""
    note = f"Times in the terms' zone ({terms_zone})."
    if contact_zone == terms_zone:
        return f"{note} The contact is in the same zone."
    return (
        f"{note} The contact's zone is {contact_zone}; it is {local_text(now, contact_zone)} there."
    )
