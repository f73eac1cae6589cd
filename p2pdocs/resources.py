"""Where the templates and the clause library are: the bundled ones (beside the package in
a checkout, inside it in an installed wheel), replaced or extended by a legal team's own
(``--clauses DIR``, ``--templates DIR``, or ``p2pdocs.toml`` in the working directory)."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from p2pdocs.errors import InvalidInput, Problem

_PACKAGE = Path(__file__).resolve().parent
CONFIG = "p2pdocs.toml"


def data_dir(name: str) -> Path:
    """The bundled ``templates`` or ``clauses`` directory."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def templates_dir() -> Path:
    return data_dir("templates")


def clauses_dir() -> Path:
    return data_dir("clauses")


@dataclass(frozen=True)
class Sources:
    """The user's own clause library and templates, if any."""

    clauses: Path | None = None
    templates: Path | None = None


_SOURCES = Sources()


def configure(sources: Sources) -> None:
    """Use ``sources`` for this process (workers get the same through their initializer)."""
    global _SOURCES
    _SOURCES = sources


def current() -> Sources:
    return _SOURCES


def clause_dirs() -> tuple[Path, ...]:
    """The bundled library, then the user's, which replaces clauses by id and may add some."""
    return (clauses_dir(),) if _SOURCES.clauses is None else (clauses_dir(), _SOURCES.clauses)


def template_path(name: str) -> Path:
    """A template by file name: the user's when it has one, else the bundled one."""
    if _SOURCES.templates is not None and (_SOURCES.templates / name).is_file():
        return _SOURCES.templates / name
    return templates_dir() / name


def resolve(clauses: Path | None, templates: Path | None, cwd: Path | None = None) -> Sources:
    """Options first, then ``p2pdocs.toml`` in ``cwd`` (keys ``clauses`` and ``templates``,
    relative to the file); every directory must exist."""
    config = (cwd or Path.cwd()) / CONFIG
    if config.is_file():
        data = _config(config)
        if clauses is None and "clauses" in data:
            clauses = config.parent / data["clauses"]
        if templates is None and "templates" in data:
            templates = config.parent / data["templates"]
    problems = [Problem(str(p), 0, "", "no such directory") for p in (clauses, templates) if p and not p.is_dir()]
    if problems:
        raise InvalidInput(problems)
    return Sources(clauses, templates)


#: The keys of ``p2pdocs.toml``: each a directory, relative to the file.
CONFIG_KEYS = ("clauses", "templates")


def _config(config: Path) -> dict[str, str]:
    """The settings of ``p2pdocs.toml``; a wrong type or an unknown key is refused, naming
    the file, the line and the key, never ignored."""
    try:
        text = config.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise InvalidInput([Problem(str(config), 0, "", f"cannot read: {exc.strerror or exc}")]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput([Problem(str(config), 0, "", f"not valid TOML: {exc}")]) from None
    problems = []
    for key, value in data.items():
        line = _line_of(text, key)
        if key not in CONFIG_KEYS:
            close = difflib.get_close_matches(key, CONFIG_KEYS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"expected one of: {', '.join(CONFIG_KEYS)}"
            problems.append(Problem(str(config), line, key, f"unknown setting; {hint}"))
        elif not isinstance(value, str) or not value.strip():
            shown = f"{value!r}" if not isinstance(value, dict) else "a table"
            hint = f'must be the path of a directory, in quotes ({key} = "my-{key}")'
            problems.append(Problem(str(config), line, key, f"{hint}; got {shown}"))
    if problems:
        raise InvalidInput(problems)
    return {key: str(value) for key, value in data.items()}


def _line_of(text: str, key: str) -> int:
    """The line that sets a top-level ``key`` (tomllib gives no lines), or 0."""
    pattern = re.compile(rf"^\s*(\[\s*)?[\"']?{re.escape(key)}[\"']?\s*(=|\])")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    return 0
