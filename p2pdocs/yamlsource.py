"""Read YAML safely, remembering the line of every value.

PyYAML's safe loader is used to compose the node tree; values are built here so that
duplicate keys are errors (PyYAML silently keeps the last one), floats stay exact
decimals, alias expansion is bounded, and every value's line is known by its path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from p2pdocs.errors import InvalidInput, Problem

#: A value's place in the data: keys and list indexes from the root.
Loc = tuple[str | int, ...]

#: At most this many nodes are built from one file.
MAX_NODES = 5_000_000
#: At most this many values may come from aliases (refuses "billion laughs" quickly).
MAX_ALIASED = 20_000
MAX_DEPTH = 100
MAX_BYTES = 64 * 1024 * 1024
#: libyaml's parser when PyYAML was built with it (several times faster), else pure Python.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FLOAT_TAG = "tag:yaml.org,2002:float"
MERGE_TAG = "tag:yaml.org,2002:merge"


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


def format_loc(loc: Loc) -> str:
    """``("agreement", "margins", 0, "by_year")`` -> ``agreement.margins[0].by_year``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class _Builder:
    def __init__(self, file: str, loader: Any) -> None:
        self.file = file
        self.loader = loader
        self.lines: dict[Loc, int] = {}
        self.problems: list[Problem] = []
        self.count = 0
        self.aliased = 0
        self.built: set[int] = set()

    def _refuse(self, node: yaml.Node, loc: Loc, why: str) -> InvalidInput:
        where = format_loc(loc[:8]) + ("..." if len(loc) > 8 else "")
        return InvalidInput([Problem(self.file, node.start_mark.line + 1, where, f"{why}; refused")])

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.count += 1
        if id(node) in self.built:  # an alias: the same node again
            self.aliased += 1
            # a bomb expands far beyond what the file holds; tools that alias repeated
            # values (PyYAML's dumper does) stay in proportion to the file
            if self.aliased > MAX_ALIASED and self.aliased > 10 * len(self.built):
                raise self._refuse(node, loc, f"aliases expand to more than {MAX_ALIASED:,} values")
        else:
            self.built.add(id(node))
        if self.count > MAX_NODES:
            raise self._refuse(node, loc, f"the document holds more than {MAX_NODES:,} values")
        if len(loc) > MAX_DEPTH:
            raise self._refuse(node, loc, f"values are nested more than {MAX_DEPTH} levels deep")
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        if node.tag == FLOAT_TAG:
            return self._decimal(node, loc)
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError, yaml.constructor.ConstructorError):
            return str(node.value)  # e.g. 2027-13-01: the model reports it as an invalid date

    def _decimal(self, node: yaml.Node, loc: Loc) -> Any:
        text = str(node.value).replace("_", "").lower()
        if text in (".nan", ".inf", "+.inf", "-.inf"):
            return self.loader.construct_object(node, deep=True)
        try:
            return Decimal(text)
        except ArithmeticError:
            return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[Any, Any]:
        self.loader.flatten_mapping(node)  # resolve "<<" merge keys
        result: dict[Any, Any] = {}
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = self.loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                hash(key)
            except TypeError:
                self.problems.append(Problem(self.file, line, format_loc(loc), "a key must be a plain value"))
                continue
            if key in seen:
                self.problems.append(
                    Problem(
                        self.file,
                        line,
                        format_loc((*loc, str(key))),
                        f"duplicate key (first given on line {seen[key]}); give each key once",
                    )
                )
                continue
            seen[key] = line
            key_loc: Loc = (*loc, key if isinstance(key, (str, int)) else str(key))
            self.lines[key_loc] = value_node.start_mark.line + 1
            result[key] = self.build(value_node, key_loc)
        return result


def parse(text: str, file: str) -> Source:
    """Parse YAML ``text`` read from ``file`` (used in messages only)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InvalidInput([Problem(file, 1, "", "the file is empty; expected a deal (a YAML mapping)")])
        builder = _Builder(file, loader)
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise InvalidInput([Problem(file, line, "", f"not valid YAML: {exc.problem or exc.context}")]) from None
    except yaml.YAMLError as exc:
        raise InvalidInput([Problem(file, 1, "", f"not valid YAML: {exc}")]) from None
    except RecursionError:
        raise InvalidInput(
            [Problem(file, 1, "", f"values are nested more than {MAX_DEPTH} levels deep; refused")]
        ) from None
    finally:
        loader.dispose()
    if builder.problems:
        raise InvalidInput(builder.problems)
    return Source(file, data, builder.lines)


def read(path: Path) -> Source:
    """Read and parse a YAML file; unreadable or non-UTF-8 files are clear errors."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise InvalidInput([Problem(name, 0, "", "is a directory, expected a YAML file")]) from None
    except OSError as exc:
        raise InvalidInput([Problem(name, 0, "", f"cannot read: {exc.strerror or exc}")]) from None
    if len(raw) > MAX_BYTES:
        raise InvalidInput([Problem(name, 0, "", f"larger than {MAX_BYTES // 2**20} MiB; refused")])
    for bom, encoding in (
        (b"\xff\xfe\x00\x00", "UTF-32"),
        (b"\x00\x00\xfe\xff", "UTF-32"),
        (b"\xff\xfe", "UTF-16"),
        (b"\xfe\xff", "UTF-16"),
    ):
        if raw.startswith(bom):
            raise InvalidInput([Problem(name, 1, "", f"encoded as {encoding}; save the file as UTF-8")])
    if b"\x00" in raw:
        raise InvalidInput([Problem(name, 0, "", "is a binary file, expected YAML text")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidInput([Problem(name, line, "", "not UTF-8 text; save the file as UTF-8")]) from None
    return parse(text, name)
