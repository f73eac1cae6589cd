"""Bounds on the work a clause library or a Word template can cause.

Clause text and template tags are a legal team's own code, run for every deal. Whatever
they say, a render must end, in bounded memory, with an error naming the clause or the
template rather than a traceback, a hung worker or a machine out of memory:

- no macros, calls, includes, imports, inheritance or recursive loops (refused when the
  text is compiled, so there is no recursion at all);
- every ``{% for %}`` is charged to a budget of iterations per render, at its start (no
  cost per iteration);
- ``*``, ``**``, ``%``, ``+``, ``~``, the filters and string methods that build large
  values refuse a value of more than :data:`MAX_VALUE` characters or items;
- a clause text stops at :data:`MAX_TEXT` characters, and a deal at
  :data:`RENDER_SECONDS` seconds (:func:`time_limit`).

The guards cost nothing where a text does not use the construct, and a few hundred
nanoseconds where it does.
"""

from __future__ import annotations

import functools
import re
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from types import FrameType
from typing import Any

from jinja2 import TemplateSyntaxError, nodes, pass_eval_context
from jinja2.exceptions import SecurityError
from jinja2.nodes import EvalContext
from jinja2.runtime import markup_join, str_join
from jinja2.visitor import NodeTransformer

from p2pdocs.errors import RenderTimeout

#: characters (or items) of a value an operator, filter or string method may build
MAX_VALUE = 1_000_000
#: characters of one rendered clause text
MAX_TEXT = 1_000_000
#: loop iterations in one render of a text or a template part
MAX_LOOP = 100_000
#: seconds one deal (or one sample deal of lint) may take to compose and render
RENDER_SECONDS = 60.0
#: bits of an integer ``**`` may build
MAX_BITS = 100_000


class LimitExceeded(SecurityError):
    """A text tried to do more work than the limits allow."""


class _Loops(threading.local):
    limit = MAX_LOOP
    left = MAX_LOOP


#: the loop budget of the render under way (reset at the start of every render)
LOOPS = _Loops()

_FORBIDDEN: tuple[tuple[type[nodes.Node], str], ...] = (
    (nodes.Macro, "macro"),
    (nodes.CallBlock, "call"),
    (nodes.Include, "include"),
    (nodes.Import, "import"),
    (nodes.FromImport, "from ... import"),
    (nodes.Extends, "extends"),
    (nodes.Block, "block"),
)


class _Bound(NodeTransformer):
    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, "_p2pdocs_loop", [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        items = nodes.Tuple(node.nodes, "load", lineno=node.lineno)
        return nodes.Filter(items, "_p2pdocs_concat", [], [], None, None, lineno=node.lineno)


def check_tree(tree: nodes.Template) -> nodes.Template:
    """Refuse the tags that could recurse or reach other templates; bound loops and ``~``."""
    for kind, tag in _FORBIDDEN:
        found = next(tree.find_all(kind), None)
        if found is not None:
            raise TemplateSyntaxError(
                f"{{% {tag} %}} is not allowed here (no macros, calls, includes, imports or inheritance)",
                found.lineno,
            )
    for loop in tree.find_all(nodes.For):
        if loop.recursive:
            raise TemplateSyntaxError("recursive loops are not allowed here", loop.lineno)
    bounded = _Bound().visit(tree)
    assert isinstance(bounded, nodes.Template)
    environment = getattr(tree, "environment", None)
    if environment is not None:
        bounded.set_environment(environment)
    return bounded


def bounded_loop(value: Any) -> Any:
    """The iterable of a ``{% for %}``, charged to the render's loop budget."""
    try:
        size = len(value)
    except TypeError:
        return _counted(value)
    LOOPS.left -= size
    if LOOPS.left < 0:
        raise LimitExceeded(f"loops ran more than {LOOPS.limit:,} times in one text")
    return value


def _counted(values: Iterable[Any]) -> Iterator[Any]:
    for value in values:
        LOOPS.left -= 1
        if LOOPS.left < 0:
            raise LimitExceeded(f"loops ran more than {LOOPS.limit:,} times in one text")
        yield value


def _too_large(what: str) -> LimitExceeded:
    return LimitExceeded(f"{what} would be larger than {MAX_VALUE:,} characters or items")


def _checked(value: Any, what: str) -> Any:
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_VALUE:
        raise _too_large(what)
    return value


@pass_eval_context
def bounded_concat(eval_ctx: EvalContext, items: tuple[Any, ...]) -> str:
    """``a ~ b``, refused past :data:`MAX_VALUE` characters."""
    joined: str = markup_join(items) if eval_ctx.autoescape else str_join(items)
    return _checked(joined, "'~'")  # type: ignore[no-any-return]


_WIDTH = re.compile(r"\d{6,}|%[^a-zA-Z%]*\*")


def _check_format(fmt: Any) -> None:
    if isinstance(fmt, str) and _WIDTH.search(fmt):
        raise _too_large("a formatted string with that width")


def _check_numbers(args: Iterable[Any], what: str) -> None:
    for arg in args:
        if type(arg) is int and abs(arg) > MAX_VALUE:
            raise _too_large(what)


def _estimate(name: str, value: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> int:
    """An upper bound on the size of what the filter or method ``name`` builds (0: small)."""
    if name == "replace" and isinstance(value, str) and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        hits = value.count(old) if old else len(value) + 1
        return len(value) + hits * max(0, len(new) - len(old))
    if name == "join":
        items, separator = (args[0], value) if isinstance(value, str) else (value, args[0] if args else "")
        if hasattr(items, "__len__"):
            return len(items) * len(str(separator)) + sum(len(i) for i in items if isinstance(i, str))
    if name in ("indent", "wordwrap"):
        texts = [a for a in (*args, *kwargs.values()) if isinstance(a, str)]
        if texts and isinstance(value, str):
            return len(value) * (1 + max(map(len, texts)))
    return 0


_GROWING = frozenset(
    {"center", "ljust", "rjust", "zfill", "expandtabs", "replace", "join", "format", "format_map", "indent"}
)


def _guard(name: str, f: Callable[..., Any]) -> Callable[..., Any]:
    offset = 1 if hasattr(f, "jinja_pass_arg") else 0

    @functools.wraps(f)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        value, rest = args[offset], args[offset + 1 :]
        what = f"the filter '{name}'"
        _check_numbers((*rest, *kwargs.values()), what)
        if name == "format":
            _check_format(value)
        if _estimate(name, value, rest, kwargs) > MAX_VALUE:
            raise _too_large(what)
        return _checked(f(*args, **kwargs), what)

    return guarded


def guarded_filters(filters: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """jinja's filters that can build large values, wrapped with their size checks."""
    names = ("center", "indent", "wordwrap", "truncate", "format", "replace", "join", "batch", "slice")
    return {
        **{name: _guard(name, filters[name]) for name in names if name in filters},
        "_p2pdocs_loop": bounded_loop,
        "_p2pdocs_concat": bounded_concat,
    }


def _check_method(method: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    name = getattr(method, "__name__", "")
    if name not in _GROWING:
        return
    owner = getattr(getattr(method, "__wrapped__", method), "__self__", None)
    if not isinstance(owner, str):
        return
    what = f"str.{name}()"
    _check_numbers((*args, *kwargs.values()), what)
    if name in ("format", "format_map"):
        _check_format(owner)
    if _estimate(name, owner, args, kwargs) > MAX_VALUE:
        raise _too_large(what)


class SafeOperators:
    """Sandbox mix-in: the operators and calls that can build large values, checked."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    binop_table: dict[str, Callable[[Any, Any], Any]]

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            if type(left) is int and type(right) is int and left.bit_length() + right.bit_length() > MAX_BITS:
                raise _too_large("'*'")
            for sequence, times in ((left, right), (right, left)):
                sized = isinstance(sequence, (str, list, tuple)) and type(times) is int
                if sized and len(sequence) * times > MAX_VALUE:
                    raise _too_large("'*'")
        elif operator == "**":
            if type(left) is int and type(right) is int and abs(left) > 1 and left.bit_length() * right > MAX_BITS:
                raise _too_large("'**'")
        elif operator == "%":
            _check_format(left)
        return _checked(self.binop_table[operator](left, right), f"'{operator}'")

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:
            _check_method(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)  # type: ignore[misc]


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise :class:`RenderTimeout` in the block after ``seconds`` (in the main thread of a
    process with SIGALRM; elsewhere, no limit). One timer per deal, not per text."""
    if seconds <= 0 or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise RenderTimeout(f"{what} took longer than {seconds:g} s to compose and render")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
