"""DOCX to PDF with LibreOffice, and nothing left running afterwards.

Where no Python with ``uno`` is found (so no LibreOffice that stays up,
:mod:`p2pdocs.pdf.office`), each call converts its documents (a deal's) with a LibreOffice
process of its own, with its own profile directory and HOME, in a process group of its own. A
process that runs past its timeout is killed with its whole group and its documents are
reported as timed out; one that fails is reported with its own error output. When the run
is stopped (Ctrl-C, SIGTERM: a KeyboardInterrupt in the main thread), every LibreOffice
process is killed and its profile removed before the interruption goes on. Every expected
PDF is checked to exist and have pages.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from p2pdocs.errors import ConverterMissing

INSTALL_HINT = (
    "LibreOffice is needed for PDF output and was not found (no 'soffice' on PATH). Install it: "
    "on Debian or Ubuntu, apt-get install libreoffice-writer-nogui; elsewhere, from libreoffice.org"
)

#: the default timeout of a LibreOffice process: time to start, plus time per document
START_SECONDS = 120.0
SECONDS_PER_DOCUMENT = 10.0
POLL_SECONDS = 0.2


def soffice() -> str:
    """The LibreOffice binary (``P2PDOCS_SOFFICE``, else ``soffice`` on PATH), or
    :class:`ConverterMissing` naming what to install."""
    found = shutil.which(os.environ.get("P2PDOCS_SOFFICE") or "soffice") or shutil.which("libreoffice")
    if not found:
        raise ConverterMissing(INSTALL_HINT)
    return found


def default_timeout(documents: int) -> float:
    """How long a LibreOffice process converting ``documents`` documents may run."""
    return START_SECONDS + SECONDS_PER_DOCUMENT * documents


@dataclass(frozen=True)
class Converted:
    source: Path
    pdf: bytes | None
    error: str = ""


def convert(
    documents: Sequence[Path],
    workers: int = 1,
    timeout: float | None = None,
    on_converted: Callable[[Path], None] | None = None,
    home: Path | None = None,
) -> list[Converted]:
    """Convert ``documents`` (.docx) to PDF with ``workers`` LibreOffice processes, each
    converting its share in one invocation and allowed ``timeout`` seconds (default
    :func:`default_timeout` of its share). ``on_converted`` is called with each document
    as its PDF appears. With ``home`` (one worker), LibreOffice's profile is kept there from
    one call to the next, so that only the first call starts it twice (to create the
    profile). The result is in the order given."""
    binary = soffice()
    shares = [list(range(i, len(documents), max(1, workers))) for i in range(max(1, min(workers, len(documents))))]
    group = _Group(on_converted or (lambda path: None))
    _GROUPS.add(group)
    results: dict[int, Converted] = {}
    pool = ThreadPoolExecutor(max_workers=len(shares) or 1)
    try:
        futures = [pool.submit(_convert_share, group, binary, documents, share, timeout, home) for share in shares]
        for future in futures:
            results.update(_result_of(future))
    except BaseException:
        group.stop()  # Ctrl-C or SIGTERM: no LibreOffice outlives the run
        raise
    finally:
        pool.shutdown(wait=True)  # each share removes its profile on the way out
        _GROUPS.discard(group)
    return [results[i] for i in range(len(documents))]


def _result_of(future: Future[dict[int, Converted]]) -> dict[int, Converted]:
    """``future``'s result, waited for in short steps: a signal (Ctrl-C, SIGTERM) the kernel
    hands to a conversion thread only marks it pending, and the main thread runs its
    handler only when it wakes; blocked on a lock with no timeout, it never would."""
    while True:
        try:
            return future.result(timeout=0.2)
        except FutureTimeout:
            continue


class _Stopped(Exception):
    """The run was stopped: start no more processes."""


@dataclass(frozen=True)
class _Ran:
    status: int | None  # None: timed out, killed
    output: str


class _Group:
    """The LibreOffice processes of one conversion, so they can all be stopped at once."""

    def __init__(self, on_converted: Callable[[Path], None]) -> None:
        self._lock = threading.Lock()
        self._live: set[subprocess.Popen[bytes]] = set()
        self._stopped = False
        self._on_converted = on_converted

    def converted(self, path: Path) -> None:
        with self._lock:
            self._on_converted(path)

    def run(
        self, command: list[str], env: dict[str, str], timeout: float, work: Path, watch: Callable[[], None]
    ) -> _Ran:
        """Run ``command`` in a process group of its own, calling ``watch`` while it runs;
        past ``timeout`` seconds it is killed with its group."""
        log = work / "soffice.log"
        with self._lock:
            if self._stopped:  # before anything is written where the profile is being removed
                raise _Stopped
            with log.open("wb") as output:
                process = subprocess.Popen(
                    command, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=output, start_new_session=True
                )
            self._live.add(process)
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    status: int | None = process.wait(timeout=min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
                    break
                except subprocess.TimeoutExpired:
                    watch()
                    if time.monotonic() >= deadline:
                        status = None
                        break
        finally:
            _kill_group(process)  # what it started, too; after a timeout, the process itself
            with self._lock:
                self._live.discard(process)
        if self._stopped:  # killed by stop(): write nothing more (its profile is being removed)
            raise _Stopped
        watch()
        return _Ran(status, log.read_text(encoding="utf-8", errors="replace"))

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            for process in self._live:
                _kill_group(process)


#: the conversions under way in this process, for :func:`stop_all`
_GROUPS: set[_Group] = set()


def stop_all() -> None:
    """Kill every LibreOffice this process's conversions run, at once: for a worker told to
    stop (from its signal handler, so no lock is taken and nothing waited for)."""
    for group in list(_GROUPS):
        group._stopped = True
        for process in list(group._live):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _convert_share(
    group: _Group,
    binary: str,
    documents: Sequence[Path],
    share: list[int],
    timeout: float | None,
    home: Path | None = None,
) -> dict[int, Converted]:
    limit = default_timeout(len(share)) if timeout is None else timeout
    with contextlib.ExitStack() as stack:
        work = home or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="p2pdocs-soffice-")))
        profile, stage, out = work / "profile", work / "in", work / "out"
        fresh = not profile.is_dir()
        for folder in (stage, out):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            stack.callback(shutil.rmtree, folder, True)
        names = {}
        for i in share:
            name = f"{i:07d}.docx"  # documents of different deals share file names
            (stage / name).symlink_to(documents[i].resolve())
            names[i] = name
        seen: set[int] = set()

        def watch() -> None:
            for i in share:
                if i not in seen and (out / names[i]).with_suffix(".pdf").exists():
                    seen.add(i)
                    group.converted(documents[i])

        base = [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo"]
        (work / "tmp").mkdir(exist_ok=True)  # its temporary files too, so that they go with the profile
        env = {**os.environ, "HOME": str(work), "TMPDIR": str(work / "tmp")}
        ran = _Ran(0, "")
        if fresh:  # a first start creates the profile and may restart soffice, dropping files: do it apart
            ran = group.run([*base, "--terminate_after_init"], env, limit, work, watch)
        missing = list(share)
        for _attempt in range(2):
            if not missing or ran.status is None:
                break
            ran = group.run(
                [*base, "--convert-to", "pdf", "--outdir", str(out), *(str(stage / names[i]) for i in missing)],
                env,
                limit,
                work,
                watch,
            )
            missing = [i for i in missing if not (out / names[i]).with_suffix(".pdf").exists()]
        results = {i: _result(documents[i], (out / names[i]).with_suffix(".pdf"), ran, limit) for i in share}
        again = _with_contents_pages(results, stage, names, out)
        if again and ran.status is not None:  # the contents given their pages: converted once more
            command = [*base, "--convert-to", "pdf", "--outdir", str(out), *(str(stage / names[i]) for i in again)]
            second = group.run(command, env, limit, work, lambda: None)
            for i in again:
                redone = _result(documents[i], (out / names[i]).with_suffix(".pdf"), second, limit)
                results[i] = redone if redone.pdf is not None else results[i]
        return results


def _with_contents_pages(results: dict[int, Converted], stage: Path, names: dict[int, str], out: Path) -> list[int]:
    """Stage each converted document that has contents again, its contents given the pages
    its first PDF shows its headings on; the documents staged."""
    from p2pdocs.pdf.contents import heading_pages
    from p2pdocs.word.fields import contents_entries, with_pages

    again = []
    for i, result in results.items():
        if result.pdf is None:
            continue
        docx = result.source.read_bytes()
        entries = contents_entries(docx)
        pages = heading_pages(result.pdf, entries) if entries else []
        if any(page is not None for page in pages):
            staged = stage / names[i]
            staged.unlink()  # the link to the document itself: the document is left as generated
            staged.write_bytes(with_pages(docx, pages))
            (out / names[i]).with_suffix(".pdf").unlink()
            again.append(i)
    return again


def _result(source: Path, pdf: Path, ran: _Ran, limit: float) -> Converted:
    data = pdf.read_bytes() if pdf.exists() else None
    if data and _pages(data):
        return Converted(source, data)
    if ran.status is None:
        return Converted(source, None, f"LibreOffice timed out after {limit:g} s and was stopped (see --pdf-timeout)")
    if ran.status != 0:
        how = f"was killed by {_signal_name(-ran.status)}" if ran.status < 0 else f"failed (exit status {ran.status})"
        return Converted(source, None, f"LibreOffice {how}: {_tail(ran.output)}")
    said = [line.strip() for line in ran.output.splitlines() if line.startswith("Error")][-1:]
    return Converted(source, None, ": ".join(["LibreOffice could not convert it (is the file a valid .docx?)", *said]))


def _signal_name(number: int) -> str:
    with contextlib.suppress(ValueError):
        return signal.Signals(number).name
    return f"signal {number}"


def _tail(output: str, lines: int = 8) -> str:
    """The last lines of a process's output, on one line."""
    kept = [line.strip() for line in output.splitlines() if line.strip() and not line.startswith("convert ")]
    kept = kept[-lines:]
    return " / ".join(kept) or "no error output"


def _pages(data: bytes) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except (PyPdfError, ValueError, OSError):
        return 0


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """SIGTERM stops the run like Ctrl-C (a KeyboardInterrupt), so that LibreOffice is
    stopped and its profiles removed; only in the main thread, where signals arrive."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
