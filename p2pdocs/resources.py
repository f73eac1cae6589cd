"""Where the templates and the clause library are: the bundled ones (beside the package in
a checkout, inside it in an installed wheel), replaced or extended by a legal team's own
(``--clauses DIR``, ``--templates DIR``, or ``p2pdocs.toml`` in the working directory)."""

from __future__ import annotations

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
        try:
            data = tomllib.loads(config.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InvalidInput([Problem(str(config), 0, "", f"not valid TOML: {exc}")]) from None
        if clauses is None and isinstance(data.get("clauses"), str):
            clauses = config.parent / data["clauses"]
        if templates is None and isinstance(data.get("templates"), str):
            templates = config.parent / data["templates"]
    problems = [Problem(str(p), 0, "", "no such directory") for p in (clauses, templates) if p and not p.is_dir()]
    if problems:
        raise InvalidInput(problems)
    return Sources(clauses, templates)
