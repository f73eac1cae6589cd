"""The questions of the interview, loaded from ``questions.yaml``, and the rules to read,
convert and check an answer with the same types and ranges as the deal file."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from p2pdocs.compose.fields import catalogue
from p2pdocs.deal.fieldpath import format_loc
from p2pdocs.deal.fieldtypes import annotation_at
from p2pdocs.deal.shortnames import without_company_form
from p2pdocs.deal.terms import Deal
from p2pdocs.deal.yamlsource import read
from p2pdocs.errors import TemplateError

QUESTIONS = Path(__file__).resolve().parent / "questions.yaml"
Kind = Literal[
    "text",
    "key",
    "date",
    "int",
    "percent",
    "money",
    "decimal",
    "confirm",
    "select",
    "checkbox",
    "party",
    "list",
    "percent_list",
    "pair",
    "split",
    "fixed",
]
Part = str | int


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Question(_Spec):
    id: str
    type: Kind
    prompt: str = ""
    help: str = ""
    choices: list[str] = Field(default_factory=list)
    default: Any = None
    default_from: str | None = None
    when: str | None = None
    optional: bool = False
    omit_default: bool = False
    controls: str | None = None
    for_each_party: bool = False
    value: Any = None
    labels: dict[str, str] = Field(default_factory=dict, description="Choice titles where words() would mislead.")
    case: Literal["upper", "lower"] | None = Field(None, description="Typed text is put in this case.")
    fields: list[str] = Field(default_factory=list, description="A pair: the two fields, typed as 'a, b'.")


class Group(_Spec):
    group: str
    kind: Literal["list", "mapping"]
    title: str
    items: list[Question | Group]
    min: int = 0
    key: str | None = None
    when: str | None = None
    add_prompt: str = "Add another?"
    standard: list[str] = Field(default_factory=list, description="Ids offered at once, as one confirmation.")
    standard_title: str = ""
    count: str | None = Field(None, description="Expression: how many items the person asked for (no add_prompt).")
    standard_after: str | None = Field(
        None, description="Offer the standard once this item's answer is known (it picks the standard), not first."
    )


class Section(_Spec):
    id: str
    title: str
    help: str = ""
    items: list[Question | Group]
    standard: list[str] = Field(default_factory=list, description="Ids offered at once, as one confirmation.")
    standard_title: str = ""


class Questionnaire(_Spec):
    sections: list[Section]

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)


@lru_cache(maxsize=2)
def load_questions(path: Path = QUESTIONS) -> Questionnaire:
    """The questionnaire, with the defaults of the questions on fields that have a standard
    position taken from the field catalogue (the one home of the playbook's positions)."""
    data = read(path).data
    for section in data.get("sections", []) if isinstance(data, dict) else []:
        _standard_defaults(path, section.get("items", []), "")
    return Questionnaire.model_validate(data)


def _standard_defaults(path: Path, items: list[Any], prefix: str) -> None:
    fields = catalogue().fields
    for item in items:
        if "group" in item:
            step = "[]." if item.get("kind") == "list" else ".*."
            _standard_defaults(path, item.get("items", []), f"{prefix}{item['group']}{step}")
            continue
        name, _, index = str(item.get("id", "")).partition("[")
        info = fields.get(prefix + name)
        standard = info.standard if info else None
        if standard is None or standard.add:
            continue
        if "default" in item or "default_from" in item:
            raise TemplateError(f"{path}: {prefix}{item['id']}: its default is the standard position")
        if standard.by is not None:
            at = int(index.rstrip("]:") or 0)  # by_year[1] asks one figure, by_year[1:] the rest
            tail = index.endswith(":]")
            suggested = {k: v[at:] if tail else v[at] for k, v in standard.values.items() if len(v) > at}
            if suggested:
                otherwise = _literal(suggested.get(standard.otherwise_suggest or ""))
                table = ", ".join(f"{k!r}: {_literal(v)}" for k, v in suggested.items())
                item["default_from"] = f"{{{table}}}.get(item.{standard.by}, {otherwise})"
        elif standard.from_ is not None:
            base, _, rest = standard.from_.partition(".")
            item["default_from"] = f"a.{rest}" if base == "agreement" else f"deal.{standard.from_}"
        else:
            item["default"] = copy.deepcopy(standard.value)


def _literal(value: Any) -> str:
    """``value`` as an expression literal (a number as written: ``12.5``, not ``Decimal('12.5')``)."""
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return str(value) if isinstance(value, Decimal) else repr(value)


def label(prompt: str) -> str:
    """A question as a label: without its hints in brackets and its question mark."""
    return prompt.split(" (")[0].rstrip("?").strip()


def lower_first(text: str) -> str:
    """``Shared objectives`` -> ``shared objectives``; ``SoW id`` and ``KPI`` stay."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def default_of(q: Question, scope: Mapping[str, Any]) -> Any:
    """The default answer of ``q``: its expression's value when it has one, else its default."""
    if q.default_from:
        value = evaluate(q.default_from, scope)
        if value is not None:
            return value
    return copy.deepcopy(q.default)


# -- paths into the answers ---------------------------------------------------------------

_PART = re.compile(r"([^.\[\]]+)|\[(\d+):?\]")


def parse_path(path: str) -> list[Part]:
    """``"agreement.margins[0].by_year"`` -> ``["agreement", "margins", 0, "by_year"]``."""
    return [int(index) if index else name for name, index in _PART.findall(path)]


#: ``["agreement", "margins", 0]`` -> ``agreement.margins[0]``: the deal file's field paths.
show_path = format_loc


def get(data: Any, parts: list[Part]) -> Any:
    for part in parts:
        if isinstance(part, int):
            if not isinstance(data, list) or part >= len(data):
                return None
        elif not isinstance(data, Mapping) or part not in data:
            return None
        data = data[part]
    return data


def put(data: dict[str, Any], parts: list[Part], value: Any) -> None:
    current: Any = data
    for part, following in zip(parts, [*parts[1:], None], strict=True):
        if following is None:
            if isinstance(part, int):
                while len(current) <= part:
                    current.append(None)
            current[part] = value
            return
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(part, int):
            while len(current) <= part:
                current.append(None)
            if not isinstance(current[part], (dict, list)):
                current[part] = empty
        elif not isinstance(current.get(part), (dict, list)):
            current[part] = empty
        current = current[part]


def put_tail(data: dict[str, Any], parts: list[Part], values: list[Any]) -> None:
    """Put ``values`` in the list above ``parts`` from its index on (``by_year[1:]``)."""
    start = parts[-1]
    assert isinstance(start, int)
    whole = list(get(data, parts[:-1]) or [])[:start]
    put(data, parts[:-1], whole + values)


def delete(data: Any, parts: list[Part]) -> None:
    """Remove the value at ``parts``, and the mappings it leaves empty above it."""
    parent = get(data, parts[:-1]) if len(parts) > 1 else data
    last = parts[-1]
    if isinstance(parent, dict) and last in parent:
        del parent[last]
    elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        del parent[last:]
    if len(parts) > 1 and parent == {} and not isinstance(parts[-2], int):
        delete(data, parts[:-1])


# -- expressions over the answers ---------------------------------------------------------

_ENV = SandboxedEnvironment(undefined=jinja2.Undefined)
_ENV.globals.clear()
_ENV.filters["without_company_form"] = without_company_form


def evaluate(expression: str, scope: Mapping[str, Any]) -> Any:
    """An expression of the questionnaire; undecidable on partial answers -> None."""
    try:
        return _expression(expression)(**scope)
    except (jinja2.UndefinedError, TypeError, ValueError, AttributeError, IndexError, KeyError):
        return None


@lru_cache(maxsize=512)
def _expression(expression: str) -> Callable[..., Any]:
    return _ENV.compile_expression(expression)


def render_text(text: str, scope: Mapping[str, Any]) -> str:
    if "{" not in text:
        return text
    try:
        return _template(text).render(scope)
    except jinja2.TemplateError:
        return text


@lru_cache(maxsize=256)
def _template(text: str) -> jinja2.Template:
    return _ENV.from_string(text)


# -- answers: read, convert, check --------------------------------------------------------


class BadAnswer(ValueError):
    """An answer that cannot be accepted; the message says why."""


def convert(question: Question, raw: Any) -> Any:
    """A typed answer from what the prompt returned (text for the typed kinds)."""
    kind = question.type
    if kind in ("confirm", "select", "checkbox", "party", "fixed"):
        return raw
    text = str(raw).strip()
    if not text:
        if question.optional:
            return None
        raise BadAnswer("an answer is required")
    if question.case == "upper":
        text = text.upper()
    elif question.case == "lower":
        text = text.lower()
    if kind == "pair":
        first, _, second = (t.strip() for t in text.partition(","))
        if not first or not second:
            raise BadAnswer(f"give the {question.fields[0]} and the {question.fields[1]}, separated by a comma")
        return dict(zip(question.fields, (first, second), strict=True))
    try:
        if kind == "date":
            return date.fromisoformat(text)
        if kind == "int":
            return int(text.replace(",", "").replace("_", ""))
        if kind in ("percent", "money", "decimal"):
            return Decimal(text.rstrip("%").replace(",", "").strip())
        if kind == "list":
            items = [item.strip() for item in text.split(";") if item.strip()]
            if not items and not question.optional:
                raise BadAnswer("give at least one item, separated by ;")
            return items or None
        if kind == "percent_list":
            return [Decimal(item.strip().rstrip("%")) for item in text.split(";") if item.strip()]
        if kind == "split":  # one amount per party, in order; empty for a party without one
            return [Decimal(_amount(item)) if item.strip() else None for item in text.split(";")]
    except (ValueError, InvalidOperation):
        raise BadAnswer(_EXPECTED.get(kind, "not a valid answer")) from None
    return text


def split_of(parties: list[str] | tuple[str, ...], values: list[Any] | None) -> dict[str, Any]:
    """A split answer (one amount per party, in order) as the deal file's mapping by party."""
    return {p: v for p, v in zip(parties, values or [], strict=False) if v is not None}


def _amount(text: str) -> str:
    return text.strip().replace(",", "").replace("_", "")


_EXPECTED = {
    "date": "expected a date as YYYY-MM-DD, e.g. 2027-01-15",
    "int": "expected a whole number",
    "percent": "expected a percentage, e.g. 12.5",
    "money": "expected an amount, e.g. 180000",
    "decimal": "expected a number, e.g. 120.5",
    "percent_list": "expected percentages separated by ;, e.g. 10; 8",
    "split": "expected amounts separated by ;, e.g. 90000; 30000",
}


def field_type(parts: list[Part]) -> Any:
    """The deal file's type (with its constraints) for the value at ``parts``, or None for
    the interview's own answers."""
    return annotation_at(Deal, parts)


def check(parts: list[Part], value: Any, parties: list[str]) -> str | None:
    """Why ``value`` is not acceptable at ``parts`` (the deal file's rules), or None."""
    if value is None or parts[0] == "_wizard" or str(parts[-1]).startswith("_"):
        return None
    annotation = field_type(parts)
    if annotation is None:
        return None
    try:
        TypeAdapter(annotation).validate_python(value, context={"parties": set(parties)})
    except ValidationError as exc:
        from p2pdocs.deal.validate import describe

        return describe(exc.errors(include_url=False)[0])
    return None
