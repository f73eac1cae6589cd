"""Generate many deals at once: in parallel, with a manifest, safe to interrupt.

Every worker process (:mod:`p2pdocs.run.pool`) loads the templates and the clause library
once. Each document is written to a temporary name and renamed, so an interrupted or
killed run leaves complete documents only; the manifest (:mod:`p2pdocs.run.manifest`)
lists what was completed. Documents are flushed to disk once, at the end of the run (one
``sync`` instead of one per file, which cost a tenth of the time), before the manifest is
written. The library never prints: the caller passes ``on_done`` to show progress.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import FrameType

from p2pdocs.deal.inputs import Entry
from p2pdocs.deal.terms import Deal
from p2pdocs.errors import P2pdocsError, TemplateError
from p2pdocs.pdf.converter import QUIT_SECONDS, PdfOptions, close_converters
from p2pdocs.playbook.findings import deal_findings
from p2pdocs.run.generate import Written, generate, preflight
from p2pdocs.run.manifest import ManifestWriter, mark_stale
from p2pdocs.run.outcomes import WORKER_DIED, DocumentRecord, Outcome, Report, Work
from p2pdocs.run.outputs import run_lock
from p2pdocs.run.pool import parallel, settle
from p2pdocs.run.signing import deal_pdfs


def _records(out: Path, written: list[Written]) -> list[DocumentRecord]:
    return [
        DocumentRecord(w.path.relative_to(out).as_posix(), w.sha256, w.size, w.template, w.clauses) for w in written
    ]


def work(
    deal: Deal, out: Path, force: bool, comments: bool = False, memo: bool = True, pdf: PdfOptions | None = None
) -> Work:
    """Generate one deal, and with ``pdf`` its PDFs and signing packet (converted by this
    process's converter, :func:`p2pdocs.pdf.converter.worker_converter`); errors come back
    as messages (the run goes on), with the deal's playbook findings. The same function
    runs in the main process, a local worker or a cluster's worker."""
    found = deal_findings(deal)
    findings = [f.as_dict() for f in found]
    try:
        written = generate(deal, out, force=force, comments=comments, memo=memo, sync=False, findings=found)
    except P2pdocsError as exc:
        return Work([], [str(exc)], findings, isinstance(exc, TemplateError))
    records = _records(out, written)
    if pdf is None:
        return Work(records, [], findings, False)
    started = time.perf_counter()
    try:
        pdfs, errors = deal_pdfs(deal, out, records, force, pdf)
    except P2pdocsError as exc:
        pdfs, errors = [], [f"PDF: {exc}"]
    seconds = time.perf_counter() - started
    if errors:  # the DOCX stay written; the deal fails for want of its PDFs
        return Work(records, errors, findings, False, seconds)
    return Work(records + pdfs, [], findings, False, seconds)


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
    pdf: PdfOptions | None = None,
    scheduler: str | None = None,
) -> Report:
    """Generate every valid entry under ``out``; invalid ones are reported as failed.

    Entries are read as the workers need them and let go once their outcome is in the
    manifest, so memory stays flat however many deals there are; ``keep`` holds every
    outcome, with its deal, in the report. With ``pdf``, each deal's PDFs are made by the
    worker that made its documents, as it completes (:func:`work`). No more workers are
    started than there are deals (``total``, when known).
    One run at a time writes into ``out`` (:func:`p2pdocs.run.outputs.run_lock`); the old
    manifest is marked stale before the first deal, so a run killed half-way never leaves
    a manifest describing other files. When the manifest cannot be written, the report
    says why (``manifest_error``) and every deal's outcome stands. With ``scheduler`` (a
    dask scheduler's address) the deals run on that cluster's workers instead
    (:mod:`p2pdocs.run.cluster`), ``jobs`` aside.
    """
    with run_lock(out):
        if total:
            jobs = min(jobs, total)
        try:
            return _run(entries, out, force, jobs, on_done, comments, memo, keep, total, pdf, scheduler)
        finally:
            close_converters(QUIT_SECONDS)  # the main process's LibreOffice (one job), if it started one


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
    pdf: PdfOptions | None,
    scheduler: str | None = None,
) -> Report:
    start = time.perf_counter()
    report = Report(total=total, keep=keep)
    notify = on_done or (lambda outcome: None)
    preflight()  # a broken library or template is reported once, before any deal
    with _long_lived():
        return _deals(entries, out, force, jobs, notify, comments, memo, keep, pdf, scheduler, start, report)


@contextlib.contextmanager
def _long_lived() -> Iterator[None]:
    """While the deals run, the collector settled as in the workers (:func:`settle`); as it
    was after the run."""
    threshold = settle()
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _deals(
    entries: Iterable[Entry],
    out: Path,
    force: bool,
    jobs: int,
    notify: Callable[[Outcome], None],
    comments: bool,
    memo: bool,
    keep: bool,
    pdf: PdfOptions | None,
    scheduler: str | None,
    start: float,
    report: Report,
) -> Report:
    manifest = ManifestWriter()
    report.manifest_error = mark_stale(out)
    in_flight: dict[int, Entry] = {}

    def finish(i: int, outcome: Outcome) -> None:
        in_flight.pop(i, None)
        report.add(outcome)
        manifest.add(i, outcome)  # before the progress: a Ctrl-C while it shows leaves the deal in the manifest
        if not keep:
            outcome.entry.deal = None
        notify(outcome)

    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        if scheduler is not None:
            from p2pdocs.run.cluster import on_cluster

            on_cluster(scheduler, work, enumerate(entries), out, force, in_flight, finish, comments, memo, pdf)
        elif jobs <= 1:
            for i, entry in enumerate(entries):
                if entry.deal is None:
                    finish(i, Outcome.invalid(entry))
                    continue
                in_flight[i] = entry
                finish(i, Outcome.of(entry, work(entry.deal, out, force, comments, memo, pdf)))
        else:
            parallel(work, enumerate(entries), out, force, jobs, in_flight, finish, comments, memo, pdf)
    except KeyboardInterrupt:
        report.interrupted = True
    except BaseException:  # a run that could not go on (a cluster that refused it): no manifest
        manifest.spool.close()
        raise
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
