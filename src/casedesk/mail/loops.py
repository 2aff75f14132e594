"""Mail-loop protection: when casedesk must not answer a message automatically."""

from __future__ import annotations

from collections.abc import Iterable

from casedesk.mail.parse import ParsedMessage


def should_auto_reply(
    parsed: ParsedMessage, own_addresses: Iterable[str], *, envelope_from: str | None = None
) -> bool:
    """False for machine-sent mail (RFC 3834 signals, lists, bounces) and for our own addresses.

    `envelope_from` is the SMTP MAIL FROM; "" (the null sender "<>") marks a bounce. None means
    the envelope is unknown (IMAP) and is not held against the message.
    """
    if parsed.loop_signals or is_null_sender(envelope_from):
        return False
    sender = parsed.from_address
    if not sender:
        return False
    own = {a.strip().lower() for a in own_addresses}
    own_domains = {a.lstrip("@") for a in own if a.startswith("@")}
    local, _, domain = sender.partition("@")
    # support+token@ and support@ are the same mailbox.
    base = f"{local.partition('+')[0]}@{domain}"
    return sender not in own and base not in own and domain not in own_domains


def is_null_sender(envelope_from: str | None) -> bool:
    """The null reverse-path, MAIL FROM:<> (or Return-Path: <>), of bounces and delivery status
    notifications: RFC 5321 4.5.5 forbids answering it. None (envelope unknown) is not."""
    return envelope_from is not None and not envelope_from.strip("<> ")
