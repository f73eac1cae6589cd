"""Field paths as spreadsheet columns: ``agreement.margins[0].by_year[0]`` and back, what
kind of value each holds (from the deal file's JSON Schema), and the leaf values of a deal.

A partner sheet has one column per field path; its header names the path, so a column a
user adds by hand (any field of the format) is read like the others.
"""

from __future__ import annotations

import functools
import re
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from p2pdocs.deal.yamlsource import Loc, format_loc

_PART = re.compile(r"\.?([A-Za-z0-9_-]+)|\[(\d{1,4})\]")


def parse_path(text: str) -> Loc | None:
    """``agreement.margins[0].by_year[0]`` -> its location, or None when it is not a path."""
    parts: list[str | int] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _PART.match(text, pos)
        if match is None or (pos == 0 and match.group(0).startswith(".")):
            return None
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        pos = match.end()
    if not parts or not isinstance(parts[0], str):
        return None
    return tuple(parts)


@dataclass(frozen=True)
class Column:
    """What one column holds, from the JSON Schema of the deal file."""

    path: str
    loc: Loc
    #: text, enum, integer, decimal, percent, boolean, date, or unknown (not in the format)
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    description: str = ""
    minimum: Any = None
    maximum: Any = None


@functools.cache
def _schema() -> dict[str, Any]:
    from p2pdocs.deal.terms import json_schema

    return json_schema()


def _resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow ``$ref`` and drop the ``null`` branch of an optional value."""
    defs = _schema()["$defs"]
    while True:
        if "$ref" in node:
            node = defs[str(node["$ref"]).rsplit("/", 1)[-1]]
            continue
        branches = [b for b in node.get("anyOf", ()) if b.get("type") != "null"]
        if len(branches) == 1:
            node = {**{k: v for k, v in node.items() if k != "anyOf"}, **branches[0]}
            continue
        return node


def _child(node: Mapping[str, Any], part: str | int) -> tuple[Mapping[str, Any] | None, bool]:
    """The schema of ``part`` inside ``node``, and whether it is required there."""
    node = _resolve(node)
    if isinstance(part, int):
        items = node.get("items")
        return (items, False) if isinstance(items, Mapping) else (None, False)
    if part in node.get("properties", {}):
        return node["properties"][part], part in node.get("required", ())
    extra = node.get("additionalProperties")
    if isinstance(extra, Mapping):
        return extra, False
    for value in node.get("patternProperties", {}).values():
        return value, False
    return None, False


def column(loc: Loc) -> Column:
    """The column of the value at ``loc``."""
    node: Mapping[str, Any] | None = _schema()
    required = True
    for part in loc:
        assert node is not None
        node, needed = _child(node, part)
        required = required and needed
        if node is None:
            return Column(format_loc(loc), loc, "unknown")
    assert node is not None
    described = str(node.get("description") or node.get("title") or "")
    node = _resolve(node)
    kind, choices = _kind(node)
    numbers = [b for b in node.get("anyOf", ()) if b.get("type") == "number"] or [node]
    low, high = numbers[0].get("minimum"), numbers[0].get("maximum")
    if kind == "decimal" and low == 0 and high == 100:
        kind = "percent"
    return Column(format_loc(loc), loc, kind, required, choices, described, low, high)


def party_key(loc: Loc) -> bool:
    """Whether the value at ``loc`` names one of the agreement's parties (a prime, a seller,
    an owner...): the terms model says so, the JSON Schema does not."""
    from pydantic import BaseModel

    from p2pdocs.deal.terms import Deal
    from p2pdocs.deal.values import _party_key

    annotation: Any = Deal
    for i, part in enumerate(loc):
        model = _inner(annotation, lambda a: isinstance(a, type) and issubclass(a, BaseModel))
        if isinstance(part, str) and model is not None:
            field = model.model_fields.get(part)
            if field is None:
                return False
            if any(getattr(m, "func", None) is _party_key for m in field.metadata):
                return i == len(loc) - 1
            annotation = field.annotation
        else:  # an item of a list, or a value of a mapping keyed by party
            args = typing.get_args(_inner(annotation, _container))
            if not args:
                return False
            annotation = args[-1]
    return _validates_party(annotation)


def _container(annotation: Any) -> bool:
    origin: Any = typing.get_origin(annotation)
    return origin is list or origin is dict


def _inner(annotation: Any, wanted: Any) -> Any:
    """The first type inside ``annotation`` (Optional, Annotated) for which ``wanted`` holds."""
    if wanted(annotation):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner(arg, wanted)
        if found is not None:
            return found
    return None


def _validates_party(annotation: Any) -> bool:
    from p2pdocs.deal.values import _party_key

    if typing.get_origin(annotation) in (list, dict):
        return False
    return any(getattr(m, "func", None) is _party_key for m in getattr(annotation, "__metadata__", ())) or any(
        _validates_party(a) for a in typing.get_args(annotation) if typing.get_origin(annotation) is not list
    )


def _kind(node: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    if "enum" in node:
        return "enum", tuple(str(v) for v in node["enum"])
    if "const" in node:
        return "enum", (str(node["const"]),)
    types = {b.get("type") for b in node.get("anyOf", ()) if b.get("type") != "null"} or {node.get("type")}
    if types == {"number", "string"}:
        return "decimal", ()
    kind = types.pop() if len(types) == 1 else None
    if kind == "string":
        return ("date" if node.get("format") == "date" else "text"), ()
    return {"integer": "integer", "boolean": "boolean", "number": "decimal"}.get(str(kind), "unknown"), ()


def leaves(data: Any, base: Loc = ()) -> Iterator[tuple[Loc, Any]]:
    """Every scalar of ``data`` with its location, in order."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from leaves(value, (*base, str(key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from leaves(value, (*base, i))
    elif data is not None:
        yield base, data


def ordered_union(orders: Iterator[list[Loc]]) -> list[Loc]:
    """The locations of several deals in one order: each new one right after the one it
    follows in its own deal, so a second margin's columns sit beside the first's."""
    merged: list[Loc] = []
    seen: set[Loc] = set()
    for order in orders:
        after = -1
        for loc in order:
            if loc in seen:
                after = merged.index(loc)
                continue
            merged.insert(after + 1, loc)
            seen.add(loc)
            after += 1
    return merged


def letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
