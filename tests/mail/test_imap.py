"""IMAP intake against a real Dovecot on loopback (started here with a throwaway config)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from imap_tools import AND, MailBoxUnencrypted

from casedesk.cases.models import Case
from casedesk.mail import imap, intake
from casedesk.mail.models import InboundMessage
from casedesk.mail.tokens import make_token
from tests.mail.conftest import DOMAIN, free_port, make_mail

pytestmark = pytest.mark.django_db(transaction=True)

USER, PASSWORD = "support", "imap-secret"


def _dovecot_conf(root: Path, port: int) -> str:
    owner = _mail_owner()
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {owner.pw_name}
default_login_user = {"dovenull" if os.getuid() == 0 else owner.pw_name}
first_valid_uid = 0
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={owner.pw_uid} gid={owner.pw_gid} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


def _mail_owner() -> pwd.struct_passwd:
    # Dovecot never reads mail as root: as root it uses its own user, unprivileged the caller.
    return pwd.getpwnam("dovecot") if os.getuid() == 0 else pwd.getpwuid(os.getuid())


def _wait_for(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text() if log.exists() else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("dovecot did not start listening within 10 s")


@pytest.fixture(scope="module")
def dovecot() -> Iterator[imap.ImapConfig]:
    binary = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/sbin")
    if binary is None:
        reason = "dovecot is not installed (apt-get install -y dovecot-imapd; ./dev test does it)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)
    # Not under pytest's tmp_path: its parents are private to root, and Dovecot's own user
    # must reach the maildir.
    root = Path(tempfile.mkdtemp(prefix="casedesk-dovecot-"))
    root.chmod(0o755)
    owner = _mail_owner()
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir()
        if sub in ("mail", "home"):
            os.chown(root / sub, owner.pw_uid, owner.pw_gid)
    port = free_port()
    conf = root / "dovecot.conf"
    conf.write_text(_dovecot_conf(root, port))
    proc = subprocess.Popen([binary, "-F", "-c", str(conf)], stderr=subprocess.PIPE)
    try:
        _wait_for(port, proc, root / "dovecot.log")
        yield imap.ImapConfig(host="127.0.0.1", port=port, user=USER, password=PASSWORD, ssl=False)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mailbox(dovecot: imap.ImapConfig) -> Iterator[MailBoxUnencrypted]:
    box = MailBoxUnencrypted(dovecot.host, dovecot.port).login(USER, PASSWORD)
    try:
        for folder in ("INBOX", "Done"):
            if not box.folder.exists(folder):
                box.folder.create(folder)
            box.folder.set(folder)
            box.delete(box.uids())  # each test starts with empty folders
        box.folder.set("INBOX")
        yield box
    finally:
        box.logout()


@pytest.fixture
def ready(world: Any, mail_settings: Any, pinned_now: Any, dovecot: imap.ImapConfig) -> Any:
    mail_settings.CASEDESK_IMAP_HOST = dovecot.host
    mail_settings.CASEDESK_IMAP_PORT = dovecot.port
    mail_settings.CASEDESK_IMAP_USER = USER
    mail_settings.CASEDESK_IMAP_PASSWORD = PASSWORD
    mail_settings.CASEDESK_IMAP_SSL = False
    return world


def unseen(box: MailBoxUnencrypted) -> int:
    box.folder.set("INBOX")  # re-select: see flags that another session changed
    return len(box.uids(AND(seen=False)))


def test_it_turns_unseen_mail_into_cases_and_flags_it_seen(
    ready: Any, mailbox: MailBoxUnencrypted
) -> None:
    mailbox.append(make_mail(subject="Sev 3: over IMAP"), "INBOX")
    mailbox.append(make_mail(sender="who@nowhere.example", subject="stranger"), "INBOX")
    result = imap.fetch_once()
    assert (result.accepted, result.left) == (2, 0)
    case = Case.objects.get()
    assert (case.subject, case.channel, case.severity, case.requested_severity) == (
        "Sev 3: over IMAP",
        "email",
        4,
        3,
    )
    sources = set(InboundMessage.objects.values_list("source", "status"))
    assert sources == {("imap", "processed"), ("imap", "held_unverified")}
    assert unseen(mailbox) == 0
    assert imap.fetch_once().accepted == 0  # seen messages are not read again


def test_it_acknowledges_imap_mail_since_the_envelope_is_unknown_not_null(
    ready: Any, mailbox: MailBoxUnencrypted
) -> None:
    from django.core import mail

    mailbox.append(make_mail(subject="ack me"), "INBOX")
    imap.fetch_once()
    assert [m.to for m in mail.outbox] == [["alice@acme.example"]]


def test_the_return_path_reaches_intake_as_the_envelope_sender(
    ready: Any, mailbox: MailBoxUnencrypted
) -> None:
    from django.core import mail

    mailbox.append(b"Return-Path: <alice@acme.example>\r\n" + make_mail(subject="one"), "INBOX")
    mailbox.append(b"Return-Path: <>\r\n" + make_mail(subject="Undelivered Mail"), "INBOX")
    assert imap.fetch_once().accepted == 2
    stored = InboundMessage.objects.order_by("pk").values_list("envelope_from", "status")
    assert list(stored) == [("alice@acme.example", "processed"), ("", "held_unverified")]
    assert Case.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["alice@acme.example"]]  # the first one's ack only


def test_it_reads_the_return_path() -> None:
    raw = make_mail()
    assert imap.return_path(raw) is None
    assert imap.return_path(b"Return-Path: <>\r\n" + raw) == ""
    assert imap.return_path(b"Return-Path: <b@x.example>\r\n" + raw) == "b@x.example"
    assert imap.return_path(b"Return-Path:  < >\r\n" + raw) == ""
    assert imap.return_path(b"Return-Path: garbage\r\n" + raw) is None


def test_it_threads_by_the_delivered_to_reply_address(
    ready: Any, mailbox: MailBoxUnencrypted
) -> None:
    mailbox.append(make_mail(subject="first"), "INBOX")
    imap.fetch_once()
    case = Case.objects.get()
    token_address = f"support+{make_token(case.id)}@{DOMAIN}"
    raw = make_mail(subject="no number", to=f"support@{DOMAIN}")
    mailbox.append(f"Delivered-To: {token_address}\r\n".encode() + raw, "INBOX")
    imap.fetch_once()
    assert case.events.filter(kind="customer_replied").count() == 1


def test_a_failure_leaves_the_message_unseen_for_the_next_run(
    ready: Any, mailbox: MailBoxUnencrypted
) -> None:
    mailbox.append(make_mail(subject="one"), "INBOX")
    mailbox.append(make_mail(subject="two"), "INBOX")
    calls: list[str] = []

    def flaky(raw: bytes, **kwargs: Any) -> str:
        calls.append("x")
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return intake.accept(raw, **kwargs)

    first = imap.fetch_once(accept=flaky)
    assert (first.accepted, first.left, unseen(mailbox)) == (1, 1, 1)
    second = imap.fetch_once()
    assert (second.accepted, second.left, unseen(mailbox)) == (1, 0, 0)
    assert Case.objects.count() == 2


def test_a_temporary_refusal_leaves_it_unseen_and_a_redelivery_is_not_doubled(
    ready: Any, mailbox: MailBoxUnencrypted
) -> None:
    mailbox.append(make_mail(subject="retry me"), "INBOX")
    assert imap.fetch_once(accept=lambda raw, **kw: intake.REPLY_RETRY).left == 1
    # Committed but the flag was lost (a crash between): the next run does not double it.
    committed = imap.fetch_once(accept=lambda raw, **kw: intake.accept(raw, **kw) and "451 x")
    assert committed.left == 1
    assert imap.fetch_once().replies == ["250 OK: already have it"]
    assert (Case.objects.count(), unseen(mailbox)) == (1, 0)


def test_the_command_moves_accepted_mail_when_asked(
    ready: Any, mailbox: MailBoxUnencrypted, capsys: Any
) -> None:
    mailbox.append(make_mail(subject="move me"), "INBOX")
    call_command("fetchmail", "--move-to", "Done")
    assert capsys.readouterr().out == "fetchmail: 1 accepted, 0 left for the next run\n"
    mailbox.folder.set("INBOX")
    assert mailbox.uids() == []
    mailbox.folder.set("Done")
    assert len(mailbox.uids()) == 1


def test_the_command_says_what_to_check_when_the_server_is_unreachable(
    ready: Any, mail_settings: Any
) -> None:
    mail_settings.CASEDESK_IMAP_PASSWORD = "wrong"
    with pytest.raises(CommandError) as caught:
        call_command("fetchmail")
    message = str(caught.value)
    assert message.startswith(f"Cannot read INBOX from the IMAP server at 127.0.0.1:{ready_port()}")
    assert message.endswith("check CASEDESK_IMAP_HOST, _PORT, _SSL, _USER and _PASSWORD.")


def ready_port() -> int:
    from django.conf import settings

    return int(settings.CASEDESK_IMAP_PORT)


def test_the_worker_fetches_mail_when_imap_is_configured(
    ready: Any, mailbox: MailBoxUnencrypted
) -> None:
    from io import StringIO

    from casedesk.watch.management.commands.worker import Command

    mailbox.append(make_mail(subject="via the worker"), "INBOX")
    command = Command(stdout=StringIO(), stderr=StringIO())
    command.handle_one_fetch()
    assert Case.objects.get().subject == "via the worker"
    assert "fetched 1 message(s), 0 left for later" in command.stdout.getvalue()


def test_the_worker_reports_an_unreachable_mailbox_and_goes_on(ready: Any, settings: Any) -> None:
    from io import StringIO

    from casedesk.watch.management.commands.worker import Command

    settings.CASEDESK_IMAP_PORT = 1  # nothing listens there
    command = Command(stdout=StringIO(), stderr=StringIO())
    command.handle_one_fetch()
    assert "IMAP fetch failed" in command.stderr.getvalue()
    assert "retrying later" in command.stderr.getvalue()
