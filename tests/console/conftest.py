"""Console tests: an engineer's client, and cases opened at fixed times through the services."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from html import unescape
from zoneinfo import ZoneInfo

import pytest

from casedesk.cases import services as cs
from casedesk.lib import clock

PT = ZoneInfo("America/Los_Angeles")


def pt(*args: int) -> dt.datetime:
    """An instant given as Pacific wall time, returned in UTC."""
    return dt.datetime(*args, tzinfo=PT).astimezone(dt.UTC)


# Monday 23 Nov 2026, 10:00 PT: a business day inside every test subscription's term.
NOW = pt(2026, 11, 23, 10, 0)


@pytest.fixture
def now() -> Iterator[dt.datetime]:
    with clock.pinned(NOW):
        yield NOW


@pytest.fixture
def agent_client(client, world, now):  # type: ignore[no-untyped-def]
    client.force_login(world.agent)
    return client


def open_case(contact, *, minutes_ago: int = 0, **kwargs):  # type: ignore[no-untyped-def]
    """A web case received `minutes_ago` before NOW (Severity 3 unless changed)."""
    kwargs.setdefault("channel", "web")
    kwargs.setdefault("subject", "Something is slow")
    at = NOW - dt.timedelta(minutes=minutes_ago)
    with clock.pinned(at):
        return cs.open_case(contact, received_at=at, **kwargs)


def field_errors(response, form: str, field: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The messages rendered in the error list right under one field of one form."""
    html = response.content.decode()
    match = re.search(rf'<ul class="errorlist" id="{form}-{field}-errors">(.*?)</ul>', html, re.S)
    if match is None:
        return []
    return [unescape(m) for m in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


def form_errors(response, form: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The messages rendered at the top of one form (not tied to a field)."""
    html = response.content.decode()
    match = re.search(
        rf'<form[^>]* id="{form}"[^>]*>.*?<ul class="errorlist">(.*?)</ul>', html, re.S
    )
    if match is None:
        return []
    return [unescape(m) for m in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


def typed(response, element_id: str) -> str:  # type: ignore[no-untyped-def]
    """What a textarea or text input shows: the text the engineer typed survives a refusal."""
    html = response.content.decode()
    area = re.search(rf'<textarea[^>]* id="{element_id}"[^>]*>\n?(.*?)</textarea>', html, re.S)
    if area:
        return unescape(area.group(1))
    tag = re.search(rf'<input[^>]* id="{element_id}"[^>]*>', html)
    assert tag, f"no field #{element_id}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return unescape(value.group(1)) if value else ""


def selected(response, element_id: str) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    select = re.search(rf'<select[^>]* id="{element_id}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select #{element_id}"
    option = re.search(r'<option value="([^"]*)" selected>', select.group(1))
    return option.group(1) if option else ""
