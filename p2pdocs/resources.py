"""Where the bundled templates and clause library are: beside the package in a checkout,
inside it (``p2pdocs/_data``) in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


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
