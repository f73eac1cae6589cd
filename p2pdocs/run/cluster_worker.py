"""What runs on a dask.distributed worker for ``generate --scheduler``: the setup done once
per worker process (the client's sources, the library loaded and the templates prepared,
as a local worker does in :mod:`p2pdocs.run.pool`), the identity check, and the task that
runs the same per-deal job as a local worker into a scratch folder and ships the files
back to the client, which alone writes into the run's folder (:mod:`p2pdocs.run.cluster`).

Needs ``distributed`` (the ``p2pdocs[distributed]`` extra); imported only on that path.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import sys
import tempfile
import threading
import zlib
from pathlib import Path
from typing import NamedTuple

from distributed import WorkerPlugin, get_worker
from distributed.worker import Worker

import p2pdocs
from p2pdocs.deal.terms import Deal
from p2pdocs.errors import ClusterMismatch
from p2pdocs.pdf.converter import QUIT_SECONDS, PdfOptions, close_converters
from p2pdocs.resources import Sources, clause_dirs, configure, template_path, templates_dir
from p2pdocs.run.outcomes import Work
from p2pdocs.run.pool import TEMPLATES, Job, _warm_up

#: the libraries whose versions change the bytes of a document (or what a deal means)
PINNED = ("docxtpl", "python-docx", "lxml", "jinja2", "pypdf", "pydantic", "pyyaml", "openpyxl", "fonttools")
#: the name the worker setup is registered under (a later run replaces it)
PLUGIN = "p2pdocs-setup"


def identity(sources: Sources) -> str:
    """A hash of everything that decides a document's bytes: p2pdocs' version and code, the
    clause library and templates in use (bundled and the user's), the pinned libraries'
    versions, Python's and zlib's. Two machines with the same identity make the same bytes."""
    digest = hashlib.sha256()

    def add(*parts: str | bytes) -> None:
        for part in parts:
            data = part.encode("utf-8") if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "big") + data)

    add("p2pdocs", p2pdocs.__version__, f"python {sys.version_info[0]}.{sys.version_info[1]}")
    add("zlib", zlib.ZLIB_RUNTIME_VERSION)
    for name in PINNED:
        try:
            add(name, importlib.metadata.version(name))
        except importlib.metadata.PackageNotFoundError:
            add(name, "-")
    package = Path(p2pdocs.__file__).resolve().parent
    trees = [("code", package), *(("clauses", d) for d in clause_dirs()), ("templates", templates_dir())]
    for kind, root in trees:
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if rel.parts[0] in ("_data", "__pycache__") or path.suffix == ".pyc" or not path.is_file():
                continue
            add(kind, rel.as_posix(), path.read_bytes())
    for name in TEMPLATES:  # the user's templates that replace bundled ones
        path = template_path(name)
        add("template", name, path.read_bytes() if path.is_file() else b"-")
    return digest.hexdigest()


class _State:
    """This process's setup: the sources it was prepared for and its identity with them."""

    sources: Sources | None = None
    identity = ""


_STATE = _State()
#: guards the setup, and runs one deal at a time per process (as a local worker does)
_LOCK = threading.RLock()


def prepare(sources: Sources) -> str:
    """Set this process up for ``sources`` (once, or again for other sources) and return its
    identity: the library loaded and the templates prepared before the first deal."""
    with _LOCK:
        if _STATE.sources != sources:
            configure(sources)
            _STATE.identity = identity(sources)
            _warm_up()
            _STATE.sources = sources
        return _STATE.identity


class Setup(WorkerPlugin):
    """Prepares each worker as it joins the run (and every worker there already)."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources

    def setup(self, worker: Worker) -> None:
        prepare(self.sources)

    def teardown(self, worker: Worker) -> None:
        close_converters(QUIT_SECONDS)  # the LibreOffice a --pdf run started in this worker


def worker_identity(sources: Sources) -> tuple[str, str]:
    """This worker's p2pdocs version and identity (run on each worker before any deal)."""
    return p2pdocs.__version__, prepare(sources)


def refusal(worker: str, version: str, theirs: str, expected: str) -> str:
    """Why ``worker`` refuses the client's run."""
    return (
        f"worker {worker} runs p2pdocs {version} with code, clause library or templates of hash {theirs[:12]}, "
        f"not this client's (p2pdocs {p2pdocs.__version__}, hash {expected[:12]}): install the same p2pdocs "
        "on every worker, and give --clauses and --templates directories at the same paths with the same files"
    )


class Shipped(NamedTuple):
    """What a worker made of one deal: the job's result and each document's bytes (in the
    order of ``work.documents``), with the worker that made them."""

    work: Work
    files: list[bytes]
    worker: str


def run_deal(
    job: Job, deal: Deal, comments: bool, memo: bool, pdf: PdfOptions | None, sources: Sources, expected: str
) -> Shipped:
    """Run ``job`` (the local workers' own) on ``deal`` into a scratch folder and ship its
    files back; a worker whose identity is not ``expected`` refuses."""
    worker = get_worker()
    mine = prepare(sources)
    if mine != expected:
        raise ClusterMismatch(refusal(worker.address, p2pdocs.__version__, mine, expected))
    with _LOCK, tempfile.TemporaryDirectory(prefix="p2pdocs-", dir=worker.local_directory) as scratch:
        work = job(deal, Path(scratch), False, comments, memo, pdf)
        files = [(Path(scratch) / record.path).read_bytes() for record in work.documents]
    return Shipped(work, files, worker.address)
