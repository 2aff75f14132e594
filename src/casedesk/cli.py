"""The `casedesk` command: a thin wrapper over Django's management commands."""

from __future__ import annotations

import os
import sys

USAGE = """\
usage: casedesk <command> [options]

Commands people use:
  demo                       fresh demo database with sample data, served on 127.0.0.1:8000
  serve                      run the web server (migrates first)
  worker                     run background work and the SLA watch
  smtpd                      receive support mail over SMTP
  terms check FILE           validate a terms file, naming every wrong key
  terms show [FILE]          print levels, targets, contact limits and quotas
  sla deadline --level L --severity N --received ISO8601 [--terms FILE]
                             compute one response deadline as JSON
  sla explain CASE           the steps behind a case's deadline
  sla verify                 recompute every case's SLA fields and report drift
  import FILE                load customers, contacts and releases from CSV/YAML
                             (new logins get an invitation link; --print-invitations)
  invite USERNAME...         mail a login without a password a link to choose one (--print)
  reindex                    index every case's text for search again
  migrate                    create or upgrade the database
  createsuperuser            create an administrator login

Every Django management command works too; `casedesk <command> --help` for its options.
Settings come from the environment: CASEDESK_HOME (data folder, default ./var), DATABASE_URL,
CASEDESK_TERMS, DEBUG. See README.md.
"""


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return
    if argv[0] == "demo":
        # The demo owns its own database file so it never wipes a real one.
        os.environ["CASEDESK_DB_NAME"] = "demo.sqlite3"
        os.environ.pop("DATABASE_URL", None)
        # The demo never sends real mail: outbound messages are written to files instead.
        os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["casedesk", *argv])


if __name__ == "__main__":
    main()
