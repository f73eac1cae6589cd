"""The one exception root of p2pdocs, and the problems it reports.

Every error a user can cause is a :class:`P2pdocsError`. The command line catches this
root alone, prints its message and exits with its ``exit_code``; anything else is a bug.
Every error class is here, with its exit code: 1 a run did not complete (an output could
not be written, LibreOffice missing), 2 an input is wrong (a deal, a path, a document to
verify) or an output is taken, 3 the clause library or a template is broken.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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


# The errors below are raised by one stage each; they live here so that the exit codes a
# user sees are in one place (README, "Exit status").


class NoDeals(P2pdocsError):
    """The paths given to ``p2pdocs generate`` hold no deal file."""

    exit_code = 2


class NoTerminal(P2pdocsError):
    """``p2pdocs new`` was run without a terminal to ask its questions on."""

    exit_code = 2


class SheetUsage(P2pdocsError):
    """``--sheet`` used wrongly: not one programme file, or not a .xlsx or .csv sheet."""

    exit_code = 2


class ManifestUnusable(P2pdocsError):
    """``portfolio --manifest`` was given a file that is not a readable p2pdocs manifest."""

    exit_code = 2


class UnknownClause(P2pdocsError):
    """No clause of the library has the id asked for (``p2pdocs clauses show``)."""

    exit_code = 2


class CannotRead(P2pdocsError):
    """The document cannot be read (damaged, not a .docx, or unsafe to open)."""

    exit_code = 2

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: cannot be read: {reason}")


class OutputBusy(P2pdocsError):
    """Another run is writing into the same output folder."""

    exit_code = 2


class ConverterMissing(P2pdocsError):
    """LibreOffice is not installed."""

    exit_code = 1


class FontMissing(ConverterMissing):
    """Carlito, the font of the watermark (and of the templates), is not installed."""


class ClusterUnavailable(P2pdocsError):
    """``--scheduler``: dask.distributed is not installed, the scheduler cannot be reached,
    no worker joined it, or the connection to it was lost."""

    exit_code = 1


class ClusterMismatch(P2pdocsError):
    """``--scheduler``: a worker runs another p2pdocs, clause library or templates than the
    client's (their hashes differ), so it refuses to generate a deal."""

    exit_code = 1


class RenderTimeout(TemplateError):
    """Composing and rendering took longer than the time limit."""


class LibraryError(TemplateError):
    """The clause library cannot be loaded; ``problems`` lists every one found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        n = len(self.problems)
        listed = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"the clause library has {n} problem{'s' if n != 1 else ''}:\n{listed}")


class ConverterUnreachable(P2pdocsError):
    """A conversion server of ``--pdf-servers`` does not answer as a unoserver (checked
    before any deal is generated)."""

    exit_code = 2


class NotGenerated(P2pdocsError):
    """A returned document has no p2pdocs provenance (or its deal file is not at hand) and
    no deal was given to review it against."""

    exit_code = 2
