"""The worker processes of a batch: each loads the clause library and prepares the
templates once, generates the deals it is handed, and dies with the main process; the
pool keeps a few deals per worker in flight, so memory stays flat however many there are.

A killed or interrupted run leaves no worker behind and nothing half-written: a worker
removes what it is writing on SIGTERM or SIGINT, and the kernel sends it SIGTERM when the
main process dies."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import FrameType

from p2pdocs.compose.kinds import KINDS
from p2pdocs.deal.inputs import Entry
from p2pdocs.deal.terms import Deal
from p2pdocs.errors import P2pdocsError
from p2pdocs.pdf.converter import PdfOptions, close_converters
from p2pdocs.resources import Sources, configure, current
from p2pdocs.run.outcomes import WORKER_DIED, Outcome, Work
from p2pdocs.run.outputs import discard_partial, forget_locks

#: generates one deal: (deal, out, force, comments, memo, pdf) -> what it gave
Job = Callable[[Deal, Path, bool, bool, bool, PdfOptions | None], Work]
#: Deals handed to the workers ahead of those being generated, per worker.
AHEAD = 4
#: the templates every worker prepares before its first deal
TEMPLATES = tuple(kind.template for kind in KINDS)


def _init_worker(sources: Sources) -> None:
    """Load the library once per worker; on SIGTERM or SIGINT a worker removes what it is
    writing and exits at once, so that nothing half-written is left behind."""
    signal.signal(signal.SIGTERM, _worker_exit)
    signal.signal(signal.SIGINT, _worker_exit)
    forget_locks()
    _die_with_parent()
    configure(sources)
    _warm_up()


def _warm_up() -> None:
    """Load the library and prepare the templates, then tell the garbage collector that
    all of it lives as long as the process: it then no longer walks those objects again
    and again while deals are generated (a tenth of a worker's time), and runs less often."""
    from p2pdocs.resources import template_path
    from p2pdocs.run.generate import library
    from p2pdocs.word.render import prepared

    library()
    for name in TEMPLATES:
        with contextlib.suppress(P2pdocsError, OSError):
            prepared(template_path(name))
    settle()


def settle() -> tuple[int, int, int]:
    """Tell the garbage collector that everything loaded by now lives as long as the process
    (it stops walking it) and let it collect less often: each deal's objects are let go as
    soon as it is done. Returns the thresholds it had (the main process puts them back)."""
    previous = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    return previous


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
    for stop in (signal.SIGTERM, signal.SIGINT):  # Ctrl-C, then the pool's SIGTERM: clean up once
        signal.signal(stop, signal.SIG_IGN)
    discard_partial()
    close_converters()  # the worker's LibreOffice goes with it
    os._exit(128 + signum)


def parallel(
    job: Job,
    entries: Iterator[tuple[int, Entry]],
    out: Path,
    force: bool,
    jobs: int,
    in_flight: dict[int, Entry],
    finish: Callable[[int, Outcome], None],
    comments: bool = False,
    memo: bool = True,
    pdf: PdfOptions | None = None,
) -> None:
    """Run ``job`` on every valid entry in ``jobs`` worker processes; ``finish`` gets each
    outcome (an invalid entry's at once), ``in_flight`` holds the entries handed out and not
    finished. A worker that dies fails the deals it had and those that follow."""
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
                    finish(i, Outcome.invalid(entry))
                    continue
                in_flight[i] = entry
                if broken:
                    finish(i, Outcome(entry, "failed", errors=[WORKER_DIED]))
                    continue
                try:
                    futures[pool.submit(job, entry.deal, out, force, comments, memo, pdf)] = i
                except BrokenProcessPool:  # a worker died: what is left is reported, not generated
                    broken = True
                    finish(i, Outcome(entry, "failed", errors=[WORKER_DIED]))
            if not futures:
                break
            done, _ = wait(futures, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=futures.__getitem__):
                i = futures.pop(future)
                try:
                    work = future.result()
                except BrokenProcessPool:
                    work = Work([], [WORKER_DIED], [], False)
                finish(i, Outcome.of(in_flight[i], work))
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
