"""Generate many deals at once: in parallel, with a manifest, safe to interrupt.

Every worker process loads the templates and the clause library once. Each document is
written to a temporary name and renamed, so an interrupted or killed run leaves complete
documents only; the manifest lists what was completed. Documents are flushed to disk once,
at the end of the run (one ``sync`` instead of one per file, which cost a tenth of the
time), before the manifest is written. The library never prints: the
caller passes ``on_done`` to show progress.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Literal

from p2pdocs.compose.kinds import KINDS
from p2pdocs.deal.inputs import Entry
from p2pdocs.deal.terms import Deal
from p2pdocs.errors import P2pdocsError, TemplateError
from p2pdocs.playbook.findings import deal_findings
from p2pdocs.resources import Sources, configure, current
from p2pdocs.run.generate import Written, generate, library, preflight
from p2pdocs.run.manifest import ManifestWriter, mark_stale
from p2pdocs.run.manifest import manifest as manifest  # re-exported: the manifest used to live here
from p2pdocs.run.manifest import write_manifest as write_manifest
from p2pdocs.run.outputs import discard_partial, forget_locks, run_lock

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
    #: failed by a defect of the clause library or a template, not of the deal
    library: bool = False


@dataclass
class Report:
    """What a run did: counts and failures (every outcome only when the run keeps them;
    a large run streams its outcomes to the manifest instead of holding them)."""

    total: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    generated: int = 0
    documents: int = 0
    failed: list[Outcome] = field(default_factory=list)
    severities: dict[str, int] = field(default_factory=dict)
    #: (deal id, rule, message) of every high-severity finding
    high: list[tuple[str, str, str]] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    keep: bool = False
    #: why manifest.json could not be written (every deal's outcome still stands)
    manifest_error: str | None = None
    library_failed: bool = False

    def add(self, outcome: Outcome) -> None:
        if outcome.status == "generated":
            self.generated += 1
        else:
            self.failed.append(outcome)
            self.library_failed = self.library_failed or outcome.library
        self.documents += len(outcome.documents)
        for finding in outcome.findings:
            severity = finding["severity"]
            self.severities[severity] = self.severities.get(severity, 0) + 1
            if severity == "high":
                self.high.append((outcome.entry.id or outcome.entry.label, finding["rule"], finding["message"]))
        if self.keep:
            self.outcomes.append(outcome)

    def recount(self) -> None:
        """Count again from the kept outcomes, after a later step (PDFs) changed them."""
        assert self.keep, "only a run that kept its outcomes can be counted again"
        outcomes, self.outcomes = self.outcomes, []
        self.generated, self.documents, self.failed, self.severities, self.high = 0, 0, [], {}, []
        self.library_failed = False
        for outcome in outcomes:
            self.add(outcome)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        if self.manifest_error and not self.failed:
            return 1 if self.generated else 2
        if not self.failed:
            return 0
        if self.library_failed:
            return TemplateError.exit_code
        return 1 if self.generated else 2


def _records(out: Path, written: list[Written]) -> list[DocumentRecord]:
    return [
        DocumentRecord(w.path.relative_to(out).as_posix(), w.sha256, w.size, w.template, w.clauses) for w in written
    ]


#: documents written, errors, findings, and whether the clause library or a template failed
Work = tuple[list[DocumentRecord], list[str], list[dict[str, str]], bool]


def _work(deal: Deal, out: Path, force: bool, comments: bool = False, memo: bool = True) -> Work:
    """Generate one deal; errors come back as messages (the run goes on), with the deal's
    playbook findings."""
    found = deal_findings(deal)
    findings = [f.as_dict() for f in found]
    try:
        written = generate(deal, out, force=force, comments=comments, memo=memo, sync=False, findings=found)
        return _records(out, written), [], findings, False
    except P2pdocsError as exc:
        return [], [str(exc)], findings, isinstance(exc, TemplateError)


def _init_worker(sources: Sources) -> None:
    """Load the library once per worker; on SIGTERM or SIGINT a worker removes what it is
    writing and exits at once, so that nothing half-written is left behind."""
    signal.signal(signal.SIGTERM, _worker_exit)
    signal.signal(signal.SIGINT, _worker_exit)
    forget_locks()
    _die_with_parent()
    configure(sources)
    _warm_up()


#: the templates every worker prepares before its first deal
TEMPLATES = tuple(kind.template for kind in KINDS)


def _warm_up() -> None:
    """Load the library and prepare the templates, then tell the garbage collector that
    all of it lives as long as the process: it then no longer walks those objects again
    and again while deals are generated (a tenth of a worker's time), and runs less often."""
    from p2pdocs.resources import template_path
    from p2pdocs.word.render import prepared

    library()
    for name in TEMPLATES:
        with contextlib.suppress(P2pdocsError, OSError):
            prepared(template_path(name))
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


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
    entries: Iterable[Entry],
    out: Path,
    *,
    force: bool = False,
    jobs: int = 1,
    on_done: Callable[[Outcome], None] | None = None,
    comments: bool = False,
    memo: bool = True,
    keep: bool = False,
    total: int = 0,
) -> Report:
    """Generate every valid entry under ``out``; invalid ones are reported as failed.

    Entries are read as the workers need them and let go once their outcome is in the
    manifest, so memory stays flat however many deals there are; ``keep`` holds every
    outcome, with its deal, in the report (for a step that follows, such as PDFs).
    One run at a time writes into ``out`` (:func:`p2pdocs.run.outputs.run_lock`); the old
    manifest is marked stale before the first deal, so a run killed half-way never leaves
    a manifest describing other files. When the manifest cannot be written, the report
    says why (``manifest_error``) and every deal's outcome stands.
    """
    with run_lock(out):
        return _run(entries, out, force, jobs, on_done, comments, memo, keep, total)


def _run(
    entries: Iterable[Entry],
    out: Path,
    force: bool,
    jobs: int,
    on_done: Callable[[Outcome], None] | None,
    comments: bool,
    memo: bool,
    keep: bool,
    total: int,
) -> Report:
    start = time.perf_counter()
    report = Report(total=total, keep=keep)
    notify = on_done or (lambda outcome: None)
    preflight()  # a broken library or template is reported once, before any deal
    manifest = ManifestWriter()
    report.manifest_error = mark_stale(out)
    in_flight: dict[int, Entry] = {}

    def finish(i: int, outcome: Outcome) -> None:
        in_flight.pop(i, None)
        report.add(outcome)
        notify(outcome)
        manifest.add(i, outcome)
        if not keep:
            outcome.entry.deal = None

    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        if jobs <= 1:
            for i, entry in enumerate(entries):
                if entry.deal is None:
                    finish(i, _invalid(entry))
                    continue
                in_flight[i] = entry
                docs, errors, findings, broken = _work(entry.deal, out, force, comments, memo)
                finish(i, Outcome(entry, "failed" if errors else "generated", docs, errors, findings, broken))
        else:
            _parallel(enumerate(entries), out, force, jobs, in_flight, finish, comments, memo)
    except KeyboardInterrupt:
        report.interrupted = True
    finally:
        signal.signal(signal.SIGTERM, previous)
    died = any(o.errors == [WORKER_DIED] for o in report.failed)
    if report.interrupted or died:
        sweep(out, [*in_flight.values(), *(o.entry for o in report.failed if o.errors == [WORKER_DIED])])
    for i, entry in sorted(in_flight.items()):
        finish(i, Outcome(entry, "interrupted", errors=["not generated: the run was interrupted"]))
    if report.generated:
        os.sync()  # the documents reach the disk before the manifest that lists them
    report.seconds = time.perf_counter() - start
    report.manifest_error = manifest.close(out)
    return report


def _invalid(entry: Entry) -> Outcome:
    return Outcome(entry, "failed", errors=[str(p) for p in entry.problems])


#: Deals handed to the workers ahead of those being generated, per worker.
AHEAD = 4


def _parallel(
    entries: Iterator[tuple[int, Entry]],
    out: Path,
    force: bool,
    jobs: int,
    in_flight: dict[int, Entry],
    finish: Callable[[int, Outcome], None],
    comments: bool = False,
    memo: bool = True,
) -> None:
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(current(),))
    futures: dict[Future[Work], int] = {}
    try:
        exhausted = broken = False
        while True:
            while not exhausted and len(futures) < jobs * AHEAD:
                item = next(entries, None)
                if item is None:
                    exhausted = True
                    break
                i, entry = item
                if entry.deal is None:
                    finish(i, _invalid(entry))
                    continue
                in_flight[i] = entry
                if broken:
                    finish(i, Outcome(entry, "failed", errors=[WORKER_DIED]))
                    continue
                try:
                    futures[pool.submit(_work, entry.deal, out, force, comments, memo)] = i
                except BrokenProcessPool:  # a worker died: what is left is reported, not generated
                    broken = True
                    finish(i, Outcome(entry, "failed", errors=[WORKER_DIED]))
            if not futures:
                break
            done, _ = wait(futures, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=futures.__getitem__):
                i = futures.pop(future)
                try:
                    docs, errors, findings, broken = future.result()
                except BrokenProcessPool:
                    docs, errors, findings, broken = [], [WORKER_DIED], [], False
                finish(i, Outcome(in_flight[i], "failed" if errors else "generated", docs, errors, findings, broken))
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


def sweep(out: Path, entries: Iterable[Entry]) -> None:
    """Remove temporary files a killed writer may have left in the run's deal folders."""
    for entry in entries:
        if entry.id is None:
            continue
        folder = out / entry.id
        if folder.is_dir():
            for tmp in folder.glob(".*.part"):
                tmp.unlink(missing_ok=True)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
