"""Responses checked against the API's own OpenAPI document.

Neither jsonschema nor openapi-spec-validator is installed, so this is the small subset of JSON
Schema that Ninja's pydantic schemas use: $ref, anyOf, type, enum/const, required, properties,
items, date-time. Keys a schema does not declare are errors too, so documentation cannot lag."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


class SchemaMismatch(AssertionError):
    pass


def _resolve(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = doc["components"]["schemas"][name]
    return schema


def _type_ok(value: Any, kind: str) -> bool:
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, TYPES[kind])


def validate(value: Any, schema: dict[str, Any], doc: dict[str, Any], where: str = "$") -> None:
    schema = _resolve(schema, doc)
    if "anyOf" in schema:
        errors = []
        for option in schema["anyOf"]:
            try:
                validate(value, option, doc, where)
                return
            except SchemaMismatch as exc:
                errors.append(str(exc))
        raise SchemaMismatch(f"{where}: {value!r} matches no option: {errors}")
    if "const" in schema and value != schema["const"]:
        raise SchemaMismatch(f"{where}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        raise SchemaMismatch(f"{where}: {value!r} not in {schema['enum']}")
    kind = schema.get("type")
    if kind and not _type_ok(value, kind):
        raise SchemaMismatch(f"{where}: {value!r} is not {kind}")
    if schema.get("format") == "date-time":
        assert value.endswith("Z"), f"{where}: {value} is not UTC"
        dt.datetime.fromisoformat(value)
    if kind == "array":
        for i, item in enumerate(value):
            validate(item, schema.get("items", {}), doc, f"{where}[{i}]")
    if kind == "object":
        _object(value, schema, doc, where)


def _object(value: dict[str, Any], schema: dict[str, Any], doc: dict[str, Any], where: str) -> None:
    props = schema.get("properties", {})
    missing = [k for k in schema.get("required", []) if k not in value]
    if missing:
        raise SchemaMismatch(f"{where}: missing {missing}")
    extra = [k for k in value if k not in props]
    if extra:
        raise SchemaMismatch(f"{where}: undocumented keys {extra}")
    for key, item in value.items():
        validate(item, props[key], doc, f"{where}.{key}")


def operation(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """The operation a request path hits, by the document's path templates."""
    path = path.split("?", 1)[0]
    for template, ops in doc["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in ops:
            return ops[method.lower()]  # type: ignore[no-any-return]
    raise SchemaMismatch(f"{method} {path} is not in the OpenAPI document")


def check_response(doc: dict[str, Any], method: str, path: str, response: Any) -> None:
    op = operation(doc, method, path)
    documented = op["responses"].get(str(response.status_code))
    if documented is None:
        raise SchemaMismatch(f"{method} {path}: status {response.status_code} is not documented")
    content = documented.get("content", {})
    if "application/json" in content:
        assert response["Content-Type"].startswith("application/json")
        validate(response.json(), content["application/json"]["schema"], doc)
    else:
        assert content, f"{method} {path}: {response.status_code} documents no body"
