"""Turn raw YAML data into a validated :class:`~p2pdocs.deal.terms.Deal`, or every problem.

The agreement and each statement of work are validated on their own, so that a mistake
in one part does not hide the mistakes in another: all problems are reported at once,
each located in the file and line its value came from.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError

from p2pdocs.deal import rules
from p2pdocs.deal.fieldpath import Loc, format_loc
from p2pdocs.deal.fieldtypes import model_at
from p2pdocs.deal.terms import Agreement, Deal, StatementOfWork
from p2pdocs.deal.values import ERROR_TYPES, FORMAT_VERSION, shown
from p2pdocs.deal.yamlsource import Source, read
from p2pdocs.errors import InvalidInput, Problem


class Place(NamedTuple):
    """Where a value came from."""

    file: str
    line: int
    #: the location its field path is shown under (a deal of a batch file: ``deals[i]``)
    shown: Loc


#: A value's location in the deal -> its place (a :class:`Place`, or the same as a plain tuple).
Locator = Callable[[Loc], tuple[str, int, Loc]]


class FieldProblem(NamedTuple):
    """A problem of a value, at its location in the data validated."""

    loc: Loc
    message: str


_M = TypeVar("_M", bound=BaseModel)
TOP_KEYS = ("p2pdocs", "agreement", "statements_of_work")


def load_deal(path: Path) -> Deal:
    """Read, parse and validate one deal file."""
    source = read(path)
    return validate_source(source)


def validate_source(source: Source) -> Deal:
    """Validate the data of a deal file read into ``source``."""

    def locate(loc: Loc) -> Place:
        return Place(source.file, source.line_of(loc), ())

    if not isinstance(source.data, Mapping):
        raise InvalidInput(
            [Problem(source.file, 1, "", "expected a deal: a mapping with 'p2pdocs: 1' and 'agreement'")]
        )
    problems = check_version(source.data, locate)
    if problems:
        raise InvalidInput(problems)
    body = {k: v for k, v in source.data.items() if k != "p2pdocs"}
    return validate_deal(body, locate)


def check_version(data: Mapping[Any, Any], locate: Locator) -> list[Problem]:
    """The ``p2pdocs:`` format key must be present and name a format this version reads."""
    if "p2pdocs" not in data:
        file, _, _ = locate(())
        return [
            Problem(
                file, 1, "p2pdocs", f"missing: a deal file starts with 'p2pdocs: {FORMAT_VERSION}' (the format version)"
            )
        ]
    version = data["p2pdocs"]
    if version != FORMAT_VERSION or isinstance(version, bool):
        file, line, _ = locate(("p2pdocs",))
        from p2pdocs import __version__

        return [
            Problem(
                file,
                line,
                "p2pdocs",
                f"format {version!r} is not supported: p2pdocs {__version__} reads format {FORMAT_VERSION}",
            )
        ]
    return []


def validate_deal(body: Mapping[Any, Any], locate: Locator) -> Deal:
    """Validate a deal's ``agreement`` and ``statements_of_work`` (without the version key)."""
    problems = unknown_keys(body, TOP_KEYS[1:], (), locate)
    raw_agreement = body.get("agreement")
    context = {"parties": _party_keys(raw_agreement)}
    agreement = None
    if raw_agreement is None:
        file, _, _ = locate(())
        problems.append(Problem(file, 1, "agreement", "missing: the deal needs an 'agreement' section"))
    else:
        agreement = _validate(Agreement, raw_agreement, ("agreement",), context, locate, problems)
    raw_sows = body.get("statements_of_work", [])
    sows: list[StatementOfWork | None] = []
    if not isinstance(raw_sows, list):
        file, line, shown = locate(("statements_of_work",))
        problems.append(
            Problem(file, line, format_loc((*shown, "statements_of_work")), "expected a list of statements of work")
        )
        raw_sows = []
    for i, raw in enumerate(raw_sows):
        sows.append(_validate(StatementOfWork, raw, ("statements_of_work", i), context, locate, problems))
    for loc, message in rules.check(agreement, sows, raw_sows):
        file, line, shown = locate(loc)
        problems.append(Problem(file, line, format_loc((*shown, *loc)), message))
    if problems or agreement is None:
        raise InvalidInput(problems)
    valid = [sow for sow in sows if sow is not None]
    return Deal.model_construct(p2pdocs=1, agreement=agreement, statements_of_work=valid)


def unknown_keys(data: Mapping[Any, Any], allowed: tuple[str, ...], base: Loc, locate: Locator) -> list[Problem]:
    """A problem for each key of ``data`` that is not ``allowed`` (with a suggestion)."""
    problems = []
    for key in data:
        if key not in allowed and key != "p2pdocs":
            file, line, shown = locate((*base, key))
            problems.append(Problem(file, line, format_loc((*shown, *base, str(key))), _unknown(str(key), allowed)))
    return problems


def _party_keys(raw_agreement: Any) -> set[str] | None:
    if isinstance(raw_agreement, Mapping) and isinstance(raw_agreement.get("parties"), Mapping):
        return {str(_part(k)) for k in raw_agreement["parties"]}
    return None


def field_problems(model: type[_M], raw: Any, context: dict[str, Any]) -> tuple[_M | None, list[FieldProblem]]:
    """``raw`` validated as ``model``, or each problem (location in ``raw``, message):
    the deal file's own messages, for every caller (the deal file, the interview)."""
    try:
        return model.model_validate(raw, context=context), []
    except ValidationError as exc:
        found: list[FieldProblem] = []
        for error in exc.errors(include_url=False):
            loc: Loc = tuple(part for part in error["loc"] if part != "[key]")
            message = _message(error, model, loc)
            if isinstance(error.get("input"), bool) and error["type"] == "string_type":
                key = error["loc"][-1:] == ("[key]",)
                if key:  # pydantic gives the key True as 1: the key itself finds its line
                    loc = (*loc[:-1], error["input"])
                what = "this key" if key else "this value"
                message = (
                    f"{what} was read as the yes/no value {_part(error['input'])}, not as text; "
                    'put it in quotes ("yes", "no", "on", "off")'
                )
            found.append(FieldProblem(loc, message))
        return None, found


def _validate(
    model: type[_M], raw: Any, base: Loc, context: dict[str, Any], locate: Locator, problems: list[Problem]
) -> _M | None:
    valid, found = field_problems(model, raw, context)
    for rel, message in found:
        loc: Loc = (*base, *rel)
        file, line, shown = locate(loc)
        problems.append(Problem(file, line, format_loc(tuple(_part(p) for p in (*shown, *loc))), message))
    return valid


def _part(part: Any) -> str | int:
    """A part of a location as shown; a key YAML read as yes/no (``yes:``) shows as ``true``."""
    if isinstance(part, bool):
        return str(part).lower()
    return part if isinstance(part, (str, int)) else str(part)


def _message(error: Any, model: type[BaseModel], loc: Loc) -> str:
    kind = error["type"]
    given = error.get("input")
    if kind in ERROR_TYPES:  # p2pdocs' own checks (deal/values): the message is final
        return str(error["msg"])
    if kind == "missing":
        return "missing: this field is required"
    if kind == "extra_forbidden":
        return _unknown(str(loc[-1]), _siblings(model, loc))
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a mapping of fields (got {shown(given)})"
    if kind == "list_type":
        return f"must be a list (got {shown(given)})"
    if kind == "string_pattern_mismatch":
        return f"has the wrong form (got {shown(given)})"
    # pydantic's built-in checks (types, ranges, choices): its message in the deal file's words
    text = str(error["msg"])
    text = text[0].lower() + text[1:]
    text = text.replace("input should be", "must be")
    if (
        kind
        in (
            "literal_error",
            "enum",
            "greater_than",
            "greater_than_equal",
            "less_than",
            "less_than_equal",
            "decimal_max_places",
            "too_short",
            "too_long",
        )
        or kind.endswith("_type")
        or kind.endswith("_parsing")
    ):
        text += f" (got {shown(given)})"
    return text


def describe(error: Any) -> str:
    """A pydantic error as a message in the words of the deal file's errors."""
    loc = tuple(error.get("loc", ()))
    return _message(error, BaseModel, loc or ("value",))


def _unknown(key: str, allowed: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f"; expected one of: {', '.join(allowed)}"
    return f"unknown field '{key}'{hint}"


def _siblings(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names allowed beside the unknown key at ``loc``."""
    parent = model_at(model, loc[:-1])
    return list(parent.model_fields) if parent is not None else []
