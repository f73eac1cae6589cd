"""The deals of a batch file, built one at a time, each refused on its own; and files that
can be read only once (pipes, process substitution), read once.

A deal refused while it is built (values nested too deep, aliases that expand without
bound, an alias to an anchor that a refused deal never defined) is given as its problems,
and the deals after it are still read: one bad deal fails alone.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from p2pdocs.deal.yamlsource import Loc, _Builder, _Loader, _start, _syntax
from p2pdocs.errors import InvalidInput, Problem

_STEP = {yaml.MappingStartEvent: 1, yaml.SequenceStartEvent: 1, yaml.MappingEndEvent: -1, yaml.SequenceEndEvent: -1}
_get_event: Any = _Loader.get_event


class _Loader_(_Loader):  # type: ignore[misc, valid-type]
    """The YAML parser, counting how deep in collections it is, so that after a deal is
    refused half-way the rest of that deal can be passed over."""

    depth = 0

    def get_event(self) -> Any:
        event = _get_event(self)
        step = _STEP.get(type(event))
        if step:
            self.depth += step
        return event


Built = tuple[Any, dict[Loc, int], list[Problem]]


def deals_of(text: str | BinaryIO, file: str) -> Iterator[Built]:
    """Each deal of a batch file that the first pass accepted: its value (None when it was
    refused), the lines of its values and its problems. The limits on aliases and values
    hold for each deal."""
    loader: Any = _Loader_(text)
    builder = _Builder(file, loader)
    try:
        _start(loader)
        loader.get_event()
        while not loader.check_event(yaml.MappingEndEvent):
            key = builder.value(("\0key",))
            if key != "deals" or not loader.check_event(yaml.SequenceStartEvent):
                builder.value(("\0header",))
                continue
            loader.get_event()
            index = 0
            while not loader.check_event(yaml.SequenceEndEvent):
                builder.lines, builder.problems = {}, []
                builder.count = builder.aliased = 0
                level = loader.depth
                try:
                    raw = builder.value(("deals", index))
                except InvalidInput as exc:
                    while loader.depth > level:  # the rest of this deal, passed over
                        loader.get_event()
                    yield None, {}, exc.problems
                else:
                    yield raw, builder.lines, builder.problems
                index += 1
            loader.get_event()
    except yaml.YAMLError as exc:
        raise _syntax(file, exc) from None
    finally:
        loader.dispose()


def is_stream(path: Path) -> bool:
    """A pipe, a FIFO or a device: something that can be read once only."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)
