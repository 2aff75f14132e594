"""No internal key reaches a reader: every page of the demo as each role (a bounded crawl that
follows the site's own links), the reports' CSV headers and the mails in the outbox."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from casedesk.core import demo_data
from casedesk.lib import clock
from casedesk.mail import outbox
from casedesk.mail.models import OutboundMessage

from .internal_keys import leaks, visible_text

pytestmark = pytest.mark.django_db

ROLES = ("manager", "ana", "alice", "dana")
MAX_PAGES = 40  # per role: a bounded crawl
PER_SHAPE = 2  # pages of one kind (e.g. case pages) visited per role
NOT_PAGES = (
    "/static/",
    "page=",
    "/logout/",
    "/admin/",
    "/files/",
    "/api/cases",
    "/webauthn/",
    "format=csv",
)
HREF = re.compile(r'href="([^"#]+)')


def _shape(url: str) -> str:
    """Pages that differ only by a number, a tracking number or their filters are one kind."""
    parts = urlsplit(url)
    return re.sub(r"[A-Z]+-\d+|\d+", "N", parts.path) + ("?" if parts.query else "")


def _crawl(client, start: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    seen: dict[str, str] = {}
    shapes: Counter[str] = Counter()
    todo = [start]
    while todo and len(seen) < MAX_PAGES:
        url = todo.pop(0)
        if url in seen or shapes[_shape(url)] >= PER_SHAPE or any(n in url for n in NOT_PAGES):
            continue
        shapes[_shape(url)] += 1
        response = client.get(url, follow=True)
        seen[url] = ""
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        seen[url] = html
        here = response.request["PATH_INFO"]
        for href in HREF.findall(html):
            link = urljoin(here, href.replace("&amp;", "&"))
            if link.startswith("/") and not link.startswith("//"):
                todo.append(link)
    return seen


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The demo's world, seeded once for this module and removed after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        with clock.pinned(clock.now()):
            demo_data.seed(progress=lambda _: None, cases=2)
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_an_internal_key(demo, client, role) -> None:  # type: ignore[no-untyped-def]
    client.force_login(User.objects.get(username=role))
    pages = _crawl(client, "/")
    assert len([html for html in pages.values() if html]) >= 5
    found = [f for url, html in pages.items() for f in leaks(visible_text(html), url)]
    assert found == [], "\n".join(found)


CSV_PAGES = [
    *(f"/console/reports/?by={by}" for by in ("level", "customer", "month")),
    "/console/reports/cases/?",
    "/console/reports/effort/?",
    "/console/reports/resolution/?",
]


@pytest.mark.parametrize("url", CSV_PAGES)
def test_no_csv_header_shows_an_internal_key(demo, client, url) -> None:  # type: ignore[no-untyped-def]
    client.force_login(User.objects.get(username="manager"))
    response = client.get(f"{url}&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    header = next(csv.reader(io.StringIO(body.decode())))
    assert leaks(", ".join(header), url) == []
    assert [cell for cell in header if "_" in cell or cell[:1].islower()] == []


def test_no_mail_shows_an_internal_key(demo) -> None:  # type: ignore[no-untyped-def]
    found = []
    mails = list(OutboundMessage.objects.all())
    assert len(mails) > 10
    for mail in mails:
        body = mail.body or outbox.RENDERERS[(mail.key or "").partition(":")[0]](mail)
        found += leaks(f"{mail.subject}\n{body}", f"mail {mail.kind} #{mail.pk}")
    assert found == [], "\n".join(found)
