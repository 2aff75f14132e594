"""Every page of the URLconf, as every role, with each hostile value in its path parameters,
its query string and its form fields: never a 5xx (issue 13)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve

from .conftest import ROLES, Target, page_client
from .forms import Form, forms_of
from .inputs import HOSTILE, QUERY_NAMES, Route, form_body, routes
from .probe import Probe

pytestmark = pytest.mark.django_db

FIELD_NAME = re.compile(rb'name="([\w\-]+)"')
LINK = re.compile(rb'href="([^"]*\?[^"]*)"')
GET_FORM = re.compile(rb'<form(?![^>]*method="post")[^>]*>(.*?)</form>', re.S | re.I)
# Signing out would turn the rest of the run anonymous; anonymous already covers these pages.
SESSION_ENDING = ("logout",)
# Forms whose unchanged submission ends the session or deletes what later requests need.
DESTRUCTIVE = ("logout", "/delete/", "password_change", "/password/")
# In a URL, a lone surrogate arrives as invalid UTF-8 and Django reads U+FFFD; only JSON text
# can carry one (tests/hostile/test_api.py). Dates matter in query strings, not in paths.
IN_PATHS = ("non-ASCII digit", "past 64 bits", "NUL byte")
IN_QUERIES = ("non-ASCII digit", "past 64 bits", "NUL byte", "far future", "far past")


def _names(html: bytes) -> tuple[set[str], set[str]]:
    """(every name the page's forms send, the names its GET forms and links put in its query
    strings: what the views behind it read from the query string)."""
    fields = {n.decode() for n in FIELD_NAME.findall(html)} - {"csrfmiddlewaretoken"}
    query = {n.decode() for form in GET_FORM.findall(html) for n in FIELD_NAME.findall(form)}
    for link in LINK.findall(html):
        query.update(k for k, _ in parse_qsl(urlsplit(unescape(link.decode())).query))
    return fields, query


def _visit(
    probe: Probe, all_routes: list[Route], fillers: dict[str, str]
) -> tuple[dict[str, tuple[set[str], set[str]]], set[str]]:
    """Every page once as is: each page's names (pages this role opens), and the routes that
    take only POST."""
    found: dict[str, tuple[set[str], set[str]]] = {}
    post_only = set()
    for route in all_routes:
        url = route.url({**fillers, **route.choices})
        response = probe.send("as is", "GET", url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            found[route.template] = _names(response.content)
            for form in forms_of(response.content.decode()):
                if form.method == "post":
                    form.action = urljoin(url, form.action or url)
                    probe.forms.setdefault((form.action, *sorted(form.fields)), form)
        # A form action redirects a GET to its page (casedesk.lib.prg) or answers 405.
        if response.status_code == 405 or _takes_only_post(url):
            post_only.add(route.template)
    return found, post_only


def _takes_only_post(url: str) -> bool:
    try:
        return hasattr(resolve(urlsplit(url).path).func, "post_only_target")
    except Resolver404:
        return False


def _classes(index: int, route: Route, names: tuple[str, ...]) -> list[str]:
    """Every class for casedesk's pages. The admin repeats Django's views once per model, so
    each admin route gets two classes in turn: every class still meets every kind of admin page."""
    if route.template.startswith("/admin/"):
        return [names[index % len(names)], names[(index + 1) % len(names)]]
    return list(names)


def _attack(
    probe: Probe, index: int, route: Route, fillers: dict[str, str], names: set[str], post: bool
) -> None:
    """Path parameters (POST where the view takes only POST), then every name at once in the
    query string and the form: code that reads parameters one by one meets all of them."""
    base = {**fillers, **route.choices}
    url = route.url(base)
    for what in _classes(index, route, IN_PATHS):
        for param in route.params:
            probe.send(
                f"{param}={what}",
                "POST" if post else "GET",
                route.url({**base, param: HOSTILE[what]}),
            )
    for what in _classes(index, route, IN_QUERIES):
        fields = form_body({name: HOSTILE[what] for name in names})
        probe.send(f"query {what}", "GET", f"{url}?{fields}")
        if not any(s in route.name for s in SESSION_ENDING):
            probe.send(f"form {what}", "POST", url, fields)


def _one_by_one(probe: Probe, route: Route, fillers: dict[str, str], names: set[str]) -> None:
    """A form refuses the lot at its first bad field, so the names the page reads from its
    query string also go one at a time."""
    url = route.url({**fillers, **route.choices})
    for name in sorted(names):
        for what in IN_QUERIES:
            probe.send(f"{name}={what}", "GET", f"{url}?{form_body({name: HOSTILE[what]})}")


def _fill_in(probe: Probe, index: int, form: Form) -> None:
    """A form as a person sends it, one field at a time holding a hostile value: the other
    fields are valid, so the hostile one reaches the form's checks and the service behind."""
    route = Route(form.action, "", {})
    for n, name in enumerate(sorted(form.fields)):
        for what in _classes(index + n, route, IN_QUERIES):
            fields = {**form.fields, name: HOSTILE[what]}
            probe.send(f"form {name}={what}", "POST", form.action, form_body(fields))


def _mine(role: str, route: Route) -> bool:
    """The manager attacks the admin; the console's pages are the engineer's, attacked there."""
    return route.template.startswith("/admin/") == (role == "manager") or role == "anonymous"


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_every_page_without_a_5xx(role: str, world: Any, target: Target) -> None:
    probe = Probe(page_client(world, role))
    fillers = target.fillers()
    all_routes = [r for r in routes() if _mine(role, r)]
    own, post_only = _visit(probe, all_routes, fillers)
    everyone = set(QUERY_NAMES).union(*(fields | query for fields, query in own.values()))
    for index, route in enumerate(all_routes):
        _attack(probe, index, route, fillers, everyone, route.template in post_only)
        if route.template in own and not route.template.startswith("/admin/"):
            _one_by_one(probe, route, fillers, own[route.template][1])
    for index, form in enumerate(probe.forms.values()):
        if not any(word in form.action for word in DESTRUCTIVE):
            _fill_in(probe, index, form)
    assert not probe.failures, probe.report()
    assert probe.sent > 200  # the walk found the URLconf, not an empty list


def test_a_report_date_past_the_calendar_is_cut_to_the_data_with_a_note(world, target) -> None:
    client = page_client(world, "engineer")
    for query in ("from=2026-01-01&to=9999-12-31", "from=0001-01-01&to=2026-12-31"):
        response = client.get(f"/console/reports/?{query}")
        assert response.status_code == 200
        assert "the span of the data; you asked for" in response.content.decode()
    # Wholly outside the data nothing is cut: the calendar's bounds still hold.
    response = client.get("/console/reports/?from=0001-01-01&to=0001-12-31")
    assert "Pick dates from 1970-01-01 to 2999-12-31." in response.content.decode()


def test_a_report_over_ten_years_is_refused_with_a_note(world, target) -> None:
    client = page_client(world, "engineer")
    response = client.get("/console/reports/?from=1971-01-01&to=1985-01-01")
    assert "Pick at most 10 years from “From” to “To”." in response.content.decode()


def test_nul_in_a_query_string_is_a_400_page_saying_so(world, target) -> None:
    response = page_client(world, "contact").get("/portal/?q=a%00b")
    assert response.status_code == 400
    assert "The query parameter &#x27;q&#x27; contains a NUL character" in response.content.decode()


def test_nul_in_a_form_field_is_refused_next_to_the_field(world, target) -> None:
    client = page_client(world, "contact")
    data = {"severity": "2", "reason": "down\x00"}
    response = client.post(f"/portal/cases/{target.ref}/severity/", data)
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()


@pytest.mark.parametrize("ref", ["²", str(2**64), "CASE-²"])
def test_a_case_reference_no_case_can_have_is_a_404_page(world, target, ref: str) -> None:
    assert page_client(world, "contact").get(f"/portal/cases/{ref}/").status_code == 404
    assert page_client(world, "engineer").get(f"/console/cases/{ref}/").status_code == 404
