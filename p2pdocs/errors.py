"""The one exception root of p2pdocs, and the problems it reports.

Every error a user can cause is a :class:`P2pdocsError`. The command line catches this
root alone, prints its message and exits with its ``exit_code``; anything else is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, located as ``FILE:LINE: field.path: message``."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class P2pdocsError(Exception):
    """Root of every error p2pdocs raises on purpose."""

    exit_code = 1


class InvalidInput(P2pdocsError):
    """An input file is malformed or breaks a rule; ``problems`` lists every one found."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line, p.path, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputExists(P2pdocsError):
    """A file to be written exists already and ``--force`` was not given."""

    exit_code = 2

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        listed = "\n".join(f"  {p}" for p in paths)
        super().__init__(f"refusing to overwrite (use --force):\n{listed}")


class TemplateError(P2pdocsError):
    """A template or clause in the library is broken (a defect in the library, not the deal)."""

    exit_code = 3


class OutputError(P2pdocsError):
    """An output could not be written (permissions, disk full); nothing half-written remains."""

    exit_code = 1
