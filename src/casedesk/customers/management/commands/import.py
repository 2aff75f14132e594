"""`casedesk import FILE`: load customers (with subscriptions), contacts and releases.

CSV (a header row; a `kind` column of customer / contact / release, or a file of one kind whose
header says which), JSON (an array of objects, each with a "kind") or YAML (a list of mappings,
each with a "kind"). Every row is checked, through the same services as the
admin; if any row is bad, all bad rows are reported with their line numbers and nothing is
imported. A login named in the file is created without a password; once the import is stored,
each new login gets an invitation link to choose one, by mail (or printed with
--print-invitations).

Columns (empty cells are "not given"):
  customer: slug, name, [level, nodes, starts_on, ends_on, project_description]
  contact:  customer (slug), name, email, [time_zone, username]
  release:  product, version, ga_on, [end_of_support_on, production (yes/no, default yes)]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from casedesk.customers import services
from casedesk.customers.models import DEFAULT_TIME_ZONE, Customer
from casedesk.customers.roles import is_manager
from casedesk.customers.services import EntitlementError
from casedesk.lib import clock

KINDS = {
    "customer": (
        {"slug", "name"},
        {"level", "nodes", "starts_on", "ends_on", "project_description"},
    ),
    "contact": ({"customer", "name", "email"}, {"time_zone", "username"}),
    "release": ({"product", "version", "ga_on"}, {"end_of_support_on", "production"}),
}


class RowError(Exception):
    pass


Row = tuple[int, dict[str, str]]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def read_csv(text: str) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text))
    header = {(h or "").strip() for h in reader.fieldnames or []}
    implied = next((k for k in ("contact", "release") if KINDS[k][0] <= header), "customer")
    lines = text.splitlines()
    rows = []
    previous = reader.line_num  # the header row
    for record in reader:
        # A quoted cell may span lines: a row starts after the previous one (and blank lines).
        start = previous + 1
        while start < reader.line_num and not lines[start - 1].strip():
            start += 1
        previous = reader.line_num
        row = {(k or "").strip(): _text(v) for k, v in record.items() if k is not None}
        if not any(row.values()):
            continue
        row.setdefault("kind", implied)
        row["kind"] = row["kind"] or implied
        rows.append((start, row))
    return rows


def read_json(text: str) -> list[Row]:
    """An array of objects; each object's line is where its `{` stands."""
    decoder = json.JSONDecoder()
    pos = text.find("[")
    if pos < 0 or text[:pos].strip():
        raise RowError("line 1: a JSON import file is an array of objects ([{...}, ...])")
    pos += 1
    rows: list[Row] = []
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            break
        line = text.count("\n", 0, pos) + 1
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise RowError(f"line {exc.lineno}: not valid JSON ({exc.msg})") from None
        if not isinstance(value, dict):
            raise RowError(f"line {line}: each entry must be an object with a kind")
        rows.append((line, {str(k): _text(v) for k, v in value.items()}))
    return rows


def read_yaml(text: str) -> list[Row]:
    """A list of mappings; each mapping's line is where it starts."""
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise RowError(f"line {line}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(root, yaml.SequenceNode) or not isinstance(data, list):
        raise RowError("line 1: a YAML import file is a list of mappings (- kind: customer ...)")
    rows: list[Row] = []
    for node, value in zip(root.value, data, strict=True):
        line = node.start_mark.line + 1
        if not isinstance(value, dict):
            raise RowError(f"line {line}: each entry must be a mapping with a kind")
        rows.append((line, {str(k): _text(v) for k, v in value.items()}))
    return rows


def _date(row: dict[str, str], key: str, required: bool = True) -> dt.date | None:
    value = row.get(key, "")
    if not value and not required:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RowError(f'{key}: "{value}" is not a date (use YYYY-MM-DD)') from None


def _bool(row: dict[str, str], key: str) -> bool:
    value = row.get(key, "").lower()
    if value in ("", "yes", "true", "1"):
        return True
    if value in ("no", "false", "0"):
        return False
    raise RowError(f'{key}: "{row[key]}" is not yes or no')


def _check_columns(row: dict[str, str]) -> str:
    kind = row.get("kind", "")
    if kind not in KINDS:
        raise RowError(f'kind: "{kind}" is not one of {", ".join(KINDS)}')
    required, optional = KINDS[kind]
    missing = sorted(k for k in required if not row.get(k))
    if missing:
        raise RowError(f"{kind} row without {', '.join(missing)}")
    unknown = sorted(k for k, v in row.items() if v and k not in required | optional | {"kind"})
    if unknown:
        raise RowError(f"unknown column(s) for a {kind}: {', '.join(unknown)}")
    return kind


class Importer:
    def __init__(self, actor: Any, at: dt.datetime) -> None:
        self.actor, self.at = actor, at
        self.counts = {"customers": 0, "subscriptions": 0, "contacts": 0, "releases": 0}
        self.new_logins: list[tuple[Any, str]] = []  # (user, the contact's address)

    def customer(self, row: dict[str, str]) -> None:
        existing = Customer.objects.filter(slug=row["slug"]).first()
        if existing and existing.name != row["name"]:
            raise RowError(
                f'customer "{row["slug"]}" already exists as "{existing.name}"; use that name '
                "to add a subscription to it"
            )
        if not existing:
            existing = services.create_customer(
                self.actor, name=row["name"], slug=row["slug"], at=self.at
            )
            self.counts["customers"] += 1
        sub_keys = ("level", "nodes", "starts_on", "ends_on")
        if not any(row.get(k) for k in (*sub_keys, "project_description")):
            return
        missing = [k for k in sub_keys if not row.get(k)]
        if missing:
            raise RowError(f"a subscription needs {', '.join(missing)}")
        try:
            nodes = int(row["nodes"])
        except ValueError:
            raise RowError(f'nodes: "{row["nodes"]}" is not a whole number') from None
        services.create_subscription(
            self.actor,
            existing,
            level=row["level"],
            nodes=nodes,
            starts_on=_date(row, "starts_on"),  # type: ignore[arg-type]
            ends_on=_date(row, "ends_on"),  # type: ignore[arg-type]
            project_description=row.get("project_description", ""),
            at=self.at,
        )
        self.counts["subscriptions"] += 1

    def contact(self, row: dict[str, str]) -> None:
        customer = Customer.objects.filter(slug=row["customer"]).first()
        if customer is None:
            raise RowError(f'customer "{row["customer"]}" is neither in the file nor stored')
        user = None
        if row.get("username"):
            # Without a password: the invitation sent after the import lets the person choose one.
            user, created = services.create_login(row["username"], row["email"])
            if created:
                self.new_logins.append((user, row["email"]))
        services.add_contact(
            self.actor,
            customer,
            name=row["name"],
            email=row["email"],
            time_zone=row.get("time_zone") or DEFAULT_TIME_ZONE,
            user=user,
            at=self.at,
        )
        self.counts["contacts"] += 1

    def release(self, row: dict[str, str]) -> None:
        services.add_release(
            self.actor,
            product=row["product"],
            version=row["version"],
            ga_on=_date(row, "ga_on"),  # type: ignore[arg-type]
            end_of_support_on=_date(row, "end_of_support_on", required=False),
            production=_bool(row, "production"),
        )
        self.counts["releases"] += 1


def import_rows(
    rows: list[Row], actor: Any, at: dt.datetime, new_logins: list[tuple[Any, str]] | None = None
) -> tuple[dict[str, int], list[str]]:
    """Apply every row in one transaction; roll all of it back if any row fails.

    `new_logins` receives the logins created (with the contact's address) when all rows applied."""
    importer = Importer(actor, at)
    errors: list[str] = []
    with transaction.atomic():
        for line, row in rows:
            try:
                kind = _check_columns(row)
                apply: Callable[[dict[str, str]], None] = getattr(importer, kind)
                with transaction.atomic():  # a savepoint: a failed row leaves no trace
                    apply(row)
            except (RowError, EntitlementError) as exc:
                errors.append(f"line {line}: {exc.message if hasattr(exc, 'message') else exc}")
        if errors:
            transaction.set_rollback(True)
    if new_logins is not None and not errors:
        new_logins.extend(importer.new_logins)
    return importer.counts, errors


class Command(BaseCommand):
    help = "Load customers (with subscriptions), contacts and releases from CSV, JSON or YAML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="a .csv, .json or .yaml file (see `casedesk import --help`)"
        )
        parser.add_argument(
            "--actor",
            default="",
            help="username of the support manager recorded as adding the contacts",
        )
        parser.add_argument(
            "--print-invitations",
            action="store_true",
            help="print each new login's invitation link instead of mailing it",
        )

    def handle(
        self, *args: Any, file: str, actor: str, print_invitations: bool, **options: Any
    ) -> None:
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: cannot be read ({exc}).") from None
        suffix = path.suffix.lower()
        try:
            if suffix == ".csv":
                rows = read_csv(text)
            elif suffix == ".json":
                rows = read_json(text)
            elif suffix in (".yaml", ".yml"):
                rows = read_yaml(text)
            else:
                raise CommandError(f"{file}: use a .csv, .json, .yaml or .yml file.")
        except RowError as exc:
            raise CommandError(f"{file}: {exc}; nothing was imported.") from None
        user = self._actor(actor)
        new_logins: list[tuple[Any, str]] = []
        counts, errors = import_rows(rows, user, clock.now(), new_logins)
        if errors:
            raise CommandError(
                f"{file}: {len(errors)} bad row(s); nothing was imported. Fix them and run the "
                "import again:\n" + "\n".join(errors)
            )
        self.stdout.write(
            f"{file}: imported {counts['customers']} customer(s), {counts['subscriptions']} "
            f"subscription(s), {counts['contacts']} contact(s), {counts['releases']} release(s)."
        )
        self._invite(new_logins, print_only=print_invitations)

    def _invite(self, new_logins: list[tuple[Any, str]], *, print_only: bool) -> None:
        for login, address in new_logins:
            name = login.get_username()
            if print_only:
                link = services.invitation_link(login)
                self.stdout.write(f"invitation for {name} <{address}>: {link}")
                continue
            try:
                services.send_invitation(login, to=address)
            except OSError as exc:  # the mail server refused or is away: the link still works
                self.stderr.write(
                    f"{name}: the invitation could not be mailed to {address} ({exc}); send "
                    f"this link yourself: {services.invitation_link(login)}"
                )
            else:
                self.stdout.write(f"invitation mailed to {name} <{address}>")

    def _actor(self, username: str) -> Any:
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not is_manager(user):
            raise CommandError(f"--actor {username}: not a support manager's login.")
        return user
