"""The one mail the sign-in limits send: "your account is being guessed at, and is slowed"."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from casedesk.lib import clock
from casedesk.mail import outbox

from .limits import LOGIN_ACCOUNT


def mail_account_slowed(username: str) -> bool:
    """Tell the login's owner (if the login exists and has an address); True when mailed."""
    if "\x00" in username:  # no login has one, and PostgreSQL refuses it in a query
        return False
    user = get_user_model()._default_manager.filter(username=username, is_active=True).first()
    if user is None or not user.email:
        return False
    minutes = int(LOGIN_ACCOUNT.window.total_seconds() // 60)
    body = (
        f"Hello,\n\nThere have been more than {LOGIN_ACCOUNT.attempts} sign-ins with a wrong "
        f"password for your casedesk login {username} in the last {minutes} minutes, from "
        "several addresses. None of them got in.\n\n"
        "To protect the login without locking you out, it now takes one sign-in attempt every "
        "30 seconds for a while. If this was not you, consider a longer password (use "
        '"Forgot your password?" on the sign-in page) and, for engineers, a second factor.\n'
    )
    outbox.enqueue(
        to=[user.email],
        subject="casedesk: many failed sign-ins for your login",
        body=body,
        kind="signin",
        now=clock.now(),
        reply_to_support=False,
    )
    return True
