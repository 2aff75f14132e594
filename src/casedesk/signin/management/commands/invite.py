"""`casedesk invite USERNAME...`: mail (or print) a link to choose a first password, e.g. for an
engineer's login created in the admin without a password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from casedesk.customers import services
from casedesk.customers.services import EntitlementError


class Command(BaseCommand):
    help = "Send logins without a password an invitation link to choose one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("usernames", nargs="+", metavar="USERNAME")
        parser.add_argument(
            "--print", action="store_true", help="print the links instead of mailing them"
        )

    def handle(self, *args: Any, usernames: list[str], **options: Any) -> None:
        users = get_user_model()._default_manager
        problems = []
        for name in usernames:
            user = users.filter(username=name).first()
            if user is None:
                problems.append(f"{name}: no such login.")
            elif not services.awaits_first_password(user):
                problems.append(
                    f"{name}: already has a password (or is deactivated); they can use "
                    '"Forgot your password?" on the sign-in page.'
                )
            elif options["print"]:
                self.stdout.write(f"invitation for {name}: {services.invitation_link(user)}")
            else:
                try:
                    services.send_invitation(user)
                except (EntitlementError, OSError) as exc:
                    problems.append(f"{name}: {getattr(exc, 'message', exc)}")
                else:
                    self.stdout.write(f"invitation mailed to {name} <{user.email}>")
        if problems:
            raise CommandError("\n".join(problems))
