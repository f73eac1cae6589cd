"""The sample deals a clause library and its templates are rendered against before anyone
relies on them: ``p2pdocs clauses lint`` renders all of them, ``p2pdocs generate`` the
first (which gives every section) once before its first deal.

The first is ``sample-deal.yaml``; the others are made from it generically, from the deal
file's own model: each optional section of the agreement left out in turn, the statements
of work left out, and each choice of every enumeration or yes/no answer it gives (so each
variant of a clause selected by a field is chosen by one of them).
"""

from __future__ import annotations

import copy
import typing
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel

from p2pdocs.deal.fieldpath import Loc, format_loc
from p2pdocs.deal.fieldtypes import model_class, unwrap
from p2pdocs.deal.terms import Agreement, Deal, StatementOfWork
from p2pdocs.deal.validate import validate_deal
from p2pdocs.errors import InvalidInput

SAMPLE = Path(__file__).resolve().parent / "sample-deal.yaml"


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    return data


def _deal(data: dict[str, Any]) -> Deal | None:
    try:
        return validate_deal({k: v for k, v in data.items() if k != "p2pdocs"}, lambda loc: (str(SAMPLE), 0, ()))
    except InvalidInput:
        return None  # a combination the deal file's rules refuse: not a deal anyone can write


def sample_deal() -> Deal:
    """The sample deal, with every section."""
    deal = _deal(copy.deepcopy(_data()))
    assert deal is not None, f"{SAMPLE} is valid"
    return deal


def sample_deals() -> Iterator[tuple[str, Deal]]:
    """Every sample deal, with what makes it differ from the first."""
    base = _data()
    yield "the sample deal", sample_deal()
    for name, field in Agreement.model_fields.items():
        if not field.is_required() and name in base["agreement"]:
            yield from _variant(base, f"without agreement.{name}", ("agreement", name), None)
    yield from _variant(base, "without statements_of_work", ("statements_of_work",), None)
    for loc, choices in _choices(Agreement, base["agreement"], ("agreement",)):
        for value in choices:
            yield from _variant(base, f"with {format_loc(loc)}: {value}", loc, value)
    for i, sow in enumerate(base.get("statements_of_work", [])):
        for loc, choices in _choices(StatementOfWork, sow, ("statements_of_work", i)):
            for value in choices:
                yield from _variant(base, f"with {format_loc(loc)}: {value}", loc, value)


def _variant(base: dict[str, Any], label: str, loc: Loc, value: Any) -> Iterator[tuple[str, Deal]]:
    data = copy.deepcopy(base)
    target: Any = data
    for part in loc[:-1]:
        target = target[part]
    if value is None:
        del target[loc[-1]]
    else:
        target[loc[-1]] = value
    deal = _deal(data)
    if deal is not None:
        yield label, deal


def _choices(model: type[BaseModel], data: Any, loc: Loc) -> Iterator[tuple[Loc, list[Any]]]:
    """Each field of ``data`` with a closed set of values, and the values it does not have."""
    if not isinstance(data, dict):
        return
    for name, value in data.items():
        field = model.model_fields.get(name)
        if field is None:
            continue
        kind = unwrap(field.annotation)
        origin, args = typing.get_origin(kind), typing.get_args(kind)
        item = unwrap(args[-1]) if origin in (list, dict) and args else None
        here = (*loc, name)
        if origin is Literal:
            yield here, [v for v in args if v != value]
        elif kind is bool:
            yield here, [not value]
        elif origin is list and typing.get_origin(item) is Literal:
            yield here, [[v] for v in typing.get_args(item)]
        elif (inner := model_class(kind)) is not None:
            yield from _choices(inner, value, here)
        elif origin is list and (inner := model_class(item)) is not None:
            if isinstance(value, list) and value:
                yield from _choices(inner, value[0], (*here, 0))
        elif origin is dict and (inner := model_class(item)) is not None and isinstance(value, dict) and value:
            key = next(iter(value))
            yield from _choices(inner, value[key], (*here, key))
