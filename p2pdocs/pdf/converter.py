"""The one interface through which a worker converts its deals' documents to PDF.

A :class:`Converter` turns .docx files into PDF bytes, in order, and is closed when its
process is done with it. Three implementations:

- :class:`p2pdocs.pdf.office.LocalOffice`: a LibreOffice that stays up for the worker's
  run, over UNO (when a Python with ``uno`` is found);
- :class:`OncePerCall`: one ``soffice --convert-to`` per call, the profile kept (no ``uno``: slower);
- :class:`p2pdocs.pdf.servers.ServerPool`: a pool of unoserver instances (``--pdf-servers``).

:func:`worker_converter` gives the process's converter for a run's :class:`PdfOptions`,
made on first use and closed when the process exits (a local or a dask worker alike) or
by :func:`close_converters`.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from p2pdocs.pdf.libreoffice import Converted


class Converter(Protocol):
    def convert(self, documents: Sequence[Path]) -> list[Converted]:
        """Each of ``documents`` (.docx) as PDF (or the reason it is not), in order."""

    def close(self, wait: float = 0.0) -> None:
        """Stop whatever the converter started, after ``wait`` seconds for it to stop of its
        own accord; it may be used again after (it starts again)."""


@dataclass(frozen=True)
class PdfOptions:
    """How a run converts: sent to every worker with each deal (small, picklable)."""

    #: seconds one call (a deal's documents) may take; None: 120 s plus 10 s per document
    timeout: float | None = None
    #: unoserver instances as HOST:PORT; empty: LibreOffice in the worker
    servers: tuple[str, ...] = ()
    #: documents each server is sent at once, per worker
    per_server: int = 1
    #: documents a local LibreOffice converts before it is replaced
    restart_after: int = 500


class OncePerCall:
    """One LibreOffice process per call, converting that call's documents
    (:func:`p2pdocs.pdf.libreoffice.convert`): for a machine without ``uno``."""

    def __init__(self, timeout: float | None = None) -> None:
        self.timeout = timeout
        self._home: Path | None = None  # LibreOffice's profile, kept from one call to the next

    def convert(self, documents: Sequence[Path]) -> list[Converted]:
        import tempfile

        from p2pdocs.pdf.libreoffice import convert

        if self._home is None:
            self._home = Path(tempfile.mkdtemp(prefix="p2pdocs-soffice-"))
        return convert(documents, workers=1, timeout=self.timeout, home=self._home)

    def close(self, wait: float = 0.0) -> None:
        """Each call stops its own LibreOffice (this one too, when it is still running: a
        worker told to stop); the profile goes."""
        import shutil
        import time

        from p2pdocs.pdf.libreoffice import stop_all

        stop_all()
        if self._home is not None:
            for _ in range(20):  # a conversion thread may still be unwinding from the kill
                shutil.rmtree(self._home, ignore_errors=True)
                if not self._home.exists():
                    break
                time.sleep(0.05)
            self._home = None


def make_converter(options: PdfOptions) -> Converter:
    """A new converter for ``options``."""
    if options.servers:
        from p2pdocs.pdf.servers import ServerPool

        return ServerPool(options.servers, options.timeout, options.per_server)
    from p2pdocs.pdf.office import LocalOffice, uno_python

    python = uno_python()
    if python is None:
        return OncePerCall(options.timeout)
    return LocalOffice(python, options.timeout, options.restart_after)


#: how a converter is made: replaced by tests and benchmarks that stand in for LibreOffice
factory: Callable[[PdfOptions], Converter] = make_converter

#: how long a LibreOffice is given to quit at the end of a run before it is killed
QUIT_SECONDS = 5.0
_lock = threading.Lock()
_converters: dict[PdfOptions, Converter] = {}
_registered = False


def worker_converter(options: PdfOptions) -> Converter:
    """This process's converter for ``options``: made on first use, kept for the next deals."""
    global _registered
    with _lock:
        found = _converters.get(options)
        if found is None:
            found = _converters[options] = factory(options)
        if not _registered:
            _registered = True
            atexit.register(close_converters, QUIT_SECONDS)
            try:  # a multiprocessing worker leaves by os._exit: its finalizers run, not atexit
                from multiprocessing.util import Finalize

                Finalize(None, close_converters, args=(QUIT_SECONDS,), exitpriority=100)
            except ImportError:  # pragma: no cover - multiprocessing is in every CPython
                pass
        return found


def close_converters(wait: float = 0.0) -> None:
    """Close every converter of this process: at the end of a run or of the process (given
    ``wait`` seconds to stop of their own accord), on SIGTERM (killed at once)."""
    converters = list(_converters.values())  # no lock: a signal handler may call this
    _converters.clear()
    for converter in converters:
        converter.close(wait)
