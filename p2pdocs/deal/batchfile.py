"""The deals of a batch file, in two passes over its YAML events, and files that can be
read only once (pipes, process substitution).

The first pass (:func:`scan_batch`) reads every event, so that a syntax error anywhere is
found before any deal is generated, but builds no deal: it gives the header and each
deal's line and directly given agreement id. The second (:func:`deals_of`) builds the
deals one at a time, each refused on its own: a deal refused while it is built (values
nested too deep, aliases that expand without bound, an alias to an anchor that a refused
deal never defined) is given as its problems, and the deals after it are still read: one
bad deal fails alone.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import yaml

from p2pdocs.deal.fieldpath import Loc
from p2pdocs.deal.yamlbuilder import reading
from p2pdocs.deal.yamlsource import Source
from p2pdocs.errors import InvalidInput, Problem


class Outline(NamedTuple):
    """One deal of a batch file as the first pass saw it."""

    line: int
    #: the agreement id it gives directly, else ``deals[i]``
    label: str
    #: the agreement id it gives directly (not through the defaults, an alias or a merge key)
    given_id: str | None


class BatchScan(NamedTuple):
    """What the first pass found: the header (every top-level key but the deals, built)
    and the outline of each deal; ``deals`` is None when the file is not a batch."""

    header: Source | None
    deals: list[Outline] | None


class Built(NamedTuple):
    """One deal of a batch file, built by the second pass."""

    #: None when the deal was refused while it was built
    data: Any
    lines: dict[Loc, int]
    problems: list[Problem]


def scan_batch(text: str | BinaryIO, file: str) -> BatchScan:
    """The first pass over a batch file: every event is read (so a syntax error anywhere is
    found before any deal is generated) but no deal is built. A file that is not a batch (a
    mapping with a list of ``deals:``) gives its data whole and no outlines, or neither when
    it is not a mapping."""
    header: dict[Any, Any] = {}
    deals: list[Outline] = []
    batch = False
    with reading(text, file) as builder:
        loader = builder.loader
        if not builder.start() or not loader.check_event(yaml.MappingStartEvent):
            return BatchScan(None, None)
        builder.lines[()] = loader.get_event().start_mark.line + 1
        while not loader.check_event(yaml.MappingEndEvent):
            key = builder.value(("\0key",))
            builder.lines[(str(key),)] = loader.peek_event().start_mark.line + 1
            if key == "deals" and loader.check_event(yaml.SequenceStartEvent) and "deals" not in header:
                batch = True
                header["deals"] = []
                loader.get_event()
                while not loader.check_event(yaml.SequenceEndEvent):
                    line = loader.peek_event().start_mark.line + 1
                    given = builder.given_id()
                    deals.append(Outline(line, given or f"deals[{len(deals)}]", given))
                loader.get_event()
            elif key in header:
                builder.problems.append(Problem(file, builder.lines[(str(key),)], str(key), "duplicate key"))
                builder.skip()
            else:
                header[key] = builder.value((str(key),))
        loader.get_event()
        builder.end()
    builder.raise_problems()
    builder.lines.pop(("\0key",), None)
    return BatchScan(Source(file, header, builder.lines), deals if batch else None)


def deals_of(text: str | BinaryIO, file: str) -> Iterator[Built]:
    """Each deal of a batch file that the first pass accepted: its value (None when it was
    refused), the lines of its values and its problems. The limits on aliases and values
    hold for each deal."""
    with reading(text, file) as builder:
        loader = builder.loader
        builder.start()
        loader.get_event()
        while not loader.check_event(yaml.MappingEndEvent):
            key = builder.value(("\0key",))
            if key != "deals" or not loader.check_event(yaml.SequenceStartEvent):
                builder.value(("\0header",))
                continue
            loader.get_event()
            index = 0
            while not loader.check_event(yaml.SequenceEndEvent):
                builder.afresh()
                level = builder.open
                try:
                    raw = builder.value(("deals", index))
                except InvalidInput as exc:
                    builder.pass_open(level)  # the rest of this deal
                    yield Built(None, {}, exc.problems)
                else:
                    yield Built(raw, builder.lines, builder.problems)
                index += 1
            loader.get_event()


def is_stream(path: Path) -> bool:
    """A pipe, a FIFO or a device: something that can be read once only."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)
