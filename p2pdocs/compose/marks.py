"""Values from the deal, marked with the field they come from, so that the documents can
carry the mark (a hidden Word bookmark, :mod:`p2pdocs.word.marks`) and ``review`` can tell
which term a changed value belongs to.

:func:`marked` copies the terms with every scalar a subclass of its type that carries its
field path (``agreement.payment.days``, ``agreement.margins[1].by_year[0]``); clause text
reads them as ever (they compare, hash and compute like the plain values). When clause text
writes one (``{{ a.payment.days }}``), or a filter or helper turns one into text
(``{{ count(a.payment.days, 'day') }}``), the text written is wrapped in invisible markers
(private-use characters) naming the path: ``\\ue010path\\ue011text\\ue012``. The render
layer turns the markers into bookmarks; :func:`plain` removes them wherever the
text goes anywhere else. A value is data and stays data: the markers only surround it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

OPEN, SEP, CLOSE = "\ue010", "\ue011", "\ue012"
_MARKER = re.compile(f"{OPEN}[^{SEP}{OPEN}{CLOSE}]*{SEP}|{CLOSE}")


class MStr(str):
    path: str


class MInt(int):
    path: str


class MDecimal(Decimal):
    path: str


class MDate(date):
    path: str


_MARKED = (MStr, MInt, MDecimal, MDate)
_MARKED_TYPES = frozenset(_MARKED)


def _scalar(value: Any, path: str) -> Any:
    kind = type(value)
    out: Any
    if kind is str:
        out = MStr(value)
    elif kind is int:
        out = MInt(value)
    elif kind is Decimal:
        out = MDecimal(value)
    elif kind is date:
        out = MDate(value.year, value.month, value.day)
    else:
        return value  # bool, None, float, anything else: left as it is, unmarked
    out.path = path
    return out


_COPIES: list[tuple[Any, str, Any]] = []


def marked_once(value: Any, path: str) -> Any:
    """:func:`marked`, remembered for the last few terms (an agreement's terms are marked
    once for its composition, its cover page and each of its SoWs; the terms are immutable)."""
    for original, where, copy in _COPIES:
        if original is value and where == path:
            return copy
    copy = marked(value, path)
    _COPIES.insert(0, (value, path, copy))
    del _COPIES[4:]
    return copy


def marked(value: Any, path: str) -> Any:
    """A copy of ``value`` (terms, a list, a mapping, a scalar) with its scalars marked with
    their field paths under ``path``. Models are copied without validation (the terms were
    validated when read); mapping keys stay plain."""
    if isinstance(value, BaseModel):
        update = {name: marked(item, f"{path}.{name}") for name, item in value.__dict__.items()}
        return value.model_copy(update=update)
    if type(value) is list:
        return [marked(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if type(value) is dict:
        return {key: marked(item, f"{path}.{key}") for key, item in value.items()}
    return _scalar(value, path)


def mark(path: str, text: str) -> str:
    """``text`` wrapped in the markers naming ``path`` (empty text is left unmarked)."""
    return f"{OPEN}{path}{SEP}{text}{CLOSE}" if text else text


def finalize(value: Any) -> Any:
    """jinja's ``finalize``: a marked value is written inside its markers."""
    if type(value) in _MARKED_TYPES:  # one lookup: this runs for every value every text writes
        return mark(value.path, format(value) if not isinstance(value, str) else str.__str__(value))
    return value


def propagating(f: Callable[..., Any]) -> Callable[..., Any]:
    """``f`` (a filter or helper) whose text result carries the mark of its first argument."""

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = f(*args, **kwargs)
        if args and type(args[0]) in _MARKED_TYPES and type(result) is str and OPEN not in result:
            out = MStr(result)
            out.path = args[0].path
            return out
        return result

    wrapped.__name__ = getattr(f, "__name__", "helper")
    wrapped.__doc__ = f.__doc__
    return wrapped


def plain(text: str) -> str:
    """``text`` without markers."""
    return _MARKER.sub("", text) if OPEN in text or CLOSE in text else text
