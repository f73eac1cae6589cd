"""The catalogue of deal fields: what the documents know about each field, in one home.

For each field path of the terms model (``agreement.margins[].by_year``,
``agreement.parties.*.sponsor``), ``fields.yaml`` gives its label, the clause that discusses
it (where a playbook finding on it becomes a Word comment), its row of the key terms, its
open item in the review memo, the words for its enumeration values and the playbook's
standard position. The comments, the cover page, the memo, the ``words`` filter,
``redline --against standard`` and the interview's defaults all derive from it.

Why a YAML file rather than pydantic metadata on :mod:`p2pdocs.deal.terms`: what is said
about a field is wording and policy (a legal team's, like the clause library), not the
shape of a value; the terms model stays about what a deal file may say, and the wording is
reviewed as data, checked on load like the clause library. Loading checks that every key
is a real field path of the model, that every enumeration word is a value of its field,
and that no value is given two different words.
"""

from __future__ import annotations

import re
import types
import typing
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from p2pdocs.deal.terms import Deal
from p2pdocs.deal.yamlsource import read
from p2pdocs.errors import TemplateError

CATALOGUE = Path(__file__).resolve().parent / "fields.yaml"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CoverRow(_Spec):
    """A row of the key terms: clause text over the agreement's context."""

    label: str
    value: str
    when: str | None = None
    each: str | None = Field(None, description="An expression giving the items, one row each (as `item`).")


class OpenItem(_Spec):
    """The memo's open item when the deal does not give the field."""

    text: str = "No {{ label }} is given."
    when: str | None = None


class Standard(_Spec):
    """The playbook's standard position on a field."""

    add: bool = Field(False, description="Add the section (with its fields' standards) when the deal has none.")
    value: Any = None
    from_: str | None = Field(None, alias="from", description="The standard is the value of this field.")
    by: str | None = Field(None, description="The standard is per value of this sibling field.")
    values: dict[str, Any] = Field(default_factory=dict)
    otherwise_suggest: str | None = Field(None, description="The interview's suggestion for values without one.")
    apply: Literal["always", "missing", "new"] = "new"
    when: str | None = Field(None, description="A sibling field that must be true.")


class FieldInfo(_Spec):
    label: str
    clause: str | None = None
    cover: CoverRow | None = None
    open_item: OpenItem | Literal[True] | None = None
    words: dict[str, str] = Field(default_factory=dict)
    standard: Standard | None = None

    @property
    def open(self) -> OpenItem | None:
        return OpenItem() if self.open_item is True else self.open_item


class Catalogue(_Spec):
    fields: dict[str, FieldInfo]

    def collection(self, path: str) -> str | None:
        """The collection ``path`` is in (``agreement.parties.*``, ``statements_of_work[]``), if any."""
        match = re.match(r"(.*?(?:\[\]|\.\*))\.", path)
        return match.group(1) if match else None


def missing(value: Any) -> bool:
    """Whether a deal leaves a value out: None, or an empty text, list or mapping (a number,
    even 0, or a boolean is given)."""
    return value is None or (isinstance(value, str | list | dict) and not value)


# -- field paths of the terms model --------------------------------------------------------

_PART = re.compile(r"^(\*|[a-z_][a-z0-9_]*)(\[\])?$")


def _unwrap(annotation: Any) -> Any:
    """The type inside ``Annotated[...]`` and ``X | None``."""
    while True:
        if typing.get_origin(annotation) is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif typing.get_origin(annotation) in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def field_type(path: str) -> Any:
    """The type of the field at ``path`` in the terms model; KeyError if there is none."""
    annotation: Any = Deal
    for part in path.split("."):
        found = _PART.match(part)
        if not found:
            raise KeyError(path)
        name, items = found.groups()
        annotation = _unwrap(annotation)
        if name == "*":
            if typing.get_origin(annotation) is not dict:
                raise KeyError(path)
            annotation = typing.get_args(annotation)[1]
        else:
            if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                raise KeyError(path)
            if name not in annotation.model_fields:
                raise KeyError(path)
            annotation = annotation.model_fields[name].annotation
        if items:
            annotation = _unwrap(annotation)
            if typing.get_origin(annotation) is not list:
                raise KeyError(path)
            annotation = typing.get_args(annotation)[0]
    return annotation


def enumeration(path: str) -> tuple[str, ...]:
    """The values of the enumeration at ``path`` (a list's items for a list of them)."""
    annotation = _unwrap(field_type(path))
    if typing.get_origin(annotation) is list:
        annotation = _unwrap(typing.get_args(annotation)[0])
    return tuple(typing.get_args(annotation)) if typing.get_origin(annotation) is Literal else ()


def _problems(catalogue: Catalogue) -> list[str]:
    problems = []
    said: dict[str, tuple[str, str]] = {}
    for path, info in catalogue.fields.items():
        try:
            field_type(path)
        except KeyError:
            problems.append(f"{path}: not a field of the terms model")
            continue
        if info.open_item is True and catalogue.collection(path):
            problems.append(f"{path}: an open item in a collection needs its own text (naming `item` or `key`)")
        values = enumeration(path)
        for value, text in info.words.items():
            if value not in values:
                problems.append(f"{path}: words for '{value}', which is not one of its values")
            elif value in said and said[value][1] != text:
                problems.append(f"{path}: '{value}' has other words at {said[value][0]}")
            said.setdefault(value, (path, text))
        standard = info.standard
        if standard and standard.from_:
            try:
                field_type(standard.from_)
            except KeyError:
                problems.append(f"{path}: its standard is taken from {standard.from_}, not a field")
        if standard and standard.by and f"{path.rsplit('.', 1)[0]}.{standard.by}" not in catalogue.fields:
            problems.append(f"{path}: its standard is by {standard.by}, which has no entry")
    return problems


@lru_cache(maxsize=2)
def catalogue(path: Path = CATALOGUE) -> Catalogue:
    """The field catalogue, loaded and checked against the terms model (once per process)."""
    try:
        loaded = Catalogue.model_validate({"fields": read(path).data})
    except ValidationError as exc:
        raise TemplateError(f"{path}: {exc}") from None
    problems = _problems(loaded)
    if problems:
        raise TemplateError(f"{path}: " + "; ".join(problems))
    return loaded


@lru_cache(maxsize=1)
def enumeration_words() -> dict[str, str]:
    """Every enumeration value the catalogue gives words for -> those words."""
    return {value: text for info in catalogue().fields.values() for value, text in info.words.items()}


@lru_cache(maxsize=1)
def _clauses() -> list[tuple[re.Pattern[str], str]]:
    """(pattern of a path and everything under it, clause), most specific path first."""
    found = []
    for path, info in catalogue().fields.items():
        if info.clause is not None:
            pattern = re.escape(path).replace(r"\[\]", r"\[\d+\]").replace(r"\*", r"[^.\[\]]+")
            found.append((path.count(".") + path.count("["), re.compile(f"{pattern}(?=$|[.\\[])"), info.clause))
    return [(pattern, clause) for _, pattern, clause in sorted(found, key=lambda f: -f[0])]


def clause_of(field: str) -> list[str]:
    """The clauses that discuss a concrete field path (``agreement.margins[0].by_year``),
    most specific first: those of the entries whose path contains it."""
    return [clause for pattern, clause in _clauses() if pattern.match(field)]
