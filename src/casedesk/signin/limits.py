"""Failure limits for passwords, password-reset mail and API tokens, counted in the database.

Why the database and not the cache: the default cache is a per-machine file cache whose
read-modify-write is not atomic across server processes, and a Redis cache is optional. The
database is the one store every process shares, on SQLite and PostgreSQL alike; one conditional
UPDATE ... SET count = count + 1 makes each increment atomic. (django-axes was considered: it
checks the limit before authenticating and counts after, so N concurrent guesses are all
evaluated; and it has no per-account "slow, don't lock" tier.)

A sign-in attempt is charged *before* the password is checked, so of 32 concurrent wrong
passwords at most the limit are evaluated; a refused attempt is refunded (it was not evaluated).
Counters (each a fixed window from its first attempt):
- account + address: 5 attempts in 15 minutes, then that address is locked out of that account;
- address: 30 attempts in 15 minutes across all accounts (one machine guessing many logins);
- account, all addresses: past 20 attempts in 15 minutes the account is slowed, not locked, to
  one attempt every 30 seconds, and its owner gets one mail saying so. Guessing from many
  addresses then cannot lock the owner out for more than half a minute at a time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import math
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.http import HttpRequest

from casedesk.lib import clock

from .models import AttemptCounter


@dataclass(frozen=True)
class Limit:
    scope: str
    attempts: int
    window: dt.timedelta


MINUTES_15 = dt.timedelta(minutes=15)
LOGIN_PAIR = Limit("login:pair", 5, MINUTES_15)
LOGIN_ADDRESS = Limit("login:address", 30, MINUTES_15)
LOGIN_ACCOUNT = Limit("login:account", 20, MINUTES_15)
LOGIN_PACE = Limit("login:pace", 1, dt.timedelta(seconds=30))
RESET_ACCOUNT = Limit("reset:account", 3, dt.timedelta(hours=1))
RESET_ADDRESS = Limit("reset:address", 10, dt.timedelta(hours=1))
TOKEN_ADDRESS = Limit("token:address", 10, MINUTES_15)
ALL_LIMITS = (
    LOGIN_PAIR,
    LOGIN_ADDRESS,
    LOGIN_ACCOUNT,
    LOGIN_PACE,
    RESET_ACCOUNT,
    RESET_ADDRESS,
    TOKEN_ADDRESS,
)


class Refused(Exception):
    """Too many attempts; `message` says what to do and `retry_after` is in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def normalise_username(raw: str) -> str:
    """The username as sign-in compares it: AuthenticationForm's UsernameField strips and applies
    NFKC; ModelBackend then matches it exactly, so case is kept ("Alice" is another login)."""
    return unicodedata.normalize("NFKC", (raw or "").strip())


def normalise_email(raw: str) -> str:
    """Password reset finds logins by e-mail ignoring case, so the limit does too."""
    return unicodedata.normalize("NFKC", (raw or "").strip()).casefold()


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the configured trusted proxy's header.

    With a header such as X-Forwarded-For the right-most entry is the one the trusted proxy
    added; entries left of it come from the client and can be anything. IPv6 addresses count
    per /64, the block one machine usually has."""
    header = settings.CASEDESK_TRUSTED_PROXY_HEADER
    raw = request.headers.get(header, "") if header else ""
    value = raw.split(",")[-1].strip() if raw.strip() else request.META.get("REMOTE_ADDR", "")
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return value[:100] or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _key(limit: Limit, *parts: str) -> str:
    joined = "\x1f".join(parts).encode("utf-8", "surrogatepass")  # any text a client can send
    return f"{limit.scope}:{hashlib.sha256(joined).hexdigest()[:40]}"


def charge(key: str, window: dt.timedelta, at: dt.datetime) -> tuple[int, dt.datetime]:
    """Count one attempt atomically; return the count including it and its window's start.

    One UPDATE adds 1, or restarts at 1 when the window has passed; both SET expressions read the
    old row, so concurrent callers each get a distinct count."""
    fresh = Q(window_start__gt=at - window)
    with transaction.atomic():
        for _ in range(3):
            updated = AttemptCounter.objects.filter(key=key).update(
                count=Case(When(fresh, then=F("count") + 1), default=Value(1)),
                window_start=Case(When(fresh, then=F("window_start")), default=Value(at)),
            )
            if updated:
                # This transaction holds the row lock (PostgreSQL) or the write lock (SQLite).
                return AttemptCounter.objects.values_list("count", "window_start").get(key=key)
            try:
                with transaction.atomic():
                    AttemptCounter.objects.create(key=key, count=1, window_start=at)
                break
            except IntegrityError:
                continue  # another request created the row first: count on it
        else:
            raise RuntimeError(f"could not count an attempt on {key}")
    # A new key is rare enough to tidy up beside it; in its own statement, holding no other lock.
    forget_expired(at)
    return 1, at


def refund(key: str) -> None:
    AttemptCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


def clear(key: str) -> None:
    AttemptCounter.objects.filter(key=key).delete()


def current(key: str, window: dt.timedelta, at: dt.datetime) -> tuple[int, dt.datetime | None]:
    row = (
        AttemptCounter.objects.filter(key=key, window_start__gt=at - window)
        .values_list("count", "window_start")
        .first()
    )
    return row if row else (0, None)


def forget_expired(at: dt.datetime | None = None) -> int:
    """Delete counters whose window has passed (the longest window is an hour)."""
    cutoff = (at or clock.now()) - max(limit.window for limit in ALL_LIMITS)
    return AttemptCounter.objects.filter(window_start__lt=cutoff).delete()[0]


def _wait(window_start: dt.datetime, window: dt.timedelta, at: dt.datetime) -> int:
    return max(1, math.ceil((window_start + window - at).total_seconds()))


def _seconds(seconds: int) -> str:
    return "1 second" if seconds == 1 else f"{seconds} seconds"


def _in_minutes(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


@dataclass
class Charges:
    """The counters one attempt was charged to, so a refusal can give them back."""

    at: dt.datetime
    keys: list[str] = field(default_factory=list)

    def add(self, limit: Limit, key: str) -> tuple[bool, int]:
        """Charge `key`; (within the limit?, seconds until its window ends)."""
        count, start = charge(key, limit.window, self.at)
        self.keys.append(key)
        return count <= limit.attempts, _wait(start, limit.window, self.at)

    def refund_all(self) -> None:
        for key in self.keys:
            refund(key)
        self.keys.clear()


@dataclass
class SignInAttempt:
    pair_key: str
    address_key: str
    account_key: str
    slowed: bool  # the account passed its all-addresses limit with this attempt

    def succeeded(self) -> None:
        clear(self.pair_key)
        clear(self.account_key)
        refund(self.address_key)  # an office behind one address signs in all day


def begin_sign_in(username: str, address: str) -> SignInAttempt:
    """Charge a password attempt to its counters, or raise Refused before any password check."""
    charges = Charges(clock.now())
    address_key = _key(LOGIN_ADDRESS, address)
    ok, wait = charges.add(LOGIN_ADDRESS, address_key)
    if not ok:
        charges.refund_all()
        raise Refused(
            f"Too many failed sign-ins from your address; try again in {_in_minutes(wait)}.",
            wait,
        )
    pair_key = _key(LOGIN_PAIR, username, address)
    ok, wait = charges.add(LOGIN_PAIR, pair_key)
    if not ok:
        charges.refund_all()
        raise Refused(
            "Too many failed sign-ins for this account; try again in "
            f"{_in_minutes(wait)} or reset your password.",
            wait,
        )
    account_key = _key(LOGIN_ACCOUNT, username)
    count, _ = charge(account_key, LOGIN_ACCOUNT.window, charges.at)
    charges.keys.append(account_key)
    if count > LOGIN_ACCOUNT.attempts:
        ok, wait = charges.add(LOGIN_PACE, _key(LOGIN_PACE, username))
        if not ok:
            charges.keys.pop()  # the pace counter keeps its charge: it measures time
            charges.refund_all()
            raise Refused(
                "This account has had many failed sign-ins from several addresses, so it takes "
                f"one attempt every 30 seconds; try again in {_seconds(wait)} or reset your "
                "password.",
                wait,
            )
    # Exactly one attempt sees the count step over the limit: it sends the one mail.
    slowed = count == LOGIN_ACCOUNT.attempts + 1
    return SignInAttempt(pair_key, address_key, account_key, slowed)


def begin_password_reset(email: str, address: str) -> None:
    """Count a password-reset request (each may send a mail), or raise Refused."""
    charges = Charges(clock.now())
    ok, wait = charges.add(RESET_ADDRESS, _key(RESET_ADDRESS, address))
    if ok:
        ok, wait = charges.add(RESET_ACCOUNT, _key(RESET_ACCOUNT, normalise_email(email)))
    if not ok:
        charges.refund_all()
        raise Refused(
            "Too many password-reset requests; try again in "
            f"{_in_minutes(wait)}. If a link was sent, it is still valid.",
            wait,
        )


def token_failed(address: str) -> None:
    """Count a wrong API token from `address`; past the limit, raise Refused (and count no more).

    Only wrong tokens are limited: a valid token is a different account from the garbage sent
    beside it, so an office's one broken script cannot lock its colleagues' scripts out (there is
    no account to pair the address with, as sign-in does), and the valid path stays one query. A
    256-bit token cannot be guessed in any number of tries; the limit stops hammering."""
    at = clock.now()
    key = _key(TOKEN_ADDRESS, address)
    count, start = current(key, TOKEN_ADDRESS.window, at)
    if count >= TOKEN_ADDRESS.attempts and start is not None:
        wait = _wait(start, TOKEN_ADDRESS.window, at)
        raise Refused(
            "Too many requests with a wrong API token from your address; try again in "
            f"{_in_minutes(wait)} with a valid token (create one at /api/tokens/).",
            wait,
        )
    charge(key, TOKEN_ADDRESS.window, at)
