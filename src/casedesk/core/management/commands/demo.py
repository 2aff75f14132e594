from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from casedesk.core import demo_data, server


class Command(BaseCommand):
    help = "Create a fresh demo database with sample customers and cases, then serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument("--no-serve", action="store_true", help="seed the data and exit")

    def handle(self, *args: Any, bind: str, no_serve: bool, **options: Any) -> None:
        if connection.vendor != "sqlite":
            raise CommandError(
                "The demo wipes its database, so it only runs on the embedded SQLite database; "
                "unset DATABASE_URL to run it."
            )
        path = settings.DATABASES["default"]["NAME"]
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        self.stdout.write(f"Creating a fresh demo database in {path} ...")
        call_command("migrate", interactive=False, verbosity=0)
        logins = demo_data.seed(progress=self.stdout.write)
        self.stdout.write("\nDemo logins:")
        for role, username, password in logins:
            self.stdout.write(f"  {role:<28} {username:<28} {password}")
        self.stdout.write(f"\nOutbound mail is written to {settings.EMAIL_FILE_PATH}/, not sent.")
        if no_serve:
            return
        self.stdout.write(
            f"\nOpen http://{bind}/ (Ctrl-C to stop); the background worker runs too."
        )
        with server.worker_beside():
            server.run(bind, workers=2)
