"""`casedesk apitoken create USERNAME --name NAME`, `revoke USERNAME --name NAME`, `list USERNAME`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from casedesk.api.models import ApiToken
from casedesk.api.tokens import TokenError, create_token, revoke_token


class Command(BaseCommand):
    help = "Create, revoke or list a user's personal API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it (shown once)")
        create.add_argument("username", help="the user the token acts as")
        create.add_argument("--name", required=True, help="what the token is for")
        revoke = sub.add_parser("revoke", help="revoke a user's live token by name")
        revoke.add_argument("username", help="the token's user")
        revoke.add_argument("--name", required=True, help="the token's name")
        listing = sub.add_parser("list", help="list a user's tokens (never the secrets)")
        listing.add_argument("username", help="the tokens' user")

    def handle(self, *args: Any, action: str, username: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                f"No user {username!r}; check the spelling; the admin site lists every user at /admin/auth/user/"
            )
        if action == "create":
            self._create(user, options["name"])
        elif action == "revoke":
            self._revoke(user, options["name"])
        else:
            self._list(user)

    def _create(self, user: Any, name: str) -> None:
        try:
            token, secret = create_token(user, name)
        except TokenError as exc:
            raise CommandError(exc.message) from None
        self.stderr.write(
            f"Token {token.name!r} for {user.get_username()}; copy it now, it is shown once:"
        )
        self.stdout.write(secret)

    def _revoke(self, user: Any, name: str) -> None:
        token = ApiToken.objects.active().filter(user=user, name=name).first()
        if token is None or not revoke_token(token):
            raise CommandError(
                f"{user.get_username()} has no live token named {name!r}; "
                f"`casedesk apitoken list {user.get_username()}` shows them."
            )
        self.stdout.write(f"Revoked {token.name!r} ({token.prefix}…) of {user.get_username()}.")

    def _list(self, user: Any) -> None:
        for t in ApiToken.objects.filter(user=user).order_by("created_at"):
            state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "live"
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            self.stdout.write(f"{t.name}\t{t.prefix}…\t{state}\tlast used {used}")
