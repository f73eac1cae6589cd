"""The playbook's standard positions applied to a deal: what `redline --against standard`
compares the deal with. The positions are the ``standard`` of each field in the field
catalogue (``compose/fields.yaml``), where the interview's defaults come from too."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from p2pdocs.compose.fields import Standard, catalogue, missing
from p2pdocs.deal.terms import Deal


def _containers(data: Any, parts: list[str], at: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Each mapping the path ``parts`` (of a field, without its last name) leads to, with its
    concrete path: ``[]`` is every item of a list, ``*`` every value of a mapping."""
    if not parts:
        if isinstance(data, dict):
            yield at, data
        return
    part, rest = parts[0], parts[1:]
    name, items = (part[:-2], True) if part.endswith("[]") else (part, False)
    if name == "*":
        children = [(f"{at}.{k}", v) for k, v in data.items()] if isinstance(data, dict) else []
    else:
        child = data.get(name) if isinstance(data, dict) else None
        children = [(f"{at}.{name}" if at else name, child)]
    for where, child in children:
        if items:
            for i, element in enumerate(child if isinstance(child, list) else []):
                yield from _containers(element, rest, f"{where}[{i}]")
        else:
            yield from _containers(child, rest, where)


def _get(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _value(standard: Standard, container: dict[str, Any], data: dict[str, Any]) -> tuple[bool, Any]:
    """Whether the standard gives a value here, and which."""
    if standard.by is not None:
        key = str(container.get(standard.by))
        return (key in standard.values), copy.deepcopy(standard.values.get(key))
    if standard.from_ is not None:
        return True, _get(data, standard.from_)
    return True, copy.deepcopy(standard.value)


def standard_deal(deal: Deal) -> Deal:
    """``deal`` with every term the playbook has a standard position on set to it."""
    data: dict[str, Any] = deal.model_dump(mode="python")
    fields = catalogue().fields
    added = set()
    for path, info in fields.items():
        if info.standard and info.standard.add:
            *parents, name = path.split(".")
            for where, container in _containers(data, parents):
                if container.get(name) is None:
                    container[name] = {}
                    added.add(f"{where}.{name}" if where else name)
    for path, info in fields.items():
        standard = info.standard
        if standard is None or standard.add:
            continue
        *parents, name = path.split(".")
        for where, container in _containers(data, parents):
            if standard.when and not container.get(standard.when):
                continue
            if standard.apply == "new" and where not in added:
                continue
            if standard.apply == "missing" and not missing(container.get(name)):
                continue
            given, value = _value(standard, container, data)
            if given:
                container[name] = value
    return Deal.model_validate(data, context={"parties": set(data["agreement"]["parties"])})
