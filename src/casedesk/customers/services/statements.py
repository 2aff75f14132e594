"""Mailing a customer's yearly support statement to its designated contacts (issue 17).

The statement's figures are the reports' (an interface layer); the console renders the text
and hands it here, so this service only decides who may send it and to whom, and queues it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from casedesk.mail import outbox

from ..models import Customer
from .errors import EntitlementError, require_manager


def statement_recipients(customer: Customer) -> list[str]:
    """The active designated contacts' addresses, each once."""
    return sorted(set(customer.contacts.filter(is_active=True).values_list("email", flat=True)))


def mail_statement(
    actor: Any, customer: Customer, *, subject: str, body: str, at: dt.datetime
) -> list[str]:
    """Queue the statement to each active contact (one mail each); the addresses mailed."""
    require_manager(actor, "mail a customer's support statement")
    to = statement_recipients(customer)
    if not to:
        raise EntitlementError(
            f"{customer.name} has no active designated contact to mail the statement to; "
            "add a contact first."
        )
    with transaction.atomic():
        for address in to:
            outbox.enqueue(to=[address], subject=subject, body=body, kind="statement", now=at)
    return to
