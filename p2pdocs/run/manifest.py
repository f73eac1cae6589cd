"""manifest.json: what a run did, deal by deal, in input order, reproducible for the same
input; marked stale while a run is under way, so a killed run never leaves one that
describes other files."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from p2pdocs import __version__
from p2pdocs.errors import P2pdocsError

if TYPE_CHECKING:
    from p2pdocs.run.outcomes import Outcome

__all__ = ["MANIFEST", "ManifestWriter", "mark_stale"]


def _manifest_entry(outcome: Outcome) -> dict[str, Any]:
    return {
        "id": outcome.entry.id or outcome.entry.label,
        "source": {"file": outcome.entry.file, "line": outcome.entry.line},
        "status": outcome.status,
        "documents": [d.__dict__ for d in outcome.documents],
        "errors": outcome.errors,
        "findings": outcome.findings,
    }


def _manifest_head() -> str:
    return "{\n" + f'  "p2pdocs": {json.dumps(__version__)},\n' + '  "deals": ['


class ManifestWriter:
    """manifest.json written as outcomes come in, in input order: what the run did, deal
    by deal, reproducible for the same input. It is spooled (to disk when large) and
    written to ``out`` atomically at the end."""

    def __init__(self) -> None:
        self.spool = tempfile.SpooledTemporaryFile(max_size=8 * 2**20)  # noqa: SIM115 (closed in close())
        self.spool.write(_manifest_head().encode("utf-8"))
        self.next = 0
        self.pending: dict[int, Outcome] = {}
        self.count = 0

    def add(self, index: int, outcome: Outcome) -> None:
        self.pending[index] = outcome
        while self.next in self.pending:
            self._write(self.pending.pop(self.next))
            self.next += 1

    def _write(self, outcome: Outcome) -> None:
        text = json.dumps(_manifest_entry(outcome), indent=2, ensure_ascii=False).replace("\n", "\n    ")
        self.spool.write((("," if self.count else "") + "\n    " + text).encode("utf-8"))
        self.count += 1

    def close(self, out: Path) -> str | None:
        """Write manifest.json into ``out``; why it could not be written, or None."""
        try:
            for index in sorted(self.pending):  # after an interruption: what was done
                self._write(self.pending.pop(index))
            self.spool.write(("\n  ]\n}\n" if self.count else "]\n}\n").encode("utf-8"))
            if out.is_dir():  # else nothing could be written there; the deals' errors say why
                from p2pdocs.run.outputs import write_atomic

                self.spool.seek(0)
                write_atomic(out / MANIFEST, self.spool)  # copied in blocks, never whole in memory
        except (P2pdocsError, OSError) as exc:
            return f"the manifest could not be written: {exc}"
        finally:
            self.spool.close()
        return None


MANIFEST = "manifest.json"
#: what manifest.json says while a run is under way (and after one was killed)
STALE_NOTE = (
    "a run into this folder started and has not finished: the deal folders may hold other files than a manifest "
    "listed before; a complete run writes the manifest again"
)


def mark_stale(out: Path) -> str | None:
    """Before a run writes anything: replace the previous manifest with one that lists no
    deal and says it is stale (removed if it cannot be replaced). Why it failed, or None."""
    from p2pdocs.run.outputs import write_atomic

    path = out / MANIFEST
    if not path.is_file() or path.is_symlink():
        return None
    stale = {"p2pdocs": __version__, "stale": STALE_NOTE, "deals": []}
    try:
        write_atomic(path, (json.dumps(stale, indent=2) + "\n").encode("utf-8"))
    except P2pdocsError:
        try:
            path.unlink()
        except OSError as exc:
            return f"the previous manifest could not be marked stale: {exc.strerror or exc}"
    return None
