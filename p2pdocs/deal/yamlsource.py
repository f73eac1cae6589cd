"""Read YAML safely, remembering the line of every value.

:func:`read` checks a file's bytes (:mod:`p2pdocs.deal.textfile`) and :func:`parse` builds
its one document from the parser's events (:mod:`p2pdocs.deal.yamlbuilder`: duplicate keys
are errors, floats stay exact decimals, alias expansion is bounded) into a
:class:`Source`: the data, and every value's line by its path. Batch files are read deal
by deal instead (:mod:`p2pdocs.deal.batchfile`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from p2pdocs.deal.fieldpath import Loc as Loc
from p2pdocs.deal.fieldpath import format_loc as format_loc
from p2pdocs.deal.textfile import read_text
from p2pdocs.deal.yamlbuilder import TOO_DEEP, reading
from p2pdocs.errors import InvalidInput, Problem


@dataclass
class Source:
    """YAML data read from one file, with the line of each value."""

    file: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int:
        """The line of the value at ``loc``, or of its nearest enclosing value."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(loc[:end])
            if line is not None:
                return line
        return 1


def parse(text: str, file: str) -> Source:
    """Parse YAML ``text`` read from ``file`` (used in messages only)."""
    try:
        with reading(text, file) as builder:
            if not builder.start():
                raise InvalidInput([Problem(file, 1, "", "the file is empty; expected a deal (a YAML mapping)")])
            data = builder.value(())
            builder.end()
    except RecursionError:
        raise InvalidInput([Problem(file, 1, "", TOO_DEEP)]) from None
    builder.raise_problems()
    return Source(file, data, builder.lines)


def read(path: Path) -> Source:
    """Read and parse a YAML file; unreadable or non-UTF-8 files are clear errors."""
    return parse(read_text(path), str(path))
