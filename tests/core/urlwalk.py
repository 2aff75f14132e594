"""Every URL pattern of the site's own pages, with sample values for its parameters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

# Not ours to brand: the admin and the WebAuthn endpoints; the JSON API (Ninja) is skipped
# below by its views' module (its errors have their own shape).
SKIPPED = ("admin/", "webauthn/")


@dataclass(frozen=True)
class Page:
    route: str  # e.g. "portal/cases/<str:ref>/reply/"
    view: Callable[..., Any]

    def url(self, values: dict[str, str]) -> str:
        path = self.route
        for part in path.split("<")[1:]:
            spec = part.split(">")[0]
            name = spec.split(":")[-1]
            path = path.replace(f"<{spec}>", values.get(name, "1"))
        return "/" + path


def pages() -> Iterator[Page]:
    def walk(patterns: list[Any], prefix: str) -> Iterator[Page]:
        for p in patterns:
            route = prefix + str(p.pattern)
            if route.startswith(SKIPPED):
                continue
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and not p.callback.__module__.startswith("ninja"):
                yield Page(route, p.callback)

    yield from walk(get_resolver().url_patterns, "")
