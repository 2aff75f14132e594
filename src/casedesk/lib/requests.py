"""The request type of views behind login_required, for the type checker."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class SignedInRequest(HttpRequest):
    """A request whose `user` is signed in (login_required, agent_required, ...), not anonymous.

    Only an annotation: views still receive Django's HttpRequest.
    """

    user: User
