"""The hostile inputs of issue 13 and the routes to feed them to, found at run time.

Routes come from the URLconf (includes walked, converters and regex groups filled in) and
operations from the served OpenAPI document, so a new page or endpoint is covered without
touching these tests."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.urls import URLPattern, URLResolver, get_resolver

# Each class must get a 4xx (or an ordinary answer), never a 5xx.
HOSTILE: dict[str, str] = {
    "non-ASCII digit": "²",  # str.isdigit() is true, int() fails
    "past 64 bits": str(2**64 + 1),
    "NUL byte": "1\x00x",  # PostgreSQL refuses NUL in text
    "lone surrogate": "\ud800",  # valid in JSON text as \ud800, not encodable as UTF-8
    "far future": "9999-12-31",
    "far past": "0001-01-01",
}
# Numbers in JSON bodies: the same classes where the schema asks for an integer.
HOSTILE_NUMBERS: dict[str, Any] = {
    "past 64 bits": 2**64 + 1,
    "negative past 64 bits": -(2**64),
    "boolean": True,
    "fraction": 2.5,
    "non-ASCII digit text": "²",
}
# Names the views read from the query string or forms without a form field in the page
# (the page's own field names are read from its HTML at run time).
QUERY_NAMES = (
    "page", "page_size", "q", "show", "status", "severity", "level", "customer", "customer_id",
    "assignee", "requests", "from", "to", "month", "outcome", "by", "format", "new", "next", "o",
    "p", "e", "id__exact", "_changelist_filters",
)  # fmt: skip


def encode(value: str) -> str:
    """Percent-encoded as a client would send it (a lone surrogate as its UTF-8 bytes)."""
    return quote(value, safe="", errors="surrogatepass")


def form_body(fields: dict[str, str]) -> str:
    return "&".join(f"{encode(k)}={encode(v)}" for k, v in fields.items())


def json_text(value: Any) -> str:
    return json.dumps(value)  # ASCII: NUL and lone surrogates become \u0000 and \ud800


# --- the URLconf ---------------------------------------------------------------------------

_PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>([^)]*)\)")


@dataclass
class Route:
    template: str  # "/portal/cases/<ref>/", regex groups rewritten as <name>
    name: str
    choices: dict[str, str]  # a regex group's first alternative, when it lists them

    @property
    def params(self) -> list[str]:
        return re.findall(r"<(\w+)>", self.template)

    def url(self, values: dict[str, str]) -> str:
        return re.sub(r"<(\w+)>", lambda m: encode(values[m.group(1)]), self.template)


def _walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def routes() -> list[Route]:
    found: dict[str, Route] = {}
    for raw, pattern in _walk(get_resolver().url_patterns, "/"):
        choices: dict[str, str] = {}

        def param(m: re.Match[str], choices: dict[str, str] = choices) -> str:
            name = m.group(1) or m.group(2)
            alternatives = (m.group(3) or "").split("|")
            if len(alternatives) > 1 and all(a.isidentifier() for a in alternatives):
                choices[name] = alternatives[0]
            return f"<{name}>"

        template = _PARAM.sub(param, raw).replace("^", "").replace("$", "")
        found.setdefault(template, Route(template, pattern.name or "", choices))
    return list(found.values())


# --- the OpenAPI document ------------------------------------------------------------------


@dataclass
class Operation:
    method: str
    path: str  # "/api/cases/{ref}"
    path_params: list[str]
    query_params: list[str]
    body: dict[str, Any] | None  # resolved JSON schema of the JSON body
    multipart: dict[str, Any] | None  # resolved schema of a multipart body

    def url(self, values: dict[str, str]) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: encode(values[m.group(1)]), self.path)


def resolve(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def operations(doc: dict[str, Any]) -> list[Operation]:
    ops = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            params = op.get("parameters", [])
            content = op.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            multipart = content.get("multipart/form-data", {}).get("schema")
            ops.append(
                Operation(
                    method.upper(),
                    path,
                    [p["name"] for p in params if p["in"] == "path"],
                    [p["name"] for p in params if p["in"] == "query"],
                    resolve(body, doc) if body else None,
                    resolve(multipart, doc) if multipart else None,
                )
            )
    return ops


def _types(schema: dict[str, Any], doc: dict[str, Any]) -> set[str]:
    schema = resolve(schema, doc)
    if "anyOf" in schema:
        return set().union(*(_types(s, doc) for s in schema["anyOf"]))
    return {schema.get("type", "string")}


def sample(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """A plausible body: every property with an ordinary value of its type."""
    body: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        kinds = _types(prop, doc)
        if "integer" in kinds:
            body[name] = 3
        elif "boolean" in kinds:
            body[name] = False
        elif "string" in kinds:
            body[name] = "Jobs stay queued since the upgrade."
        else:
            body[name] = None
    return body


def hostile_bodies(schema: dict[str, Any], doc: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(what, body): each property in turn given each hostile value of its kind."""
    base = sample(schema, doc)
    for name, prop in schema.get("properties", {}).items():
        kinds = _types(prop, doc)
        values = {**HOSTILE, **HOSTILE_NUMBERS} if "integer" in kinds else HOSTILE
        for what, value in values.items():
            yield f"{name}={what}", {**base, name: value}
    yield "object key with NUL", {**base, "a\x00": "x"}
    yield "array instead of object", [base]
    yield "nested", {k: [v] for k, v in base.items()}
