"""Values built straight from YAML events, with the line of every value.

PyYAML's safe loader parses; values are built here so that duplicate keys are errors
(PyYAML silently keeps the last one), floats stay exact decimals, numbers YAML 1.1 would
misread (``024``, ``1:30``, ``0x1F``) are refused, and alias expansion, nesting and size
are bounded. :func:`reading` is the entry point: a :class:`Builder` over a text's events,
YAML syntax errors given as :class:`~p2pdocs.errors.InvalidInput`.
:mod:`p2pdocs.deal.yamlsource` builds a whole file with it; :mod:`p2pdocs.deal.batchfile`
the deals of a batch file one at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, BinaryIO

import yaml

from p2pdocs.deal.fieldpath import Loc, format_loc
from p2pdocs.errors import InvalidInput, Problem

#: At most this many nodes are built from one file.
MAX_NODES = 5_000_000
#: At most this many values may come from aliases (refuses "billion laughs" quickly).
MAX_ALIASED = 20_000
MAX_DEPTH = 100
TOO_DEEP = f"values are nested more than {MAX_DEPTH} levels deep; refused"
#: libyaml's parser when PyYAML was built with it (several times faster), else pure Python.
Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FLOAT_TAG = "tag:yaml.org,2002:float"
MERGE_TAG = "tag:yaml.org,2002:merge"

_SCALAR, _MAPPING, _ALIAS = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.AliasEvent
_END = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
BOOL_TAG = "tag:yaml.org,2002:bool"
_BOOLS: dict[str, bool] = yaml.constructor.SafeConstructor.bool_values


class Builder:
    """Builds values straight from libyaml's events (several times faster than composing
    PyYAML's node tree first), recording the line of every value by its path in
    ``lines``. An alias is the value its anchor built (shared, as PyYAML does); what it
    stands for counts towards the limits, so that an alias bomb is refused early."""

    def __init__(self, file: str, loader: Any) -> None:
        self.file = file
        self.loader = loader
        self.lines: dict[Loc, int] = {}
        self.problems: list[Problem] = []
        self.count = 0
        self.aliased = 0
        self.anchors: dict[str, tuple[Any, int]] = {}
        self._tags: dict[str, str] = {}
        #: collections whose start was read and whose end was not: after a refusal, how
        #: deep the parser is in what was being built (see :meth:`pass_open`)
        self.open = 0

    def start(self) -> bool:
        """Past the stream's and the document's start; False when the stream holds no document."""
        self.loader.get_event()
        if self.loader.check_event(yaml.StreamEndEvent):
            return False
        self.loader.get_event()
        return True

    def end(self) -> None:
        """Past the document's end: the stream must end there (one document per file)."""
        self.loader.get_event()
        if not self.loader.check_event(yaml.StreamEndEvent):
            line = self.loader.peek_event().start_mark.line + 1
            raise InvalidInput([Problem(self.file, line, "", "expected one YAML document; this file holds more")])

    def raise_problems(self) -> None:
        """The problems met while building (duplicate keys, misread numbers...), all at once."""
        if self.problems:
            raise InvalidInput(self.problems)

    def afresh(self) -> None:
        """Lines, problems and the counts of the limits start again (anchors are kept): each
        deal of a batch file is held to the limits on its own."""
        self.lines, self.problems = {}, []
        self.count = self.aliased = 0

    def _refuse(self, line: int, loc: Loc, why: str) -> InvalidInput:
        where = format_loc(loc[:8]) + ("..." if len(loc) > 8 else "")
        return InvalidInput([Problem(self.file, line, where, f"{why}; refused")])

    def _counted(self, n: int, line: int, loc: Loc) -> None:
        self.count += n
        if self.count > MAX_NODES:
            raise self._refuse(line, loc, f"the document holds more than {MAX_NODES:,} values")

    def value(self, loc: Loc) -> Any:
        """The next value of the event stream, built; its line is recorded at ``loc``."""
        event = self.loader.get_event()
        line = event.start_mark.line + 1
        self.lines.setdefault(loc, line)
        kind = type(event)
        if kind is _SCALAR:
            self._counted(1, line, loc)
            result = self._scalar(event)
            if _maybe_number(event):
                why = misread_number(event.value, result)
                if why:
                    where = loc[:-1] if loc[-1:] == ("\0key",) else loc
                    self.problems.append(Problem(self.file, line, format_loc(where), why))
            size = 1
        elif kind is _ALIAS:
            if event.anchor not in self.anchors:
                raise InvalidInput([Problem(self.file, line, format_loc(loc), f"unknown alias '*{event.anchor}'")])
            result, size = self.anchors[event.anchor]
            self.aliased += size
            # a bomb expands far beyond what the file holds; tools that alias repeated
            # values (PyYAML's dumper does) stay in proportion to the file
            if self.aliased > MAX_ALIASED and self.aliased > 10 * self.count:
                raise self._refuse(line, loc, f"aliases expand to more than {MAX_ALIASED:,} values")
            return result
        else:
            self.open += 1
            if len(loc) >= MAX_DEPTH:
                raise self._refuse(line, loc, TOO_DEEP.removesuffix("; refused"))
            before = self.count + self.aliased
            self._counted(1, line, loc)
            result = self._mapping(loc, line) if kind is _MAPPING else self._sequence(loc)
            self.open -= 1
            size = self.count + self.aliased - before
        if event.anchor is not None:
            self.anchors[event.anchor] = (result, size)
        return result

    def _sequence(self, loc: Loc) -> list[Any]:
        items: list[Any] = []
        check = self.loader.check_event
        while not check(yaml.SequenceEndEvent):
            items.append(self.value((*loc, len(items))))
        self.loader.get_event()
        return items

    def _mapping(self, loc: Loc, line: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        seen: dict[Any, int] = {}
        merged: list[tuple[int, Any]] = []
        check = self.loader.check_event
        peek = self.loader.peek_event
        get = self.loader.get_event
        while not check(yaml.MappingEndEvent):
            event = peek()
            key_line = event.start_mark.line + 1
            if type(event) is _SCALAR and event.anchor is None and not _maybe_number(event):
                get()  # the common key: a plain word, built as value() would, with no line kept
                self._counted(1, key_line, loc)
                key = self._scalar(event)
            else:
                key = self.value((*loc, "\0key"))
                self.lines.pop((*loc, "\0key"), None)
            value_line = peek().start_mark.line + 1
            if key is _MERGE:
                merged.append((key_line, self.value((*loc, "<<"))))
                continue
            try:
                hash(key)
            except TypeError:
                self.problems.append(Problem(self.file, key_line, format_loc(loc), "a key must be a plain value"))
                self.value((*loc, "\0ignored"))
                continue
            key_loc: Loc = (*loc, key if isinstance(key, (str, int)) else str(key))
            if key in seen:
                self.problems.append(
                    Problem(
                        self.file,
                        key_line,
                        format_loc(key_loc),
                        f"duplicate key (first given on line {seen[key]}); give each key once",
                    )
                )
                self.value((*loc, "\0ignored"))
                continue
            seen[key] = key_line
            self.lines[key_loc] = value_line
            result[key] = self.value(key_loc)
        self.loader.get_event()
        return self._merge(result, merged, loc) if merged else result

    def _merge(self, own: dict[Any, Any], merged: list[tuple[int, Any]], loc: Loc) -> dict[Any, Any]:
        """YAML merge keys (``<<: *defaults``): the mapping's own keys win, then the merged
        mappings in the order given."""
        result: dict[Any, Any] = {}
        for line, value in merged:
            sources = value if isinstance(value, list) else [value]
            for source in sources:
                if not isinstance(source, dict):
                    self.problems.append(
                        Problem(self.file, line, format_loc((*loc, "<<")), "a merge key ('<<') takes mappings only")
                    )
                    continue
                for key, item in source.items():
                    if key not in result and key not in own:
                        result[key] = item
                        self.lines.setdefault((*loc, key if isinstance(key, (str, int)) else str(key)), line)
        result.update(own)
        return result

    def _scalar(self, event: Any) -> Any:
        value: str = event.value
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return value  # quoted: a string
            tag = self._tags.get(value)
            if tag is None:
                tag = self.loader.resolve(yaml.ScalarNode, value, (True, False))
                if len(self._tags) < 4096:
                    self._tags[value] = tag
        if tag == STR_TAG:
            return value
        if tag == MERGE_TAG:
            return _MERGE
        if tag == INT_TAG and value.isascii() and value.isdigit() and (value[0] != "0" or value == "0"):
            return int(value)  # plain digits, as PyYAML's constructor reads them (no octal, base 60...)
        if tag == BOOL_TAG and (truth := _BOOLS.get(value.lower())) is not None:
            return truth
        node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
        try:
            return self._decimal(node) if tag == FLOAT_TAG else self._construct(node)
        except (ValueError, OverflowError, LookupError, AttributeError, TypeError, yaml.constructor.ConstructorError):
            # e.g. 2027-13-01, or an explicit tag on text it cannot read (``!!bool maybe``,
            # ``!!timestamp soon``): the text, which the model reports as the wrong kind
            return value

    def _construct(self, node: yaml.ScalarNode) -> Any:
        """PyYAML's constructor for the scalar; it remembers every node it built (for
        aliases, which are resolved here), so that memory is let go at once."""
        try:
            return self.loader.construct_object(node, deep=True)
        finally:
            self.loader.constructed_objects.clear()

    def _decimal(self, node: yaml.ScalarNode) -> Any:
        text = str(node.value).replace("_", "").lower()
        if text in (".nan", ".inf", "+.inf", "-.inf"):
            return self._construct(node)
        try:
            return Decimal(text)
        except ArithmeticError:
            return self._construct(node)

    def pass_open(self, level: int) -> None:
        """After a value was refused half-way: pass over the rest of the collections it had
        opened, back to ``level`` open ones."""
        get = self.loader.get_event
        while self.open > level:
            kind = type(get())
            if kind is _MAPPING or kind is yaml.SequenceStartEvent:
                self.open += 1
            elif kind in _END:
                self.open -= 1

    def skip(self) -> None:
        """Pass over the next value without building it (its anchors are noted, and an
        alias to no anchor is refused as the composer would)."""
        depth = 0
        get = self.loader.get_event
        while True:
            event = get()
            kind = type(event)
            if kind is _ALIAS:
                if event.anchor not in self.anchors:
                    line = event.start_mark.line + 1
                    raise InvalidInput([Problem(self.file, line, "", f"unknown alias '*{event.anchor}'")])
            elif kind not in _END and event.anchor is not None:
                self.anchors[event.anchor] = (None, 0)
            if kind is _MAPPING or kind is yaml.SequenceStartEvent:
                depth += 1
            elif kind in _END:
                depth -= 1
            if depth == 0:
                return

    def given_id(self) -> str | None:
        """Pass over the next value, a deal, noting the agreement id it gives directly."""
        found: str | None = None
        if not self.loader.check_event(_MAPPING) or self.loader.peek_event().anchor is not None:
            self.skip()
            return None
        self.loader.get_event()
        while not self.loader.check_event(yaml.MappingEndEvent):
            key = self.loader.peek_event()
            self.skip()
            if type(key) is _SCALAR and key.value == "agreement" and self.loader.check_event(_MAPPING):
                event = self.loader.get_event()
                if event.anchor is not None:
                    self.anchors[event.anchor] = (None, 0)
                while not self.loader.check_event(yaml.MappingEndEvent):
                    inner = self.loader.peek_event()
                    self.skip()
                    value = self.loader.peek_event()
                    is_id = type(inner) is _SCALAR and inner.value == "id" and type(value) is _SCALAR
                    if is_id and (not value.implicit[0] or self._scalar(value) == value.value):
                        found = value.value
                    self.skip()
                self.loader.get_event()
            else:
                self.skip()
        self.loader.get_event()
        return found


#: The characters a YAML number can begin with: only such plain scalars are checked.
_NUMBER_START = frozenset("0123456789+-")


def _maybe_number(event: Any) -> bool:
    """Whether a scalar event may be a number YAML 1.1 misreads (see :func:`misread_number`)."""
    return not event.style and event.implicit[0] and event.value[:1] in _NUMBER_START


_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+")


def misread_number(text: str, value: Any) -> str | None:
    """Why the plain scalar ``text``, which YAML 1.1 resolved to ``value``, is not the
    number the user typed, or None. YAML 1.1 reads ``024`` as octal 20, ``1:30`` as 90
    (base 60) and ``0x1F`` as 31; a contract must never hold a number nobody typed, so
    these forms are refused, whatever the field (quoting keeps them as text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        return None
    if ":" in text and not isinstance(value, str):
        return (
            f"YAML reads {text} as a base-60 number ({value}); write the number you mean in plain "
            f"digits, or quote it if it is text"
        )
    if _LEADING_ZERO.fullmatch(text):
        meaning = f"the octal number {value}" if isinstance(value, int) else "text, not a number"
        return (
            f"{text} has a leading zero, which YAML reads as {meaning}; write the number without "
            f"leading zeros, or quote it if it is text"
        )
    if isinstance(value, int) and text.lstrip("+-")[:2].lower() in ("0x", "0b"):
        base = "hexadecimal" if "x" in text.lower() else "binary"
        return f"YAML reads {text} as a {base} number ({value}); write it in decimal digits, or quote it if it is text"
    return None


class _Merge:
    """The merge key ``<<``."""


_MERGE = _Merge()


@contextmanager
def reading(text: str | BinaryIO, file: str, loader: type[yaml.SafeLoader] = Loader) -> Iterator[Builder]:
    """A :class:`Builder` over the YAML events of ``text`` read from ``file`` (used in
    messages only), parsed by ``loader``: a syntax error is an
    :class:`~p2pdocs.errors.InvalidInput` with its line, and the parser is let go at the end."""
    parser: Any = loader(text)
    try:
        yield Builder(file, parser)
    except yaml.YAMLError as exc:
        raise syntax_error(file, exc) from None
    finally:
        parser.dispose()


def syntax_error(file: str, exc: yaml.YAMLError) -> InvalidInput:
    """The YAML syntax error ``exc`` of ``file`` as p2pdocs' problem, with its line."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        if "nesting depth" in str(exc.problem):
            # libyaml (0.2.6 and later) has a limit of its own, far above ours, and reads ahead
            # of the builder in flow collections: what it refuses is past p2pdocs' limit too
            return InvalidInput([Problem(file, line, "", TOO_DEEP)])
        return InvalidInput([Problem(file, line, "", f"not valid YAML: {exc.problem or exc.context}")])
    return InvalidInput([Problem(file, 1, "", f"not valid YAML: {exc}")])
