"""A batch's deals on a dask.distributed cluster (``generate --scheduler tcp://HOST:8786``),
with the guarantees of local workers (:mod:`p2pdocs.run.pool`).

Each worker is set up once, as it joins (:class:`~p2pdocs.run.cluster_worker.Setup`), and
every worker's identity (p2pdocs' code, clause library, templates and pinned libraries) is
checked against the client's before any deal: one that differs refuses the run. Deals go
out in a sliding window (a few per worker) and come back as they complete, so memory stays
flat; each runs the local workers' own job into a scratch folder on its worker, and its
files come back to this process, which writes them into the run's folder as a local run
does (:func:`p2pdocs.run.generate.write_files`): one writer, atomic writes, ``--force``
honoured, nothing written after an interruption. A worker that dies has its deals run
again on another (dask's retries); a deal whose workers died every time fails alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from p2pdocs.deal.inputs import Entry
from p2pdocs.errors import ClusterMismatch, ClusterUnavailable, P2pdocsError, TemplateError
from p2pdocs.pdf.converter import PdfOptions
from p2pdocs.resources import Sources, current
from p2pdocs.run.outcomes import Outcome, Work
from p2pdocs.run.pool import AHEAD, Job

if TYPE_CHECKING:
    from p2pdocs.run.cluster_worker import Shipped

#: dask's Client and Future (untyped calls: kept as Any here)
Client = Any
Future = Any

#: how long to wait for the scheduler to answer, and for a first worker to join it
CONNECT_SECONDS = 30.0
#: a deal whose workers died this many times fails (dask's ``allowed-failures``)
WORKER_DIED_CLUSTER = (
    "the cluster's workers died while generating this deal, every time it was tried; run again with --force"
)
#: completed deals between two looks at how many workers the cluster has (the window follows)
RESIZE_EVERY = 64


def on_cluster(
    scheduler: str,
    job: Job,
    entries: Iterator[tuple[int, Entry]],
    out: Path,
    force: bool,
    in_flight: dict[int, Entry],
    finish: Callable[[int, Outcome], None],
    comments: bool = False,
    memo: bool = True,
    pdf: PdfOptions | None = None,
) -> None:
    """Run ``job`` on every valid entry on the cluster at ``scheduler``, as
    :func:`p2pdocs.run.pool.parallel` does on local workers: ``finish`` gets each outcome
    (an invalid entry's at once), ``in_flight`` holds the entries handed out and not
    finished. On an interruption the deals under way are cancelled and the client closed;
    when the connection to the scheduler is lost, the deals left fail with a message
    saying so."""
    distributed = _distributed()
    from p2pdocs.run.cluster_worker import PLUGIN, Setup, refusal, run_deal, worker_identity

    sources = _absolute(current())
    client = connect(scheduler)
    futures: dict[Future, int] = {}
    try:
        expected = _check_identities(client, sources, worker_identity, refusal)
        client.register_plugin(Setup(sources), name=PLUGIN)
        run = uuid.uuid4().hex[:12]
        pending = distributed.as_completed(loop=client.loop)
        window = _window(client)
        exhausted = False

        def submit() -> None:
            nonlocal exhausted
            while not exhausted and len(futures) < window:
                item = next(entries, None)
                if item is None:
                    exhausted = True
                    return
                i, entry = item
                if entry.deal is None:
                    finish(i, Outcome.invalid(entry))
                    continue
                in_flight[i] = entry
                args = (job, entry.deal, comments, memo, pdf, sources, expected)
                future = client.submit(run_deal, *args, key=f"p2pdocs-{run}-{i}", pure=False)
                futures[future] = i
                pending.add(future)

        submit()
        for done, future in enumerate(pending, 1):
            i = futures.pop(future)
            work = _collect(distributed, future, out, in_flight[i], force)
            if work is None:  # the scheduler is gone: what is left is reported, not generated
                futures[future] = i
                _lost(scheduler, futures, entries, in_flight, finish)
                return
            finish(i, Outcome.of(in_flight[i], work))
            future.release()
            if done % RESIZE_EVERY == 0:
                window = _window(client, window)
            submit()
    except BaseException:
        with contextlib.suppress(Exception):  # a connection that is gone has nothing to cancel
            client.cancel(list(futures), force=True)
        raise
    finally:
        client.close()


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ClusterUnavailable(
            "--scheduler needs dask.distributed, which is not installed: pip install 'p2pdocs[distributed]' "
            "(on this machine and on every worker)"
        ) from None
    return distributed


def connect(scheduler: str) -> Client:
    """A client of the scheduler at ``scheduler`` with at least one worker."""
    distributed = _distributed()
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, ValueError) as exc:  # TimeoutError is an OSError
        raise ClusterUnavailable(f"cannot reach the dask scheduler at {scheduler}: {exc}") from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
    except (OSError, distributed.TimeoutError):
        client.close()
        raise ClusterUnavailable(
            f"no dask worker joined the scheduler at {scheduler} within {CONNECT_SECONDS:g} s "
            f"(start some: dask worker {scheduler} --nthreads 1 --nworkers N)"
        ) from None
    return client


def _absolute(sources: Sources) -> Sources:
    """The user's clause and template folders as absolute paths (workers have other working
    directories)."""
    return Sources(*(p.resolve() if p is not None else None for p in (sources.clauses, sources.templates)))


def _check_identities(client: Client, sources: Sources, worker_identity: Any, refusal: Any) -> str:
    """This client's identity, once every worker has shown the same one (else the run is
    refused before any deal, naming each worker that differs)."""
    from p2pdocs.run.cluster_worker import identity

    expected = identity(sources)
    found: dict[str, tuple[str, str]] = client.run(worker_identity, sources)
    wrong = [refusal(w, version, mine, expected) for w, (version, mine) in sorted(found.items()) if mine != expected]
    if wrong:
        raise ClusterMismatch("\n".join(wrong))
    return expected


def _window(client: Client, before: int = 2) -> int:
    """Deals in flight: a few per worker thread, so every worker always has the next (the
    window ``before`` when the scheduler does not answer: the deals will say why)."""
    try:
        threads: int = sum(client.nthreads().values())
    except OSError:  # TimeoutError and a closed connection are OSErrors
        return before
    return max(2, AHEAD * threads)


def _collect(distributed: Any, future: Future, out: Path, entry: Entry, force: bool) -> Work | None:
    """What became of one deal: its files written into ``out``, or why it failed; None when
    the connection to the scheduler is lost."""
    try:
        shipped: Shipped = future.result()
    except distributed.scheduler.KilledWorker:
        return Work([], [WORKER_DIED_CLUSTER], [], False)
    except ClusterMismatch as exc:  # a worker that joined during the run, with another identity
        return Work([], [str(exc)], [], False)
    except (OSError, distributed.client.FutureCancelledError):  # the connection to the scheduler is lost
        return None
    return write_back(out, entry, shipped, force)


def _lost(
    scheduler: str,
    futures: dict[Future, int],
    entries: Iterator[tuple[int, Entry]],
    in_flight: dict[int, Entry],
    finish: Callable[[int, Outcome], None],
) -> None:
    """The connection to the scheduler is lost: the deals under way and those not handed
    out fail with that message (invalid ones with their problems), as when a local worker
    dies; the run's manifest lists them all."""
    lost = f"not generated: the connection to the dask scheduler at {scheduler} was lost; run again to complete"
    for i in sorted(futures.values()):
        finish(i, Outcome(in_flight[i], "failed", errors=[lost]))
    futures.clear()
    for i, entry in entries:
        finish(i, Outcome.invalid(entry) if entry.deal is None else Outcome(entry, "failed", errors=[lost]))


def write_back(out: Path, entry: Entry, shipped: Shipped, force: bool) -> Work:
    """Write the files a worker made of ``entry`` into its folder under ``out``, checked
    against the digests the worker listed; the deal fails alone if they cannot be written."""
    from p2pdocs.run.generate import write_files

    work = shipped.work
    if work.errors or entry.deal is None:
        return work
    deal_id = entry.deal.agreement.id
    files: list[tuple[str, bytes]] = []
    for record, data in zip(work.documents, shipped.files, strict=True):
        rel = PurePosixPath(record.path)
        inside = len(rel.parts) > 1 and rel.parts[0] == deal_id and ".." not in rel.parts and not rel.is_absolute()
        if not inside or hashlib.sha256(data).hexdigest() != record.sha256:
            damaged = f"{deal_id}: worker {shipped.worker} sent other files than it listed; run again with --force"
            return Work([], [damaged], work.findings, False)
        files.append((rel.relative_to(deal_id).as_posix(), data))
    try:
        write_files(out / deal_id, deal_id, files, force=force, sync=False)
    except P2pdocsError as exc:
        return Work([], [str(exc)], work.findings, isinstance(exc, TemplateError))
    return work
