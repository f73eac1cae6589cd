"""The jinja environment clause text is rendered in: sandboxed, strict, plain text.

Clause text comes from the clause library; values from the deal are inserted as data and
never evaluated as templates. A missing value is an error, never a blank. Escaping for
Word happens later, in the render layer, on the finished text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from types import CodeType
from typing import Any

from jinja2 import Environment, StrictUndefined, Template, TemplateSyntaxError, Undefined, nodes
from jinja2.parser import Parser
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment, modifies_known_mutable

from p2pdocs.compose.fields import enumeration_words
from p2pdocs.compose.limits import LOOPS, MAX_TEXT, LimitExceeded, SafeOperators, check_tree, guarded_filters
from p2pdocs.compose.marks import finalize, propagating
from p2pdocs.deal.dates import long_date

_CADENCE = {
    "weekly": "every week",
    "fortnightly": "every two weeks",
    "monthly": "every month",
    "quarterly": "every quarter",
    "semi_annual": "every six months",
    "annual": "every year",
}


def percent(value: Decimal | int) -> str:
    """``Decimal('12.50')`` -> ``12.5%``; exact, never a float."""
    text = f"{Decimal(value).normalize():f}"
    return f"{text}%"


def number(value: Decimal | int) -> str:
    """``Decimal('12.50')`` -> ``12.5``; ``Decimal('1200')`` -> ``1,200``."""
    text = f"{Decimal(value).normalize():,f}"
    return text


def money(value: Decimal | int, currency: str) -> str:
    """``180000`` -> ``EUR 180,000.00``."""
    return f"{currency} {Decimal(value).quantize(Decimal('0.01')):,.2f}"


def sentence(text: str) -> str:
    """First letter in capitals, the rest untouched (``SaaS`` stays ``SaaS``)."""
    return text[:1].upper() + text[1:]


#: first words of place names that take the article: "the law of the State of Delaware"
_ARTICLE_PLACES = frozenset(
    {"state", "commonwealth", "province", "canton", "republic", "kingdom", "principality", "grand", "federal"}
    | {"emirate", "district", "territory", "united", "netherlands", "philippines", "bahamas", "gambia", "maldives"}
)


def place(value: str) -> str:
    """A place as it reads after "the law of" or "the courts of": ``State of Delaware`` ->
    ``the State of Delaware``, ``Netherlands`` -> ``the Netherlands``; ``England and Wales``
    and a place that already has its article stay as given."""
    first = value.split(" ", 1)[0].casefold()
    return f"the {value}" if first in _ARTICLE_PLACES else value


#: words that open a phrase and are written in capitals only at the start of a sentence
_FUNCTION_WORDS = frozenset(
    {"the", "a", "an", "all", "any", "each", "every", "our", "their", "its", "some", "those", "these", "this"}
    | {"that", "up", "to", "at", "least", "more", "than"}
)


def mid(value: str) -> str:
    """Text from the deal placed mid-sentence: an opening function word loses its capital
    (``The 25 largest retailers`` -> ``the 25 largest retailers``); names keep theirs."""
    first = value.split(" ", 1)[0]
    if first[:1].isupper() and first[1:].islower() and first.casefold() in _FUNCTION_WORDS:
        return first[:1].lower() + value[1:]
    return value


_CURRENCIES = ["EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "ISK", "PLN", "CZK", "HUF", "RON", "BGN", "JPY"]
_CURRENCIES += ["CNY", "INR", "AUD", "CAD", "NZD", "SGD", "HKD", "ZAR", "BRL", "MXN", "AED", "SAR", "KRW", "TRY"]
_AMOUNT = re.compile(rf"\b({'|'.join(_CURRENCIES)}) ?(\d{{4,}})(\.\d{{2}})?\b")


def amounts(value: str) -> str:
    """Amounts in text from the deal written the house way: ``EUR 500000`` -> ``EUR 500,000``."""
    return _AMOUNT.sub(lambda m: f"{m.group(1)} {int(m.group(2)):,}{m.group(3) or ''}", value)


def cadence(value: str) -> str:
    return _CADENCE[value]


def words(value: str) -> str:
    """An enumeration value as words: ``systems_integrator`` -> ``systems integrator``; the
    words of the field catalogue (``compose/fields.yaml``) where it gives some."""
    return enumeration_words().get(value, value.replace("_", " "))


def join_and(items: Iterable[Any], last: str = "and") -> str:
    """``["a", "b", "c"]`` -> ``a, b and c``."""
    parts = [str(i) for i in items]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {last} {parts[-1]}"


def join(items: Iterable[Any], separator: str = "") -> str:
    """jinja's ``join``, each item written as a text writes a value: one marked with its
    field inside its markers (``{{ m.by_year|map('pct')|join(' / ') }}`` marks each figure)."""
    return separator.join(str(finalize(item)) for item in items)


def count(n: int, unit: str) -> str:
    """``count(1, "month")`` -> ``1 month``; ``count(12, "month")`` -> ``12 months``."""
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def date_text(value: date) -> str:
    return long_date(value)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_DICT_ATTRIBUTES = frozenset(dir(dict))


class Sandbox(SafeOperators, SandboxedEnvironment):
    """jinja's sandbox, with its verdict on each attribute remembered: the verdict depends
    only on the object's type and the attribute's name, and checking it again for every
    access of every render was a tenth of the cost of composing a document.

    The work a text can cause is bounded (:mod:`p2pdocs.compose.limits`): no macros, includes,
    imports or inheritance; every loop charged to a budget per render; operators, filters
    and string methods that build large values refused past a size."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._verdicts: dict[tuple[type, str], bool] = {}
        self.filters.update(guarded_filters(self.filters))
        for name in ("lipsum", "cycler", "joiner"):  # lipsum(n) writes text without bound
            self.globals.pop(name, None)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return check_tree(super()._parse(source, name, filename))

    def getattr(self, obj: Any, attribute: str) -> Any:
        # ``a.b`` on a dict: jinja tries the attribute, fails, then the item; going to the
        # item at once (when no dict attribute has the name) gives the same value, faster
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        elif self._verdicts.get((type(obj), attribute)):  # an attribute found safe before
            try:
                value = getattr(obj, attribute)
            except AttributeError:
                pass
            else:
                if not callable(value):  # a method (str.format above all) takes the sandbox's own path
                    return value
        return super().getattr(obj, attribute)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        verdict = self._verdicts.get(key)
        if verdict is None:
            # and, as jinja's immutable sandbox, no list.extend() or dict.update(): a text
            # must not grow a value without bound, nor change the terms other clauses read
            verdict = self._verdicts[key] = super().is_safe_attribute(obj, attr, value) and not modifies_known_mutable(
                obj, attr
            )
        return verdict


def _strict(f: Callable[..., Any]) -> Callable[..., Any]:
    """``f`` as a filter that, given an undefined value, says which (``a.referral.fee_pct
    | pct`` names ``fee_pct`` rather than failing in Decimal); free when it succeeds."""

    @functools.wraps(f)
    def strict(*args: Any) -> Any:
        try:
            return f(*args)
        except Exception:
            for arg in args:
                if isinstance(arg, Undefined):
                    arg._fail_with_undefined_error()
            raise

    return strict


def make_environment() -> SandboxedEnvironment:
    """A fresh sandboxed environment with the filters clause text may use."""
    env = Sandbox(
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        finalize=finalize,  # a value marked with its field is written inside its markers
    )
    helpers: dict[str, Callable[..., Any]] = {
        "pct": percent,
        "number": number,
        "cadence": cadence,
        "words": words,
        "sentence": sentence,
        "join_and": join_and,
        "date": date_text,
        "ordinal": ordinal,
        "place": place,
        "mid": mid,
        "amounts": amounts,
    }
    env.filters.update((name, _strict(propagating(f))) for name, f in helpers.items())
    env.filters["join"] = _strict(join)
    # no globals: jinja merges them into every render's context, which is the dominant
    # cost of rendering thousands of short clause texts; helpers come with the context
    env.globals.clear()
    return env


#: Compiled clause texts and expressions by source: every environment comes from
#: :func:`make_environment`, configured alike, so a text compiles to the same code in each,
#: and a process that loads several libraries (a user's over the bundled one, ``lint`` then
#: ``generate``) compiles each text once. Only a text that compiled is kept.
_COMPILED: dict[tuple[str, str], CodeType] = {}
_COMPILED_LIMIT = 50_000


def _compiled(env: Environment, kind: str, source: str, tree: Callable[[], str | nodes.Template]) -> Template:
    code = _COMPILED.get((kind, source))
    if code is None:
        code = env.compile(tree())
        if len(_COMPILED) >= _COMPILED_LIMIT:
            _COMPILED.clear()
        _COMPILED[(kind, source)] = code
    return env.template_class.from_code(env, code, env.make_globals(None), None)


#: Helpers every clause text may call, given with its context.
HELPERS = {"count": propagating(count)}


class Text:
    """A compiled text, rendered against a context as given (jinja's ``render`` copies the
    whole context into a new one on every call, the dominant cost of thousands of short
    texts). A text without ``{`` is a constant and is not rendered at all.

    A text stops at :data:`MAX_TEXT` characters: one with a loop is measured as it is
    written (a loop could write without bound before the end), one without once written
    (each of its few values is bounded already)."""

    __slots__ = ("constant", "looped", "template")

    def __init__(self, env: Environment, source: str) -> None:
        self.constant: str | None = source if "{" not in source else None
        self.looped = "{%" in source and "for" in source
        self.template = _compiled(env, "text", source, lambda: source)

    def render(self, context: dict[str, Any]) -> str:
        if self.constant is not None:
            return self.constant
        template = self.template
        try:
            if self.looped:
                return _bounded(template.root_render_func(_context(template, context)))
            text = "".join(template.root_render_func(_context(template, context)))
        except Exception:
            return template.environment.handle_exception()
        if len(text) > MAX_TEXT:
            raise LimitExceeded(f"the text is longer than {MAX_TEXT:,} characters")
        return text


def _context(template: Template, context: dict[str, Any]) -> Context:
    """A render context over ``context`` as given: ``template.new_context(context,
    shared=True)`` less its cost, a set of the (empty) globals' ChainMap built on every call,
    over half of rendering a short text."""
    env = template.environment
    return env.context_class(env, context, template.name, template.blocks, None)


def _bounded(chunks: Iterable[str]) -> str:
    LOOPS.left = LOOPS.limit
    size = 0
    written: list[str] = []
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_TEXT:
            raise LimitExceeded(f"the text is longer than {MAX_TEXT:,} characters")
        written.append(chunk)
    return "".join(written)


class Expression:
    """A compiled expression (as jinja's ``compile_expression``), evaluated against a
    context as given. With ``undefined_to_none``, an undefined result is None."""

    __slots__ = ("template", "undefined_to_none")

    def __init__(self, env: Environment, source: str, *, undefined_to_none: bool = False) -> None:
        self.undefined_to_none = undefined_to_none

        def tree() -> nodes.Template:
            parser = Parser(env, source, state="variable")
            expression = parser.parse_expression()
            if not parser.stream.eos:
                raise TemplateSyntaxError("chunk after expression", parser.stream.current.lineno, None, None)
            expression.set_environment(env)
            body = [nodes.Assign(nodes.Name("result", "store"), expression, lineno=1)]
            return check_tree(nodes.Template(body, lineno=1))

        self.template = _compiled(env, "expression", source, tree)

    def __call__(self, context: dict[str, Any]) -> Any:
        template = self.template
        run = _context(template, context)
        try:
            for _ in template.root_render_func(run):
                pass
        except Exception:
            template.environment.handle_exception()
        result = run.vars["result"]
        return None if self.undefined_to_none and isinstance(result, Undefined) else result
