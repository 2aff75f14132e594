"""Logins for people: created without a password, and the invitation link that sets the first.

An invitation is Django's password-reset token (one-time: it stops working once a password is
set, since the token covers the password hash) on its own "set your password" page. Mail goes out
through the outbox (recorded with the change, retried until the mail server takes it).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from casedesk.lib import clock
from casedesk.lib.links import absolute
from casedesk.mail import outbox

from .errors import EntitlementError


def create_login(username: str, email: str) -> tuple[Any, bool]:
    """The login named `username`, created without a usable password when new (True)."""
    user, created = get_user_model()._default_manager.get_or_create(
        username=username, defaults={"email": email}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user, created


def new_login(email: str) -> Any:
    """A new login named by the e-mail address; refused if that login exists already."""
    user, created = create_login(email, email)
    if not created:
        raise EntitlementError(
            f"A login named {email} already exists; designate that person in the admin instead."
        )
    return user


def awaits_first_password(user: Any) -> bool:
    return bool(user.is_active and not user.has_usable_password())


def awaiting_by_email(email: str) -> list[tuple[Any, str]]:
    """Active logins that never had a password, found by the login's e-mail address or by the
    address of the active support contact it belongs to (any case); each with that address."""
    email = email.strip()
    if not email:
        return []
    users = get_user_model()._default_manager.filter(
        Q(email__iexact=email)
        | Q(support_contact__email__iexact=email, support_contact__is_active=True),
        is_active=True,
    )
    found = []
    for user in users.select_related("support_contact").distinct():
        if user.has_usable_password():
            continue
        contact = getattr(user, "support_contact", None)
        if contact is not None and contact.email.lower() == email.lower():
            found.append((user, contact.email))
        else:
            found.append((user, user.email))
    return found


def invitation_link(user: Any) -> str:
    """A one-time link to set the first password, valid for PASSWORD_RESET_TIMEOUT (3 days)."""
    path = reverse(
        "welcome",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return absolute(path)


def send_invitation(user: Any, to: str = "") -> str:
    """Mail the invitation to `to` (default: the login's address); return the link."""
    to = to or user.email
    if not to:
        raise EntitlementError(
            f"The login {user.get_username()} has no e-mail address to send the invitation to; "
            "add one or print the link with --print."
        )
    link = invitation_link(user)
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    body = (
        f"Hello,\n\nA casedesk login has been set up for you: {user.get_username()}.\n"
        f"Choose your password here (the link works once, for {days} days):\n\n{link}\n\n"
        'If it has expired, ask for a new one with "Forgot your password?" on the sign-in '
        "page.\n"
    )
    queue_login_mail(to, "Your casedesk login: choose a password", body, kind="invitation")
    return link


def queue_login_mail(to: str, subject: str, body: str, *, kind: str) -> None:
    """Mail about a login (invitation, password reset) through the outbox, like every other
    mail: recorded now, retried until the mail server takes it. Replies go nowhere useful, so
    no support Reply-To."""
    outbox.enqueue(
        to=[to], subject=subject, body=body, kind=kind, now=clock.now(), reply_to_support=False
    )
