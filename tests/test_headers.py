"""Every page carries a Content-Security-Policy that allows no inline script and no third-party
origin, and a Permissions-Policy; no page holds an inline script, event handler or style for that
policy to block. Pages and API answers with customer data are never kept by a cache.

The pages are read from the URLconf at run time (the admin's too), so a new page is covered
without touching this file. Each is fetched as a stranger, a contact, an engineer and a manager.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from casedesk.api.tokens import create_token
from casedesk.cases import services as cs

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parent.parent / "src" / "casedesk"
PLACEHOLDER = re.compile(r"<(?:\w+:)?(\w+)>")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
# <script> elements that hold data, not code: the browser never runs them (Swagger UI's settings).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    """Every path()-style route; the admin's two regex catch-alls have no page of their own."""
    for p in patterns:
        if not isinstance(p.pattern, RoutePattern):
            continue
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _paths(values: dict[str, str]) -> list[str]:
    routes = sorted(set(_routes(get_resolver().url_patterns)))
    assert len(routes) > 100, "the URLconf walk found too few routes"
    return ["/" + PLACEHOLDER.sub(lambda m: values.get(m.group(1), "1"), r) for r in routes]


def policy(response: Any) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = (part.split() for part in header.split(";") if part.strip())
    return {d[0]: d[1:] for d in directives}


class _Inline(HTMLParser):
    """Collects what a strict policy would block: inline scripts, handlers, styles."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        data_block = (named.get("type") or "").lower() in DATA_SCRIPT_TYPES
        if tag == "script" and not named.get("src") and not data_block:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name == "style":
                self.found.append(f"<{tag} style=...>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:...>")


def inline_code(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    return parser.found


def assert_strict_policy(path: str, response: Any) -> None:
    csp = policy(response)
    assert csp, f"{path}: no Content-Security-Policy"
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts == ["'self'"], f"{path}: script-src {scripts}"
    for directive, sources in csp.items():
        for source in sources:
            assert source in ("'self'", "'none'", "data:"), f"{path}: {directive} {source}"
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "camera=()" in response.get("Permissions-Policy", ""), f"{path}: Permissions-Policy"


@pytest.fixture
def case(world: Any, settings: Any, tmp_path: Path) -> Any:
    """Alice's case with a public screenshot and an internal note, so case pages are full."""
    settings.MEDIA_ROOT = tmp_path
    case = cs.open_case(
        world.alice,
        channel="web",
        subject="Scheduler stuck",
        attachments=[("screen.png", "image/png", PNG)],
    )
    cs.add_note(world.agent, case, "Looks like the leader election again.")
    cs.respond(world.agent, case, "Please send the scheduler log.")
    return case


PERSONAS = {
    "stranger": lambda w: None,
    "contact": lambda w: w.alice.user,
    "engineer": lambda w: w.agent,
    "manager": lambda w: w.manager,
}
# Pages each persona must actually see (200), so the walk cannot pass on redirects alone.
MUST_SEE = {
    "stranger": ["/login/", "/password-reset/", "/api/docs"],
    "contact": ["/portal/", "/portal/new/", "/portal/cases/{ref}/", "/portal/subscription/"],
    "engineer": ["/console/", "/console/cases/{ref}/", "/console/customers/acme/"],
    "manager": ["/console/reports/", "/admin/", "/admin/customers/customer/"],
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_has_a_strict_csp_and_no_inline_code(persona: str, world: Any, case: Any):
    client = Client(raise_request_exception=False)
    user = PERSONAS[persona](world)
    if user is not None:
        client.force_login(user)
    values = {
        "ref": case.tracking_number,
        "slug": "acme",
        "pk": str(case.attachments.get().pk),
        "uidb64": "MQ",
        "token": "set-password",
    }
    seen = []
    for path in _paths(values):
        response = client.get(path)
        if not response["Content-Type"].startswith("text/html"):
            continue
        assert_strict_policy(path, response)
        if response.status_code == 200:
            seen.append(path)
            assert inline_code(response.content.decode()) == [], path
    wanted = {p.format(ref=case.tracking_number) for p in MUST_SEE[persona]}
    assert wanted <= set(seen)


def test_no_template_holds_inline_script_handlers_or_styles():
    """Templates a walk may not render fully (error branches, mail pages) are read as text."""
    found = {}
    for template in SRC.glob("*/templates/**/*.html"):
        inline = inline_code(template.read_text())
        if inline:
            found[str(template.relative_to(SRC))] = inline
    assert found == {}


def test_an_injected_inline_script_would_be_blocked():
    """The policy the browser enforces, read back: no 'unsafe-inline' or nonce opens a hole."""
    response = Client().get("/login/")
    csp = policy(response)
    assert "'unsafe-inline'" not in csp["script-src"] + csp["style-src"]
    assert "'unsafe-eval'" not in csp["script-src"]


def test_case_pages_files_and_api_data_are_never_stored(world: Any, case: Any):
    file_id = case.attachments.get().pk
    contact = Client()
    contact.force_login(world.alice.user)
    engineer = Client()
    engineer.force_login(world.agent)
    _, token = create_token(world.alice.user, "headers test")
    bearer = {"Authorization": f"Bearer {token}"}
    ref = case.tracking_number
    answers = {
        "portal case page": contact.get(f"/portal/cases/{ref}/"),
        "portal case list": contact.get("/portal/"),
        "portal file": contact.get(f"/portal/files/{file_id}/"),
        "console case page": engineer.get(f"/console/cases/{ref}/"),
        "console queue": engineer.get("/console/"),
        "console file": engineer.get(f"/console/files/{file_id}"),
        "API case": Client().get(f"/api/cases/{ref}", headers=bearer),
        "API case list": Client().get("/api/cases", headers=bearer),
        "API file": Client().get(f"/api/cases/{ref}/attachments/{file_id}", headers=bearer),
        "API with the session": contact.get(f"/api/cases/{ref}"),
    }
    for name, response in answers.items():
        assert response.status_code == 200, name
        assert "no-store" in response["Cache-Control"], name


def test_static_files_stay_cacheable(world: Any):
    client = Client()
    client.force_login(world.agent)
    response = client.get("/static/casedesk/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age=0" not in response.get("Cache-Control", "")
