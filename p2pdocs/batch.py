"""Generate many deals at once: in parallel, with a manifest, safe to interrupt.

Every worker process loads the templates and the clause library once. Each document is
written to a temporary name and renamed, so an interrupted or killed run leaves complete
documents only; the manifest lists what was completed. The library never prints: the
caller passes ``on_done`` to show progress.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Literal

from p2pdocs import __version__
from p2pdocs.errors import P2pdocsError
from p2pdocs.generate import Written, generate, library
from p2pdocs.inputs import Entry
from p2pdocs.outputs import discard_partial
from p2pdocs.playbook import deal_findings
from p2pdocs.resources import Sources, configure, current
from p2pdocs.terms import Deal

WORKER_DIED = "a worker process died while generating this deal; run again with --force to complete"
Status = Literal["generated", "failed", "interrupted"]


@dataclass(frozen=True)
class DocumentRecord:
    path: str
    sha256: str
    size: int
    template: str
    clauses: list[str]


@dataclass
class Outcome:
    """What became of one deal of the run."""

    entry: Entry
    status: Status
    documents: list[DocumentRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    findings: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Report:
    outcomes: list[Outcome]
    seconds: float
    interrupted: bool = False

    @property
    def generated(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "generated"]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status != "generated"]

    @property
    def documents(self) -> int:
        return sum(len(o.documents) for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        if not self.failed:
            return 0
        return 1 if self.generated else 2


def _records(out: Path, written: list[Written]) -> list[DocumentRecord]:
    return [
        DocumentRecord(w.path.relative_to(out).as_posix(), w.sha256, w.size, w.template, w.clauses) for w in written
    ]


Work = tuple[list[DocumentRecord], list[str], list[dict[str, str]]]


def _work(deal: Deal, out: Path, force: bool, comments: bool = False) -> Work:
    """Generate one deal; errors come back as messages (the run goes on), with the deal's
    playbook findings."""
    findings = [f.as_dict() for f in deal_findings(deal)]
    try:
        return _records(out, generate(deal, out, force=force, comments=comments)), [], findings
    except P2pdocsError as exc:
        return [], [str(exc)], findings


def _init_worker(sources: Sources) -> None:
    """Load the library once per worker; on SIGTERM or SIGINT a worker removes what it is
    writing and exits at once, so that nothing half-written is left behind."""
    signal.signal(signal.SIGTERM, _worker_exit)
    signal.signal(signal.SIGINT, _worker_exit)
    _die_with_parent()
    configure(sources)
    library()


def _die_with_parent() -> None:
    """On Linux, have the kernel send SIGTERM to this worker when the main process dies
    (even by SIGKILL), so no orphan keeps writing after the run is gone."""
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before prctl took effect
        _worker_exit(signal.SIGTERM, None)


def _worker_exit(signum: int, frame: FrameType | None) -> None:
    discard_partial()
    os._exit(128 + signum)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run(
    entries: list[Entry],
    out: Path,
    *,
    force: bool = False,
    jobs: int = 1,
    on_done: Callable[[Outcome], None] | None = None,
    comments: bool = False,
) -> Report:
    """Generate every valid entry under ``out``; invalid ones are reported as failed."""
    start = time.perf_counter()
    outcomes: dict[int, Outcome] = {}
    notify = on_done or (lambda outcome: None)
    for i, entry in enumerate(entries):
        if entry.deal is None:
            outcomes[i] = Outcome(entry, "failed", errors=[str(p) for p in entry.problems])
            notify(outcomes[i])
    todo = [(i, e) for i, e in enumerate(entries) if e.deal is not None]
    interrupted = False
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        if jobs <= 1 or len(todo) <= 1:
            library()
            for i, entry in todo:
                assert entry.deal is not None
                docs, errors, findings = _work(entry.deal, out, force, comments)
                outcomes[i] = Outcome(entry, "failed" if errors else "generated", docs, errors, findings)
                notify(outcomes[i])
        else:
            _parallel(todo, out, force, min(jobs, len(todo)), outcomes, notify, comments)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        signal.signal(signal.SIGTERM, previous)
    for i, entry in todo:
        if i not in outcomes:
            outcomes[i] = Outcome(entry, "interrupted", errors=["not generated: the run was interrupted"])
    if interrupted or any(o.errors == [WORKER_DIED] for o in outcomes.values()):
        sweep(out, [e for _, e in todo])  # a killed writer may have left a temporary file
    report = Report([outcomes[i] for i in range(len(entries))], time.perf_counter() - start, interrupted)
    write_manifest(out, report)
    return report


def _parallel(
    todo: list[tuple[int, Entry]],
    out: Path,
    force: bool,
    jobs: int,
    outcomes: dict[int, Outcome],
    notify: Callable[[Outcome], None],
    comments: bool = False,
) -> None:
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(current(),))
    futures: dict[Future[Work], tuple[int, Entry]] = {}
    try:
        for i, entry in todo:
            futures[pool.submit(_work, entry.deal, out, force, comments)] = (i, entry)  # type: ignore[arg-type]
        from concurrent.futures import as_completed

        for future in as_completed(futures):
            i, entry = futures[future]
            try:
                docs, errors, findings = future.result()
            except BrokenProcessPool:
                docs, errors, findings = [], [WORKER_DIED], []
            outcomes[i] = Outcome(entry, "failed" if errors else "generated", docs, errors, findings)
            notify(outcomes[i])
        pool.shutdown()
    except BaseException:
        workers = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in workers:
            if process.is_alive():
                process.terminate()
        for process in workers:
            process.join(timeout=10)
        raise


def sweep(out: Path, entries: list[Entry]) -> None:
    """Remove temporary files a killed writer may have left in the run's deal folders."""
    for entry in entries:
        if entry.deal is None:
            continue
        folder = out / entry.deal.agreement.id
        if folder.is_dir():
            for tmp in folder.glob(".*.part"):
                tmp.unlink(missing_ok=True)


def manifest(report: Report) -> dict[str, Any]:
    """What the run did, deal by deal, in input order: reproducible for the same input."""
    return {
        "p2pdocs": __version__,
        "deals": [
            {
                "id": o.entry.id or o.entry.label,
                "source": {"file": o.entry.file, "line": o.entry.line},
                "status": o.status,
                "documents": [d.__dict__ for d in o.documents],
                "errors": o.errors,
                "findings": o.findings,
            }
            for o in report.outcomes
        ],
    }


def write_manifest(out: Path, report: Report) -> None:
    from p2pdocs.outputs import write_atomic

    if not out.is_dir():
        return  # nothing could be written there; the deals' errors say why
    data = json.dumps(manifest(report), indent=2, ensure_ascii=False) + "\n"
    write_atomic(out / "manifest.json", data.encode("utf-8"))


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
