"""A LibreOffice that stays up for a worker's whole run, driven over UNO.

soffice is started once (listening on a named pipe, with its own profile, HOME and
temporary folder, in a process group of its own) with :mod:`p2pdocs.pdf.uno_bridge`
beside it, run by a Python that has ``uno``. Each document is one request; a call (one
deal's documents) may take ``timeout`` seconds (default
:func:`p2pdocs.pdf.libreoffice.default_timeout` of its documents), past which LibreOffice
is killed with its group and the documents left are reported as timed out. LibreOffice is
started again after ``restart_after`` documents, and when it died: the document it was
converting is tried once more in a new one, then failed alone with what LibreOffice said.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from p2pdocs.pdf.libreoffice import Converted, _kill_group, _pages, _signal_name, _tail, default_timeout, soffice

BRIDGE = Path(__file__).with_name("uno_bridge.py")
#: documents one LibreOffice converts before it is replaced by a fresh one
RESTART_AFTER = 500
TIMED_OUT = "LibreOffice timed out after {limit:g} s and was stopped (see --pdf-timeout)"


@lru_cache(maxsize=1)
def uno_python() -> str | None:
    """A Python that can ``import uno`` (``P2PDOCS_UNO_PYTHON``; else LibreOffice's own, or
    the system's), or None: then LibreOffice is run once per deal instead (slower)."""
    chosen = os.environ.get("P2PDOCS_UNO_PYTHON")
    if chosen is not None:
        return chosen or None  # set empty: no UNO
    with contextlib.suppress(Exception):
        program = Path(os.path.realpath(soffice())).parent
        candidates = [program / "python", Path("/usr/bin/python3")]
        for candidate in candidates:
            if candidate.is_file() and os.access(candidate, os.X_OK):
                probe = subprocess.run(
                    [str(candidate), "-c", "import uno"], capture_output=True, timeout=30, check=False
                )
                if probe.returncode == 0:
                    return str(candidate)
    return None


class _Gone(Exception):
    """LibreOffice or its bridge went away; ``detail`` says how."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class LocalOffice:
    """One persistent LibreOffice of a worker process (see the module's notes)."""

    def __init__(self, python: str, timeout: float | None = None, restart_after: int = RESTART_AFTER) -> None:
        self.python = python
        self.timeout = timeout
        self.restart_after = restart_after
        self.started = 0  # how many LibreOffice processes this converter started
        self._work: Path | None = None
        self._office: subprocess.Popen[bytes] | None = None
        self._bridge: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self._count = 0
        self._pipe = ""

    # -- the processes --------------------------------------------------------------------

    def _start(self, deadline: float) -> None:
        binary = soffice()
        work = Path(tempfile.mkdtemp(prefix="p2pdocs-soffice-"))
        self._work = work
        (work / "tmp").mkdir()
        (work / "out").mkdir()
        env = {**os.environ, "HOME": str(work), "TMPDIR": str(work / "tmp")}
        pipe = self._pipe = f"p2pdocs-{os.getpid()}-{self.started}-{work.name}"
        command = [
            binary,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ]
        with (work / "soffice.log").open("wb") as log:
            self._office = subprocess.Popen(
                command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
            )
        self.started += 1
        self._count = 0
        self._buffer = b""
        with (work / "bridge.log").open("wb") as log:
            self._bridge = subprocess.Popen(
                [self.python, str(BRIDGE), pipe],
                env={k: v for k, v in env.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")},
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
            )
        self._answer(deadline)  # {"ready": true}

    def _answer(self, deadline: float) -> dict[str, object]:
        """The bridge's next line, or :class:`_Gone`; TimeoutError past ``deadline``."""
        bridge = self._bridge
        assert bridge is not None and bridge.stdout is not None
        fd = bridge.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], min(left, 0.5))
            if not ready:
                if (self._office is not None and self._office.poll() is not None) or bridge.poll() is not None:
                    raise _Gone(self._how_gone())
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                raise _Gone(self._how_gone())
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        answer: dict[str, object] = json.loads(line)
        return answer

    def _how_gone(self) -> str:
        """What became of LibreOffice, with its last words."""
        office = self._office
        time.sleep(0.2)
        status = office.poll() if office is not None else None
        said = ""
        if self._work is not None:
            with contextlib.suppress(OSError):
                said = (self._work / "soffice.log").read_text(errors="replace")
                said += (self._work / "bridge.log").read_text(errors="replace")
        if status is None:
            return f"LibreOffice stopped answering: {_tail(said)}"
        how = f"was killed by {_signal_name(-status)}" if status < 0 else f"exited (status {status})"
        return f"LibreOffice {how}: {_tail(said)}"

    def close(self, wait: float = 0.0) -> None:
        """Stop LibreOffice and its bridge, with everything they started, and remove the
        profile; ``wait``: seconds LibreOffice is given to quit of its own accord first."""
        if wait and self._bridge is not None and self._bridge.stdin is not None:
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                self._bridge.stdin.close()  # the bridge tells LibreOffice to quit
                self._bridge.wait(timeout=wait)
                if self._office is not None:
                    self._office.wait(timeout=wait)
        for process in (self._bridge, self._office):
            if process is not None:
                _kill_group(process)
        if self._bridge is not None:
            for stream in (self._bridge.stdin, self._bridge.stdout):
                with contextlib.suppress(OSError):
                    if stream is not None:
                        stream.close()
        self._bridge = self._office = None
        if self._pipe:  # the socket of the named pipe, which LibreOffice keeps in /tmp
            for folder in {tempfile.gettempdir(), "/tmp"}:
                Path(folder, f"OSL_PIPE_{os.getuid()}_{self._pipe}").unlink(missing_ok=True)
            self._pipe = ""
        if self._work is not None:
            shutil.rmtree(self._work, ignore_errors=True)
            self._work = None

    # -- converting -----------------------------------------------------------------------

    def convert(self, documents: Sequence[Path]) -> list[Converted]:
        """Each of ``documents`` (.docx) as PDF, in order, within this call's time limit."""
        limit = default_timeout(len(documents)) if self.timeout is None else self.timeout
        deadline = time.monotonic() + limit
        results: list[Converted] = []
        try:
            for document in documents:
                if time.monotonic() >= deadline:
                    results.append(Converted(document, None, TIMED_OUT.format(limit=limit)))
                    continue
                results.append(self._convert_one(document, deadline, limit))
        except BaseException:  # Ctrl-C, SIGTERM: no LibreOffice outlives the run
            self.close()
            raise
        return results

    def _convert_one(self, document: Path, deadline: float, limit: float) -> Converted:
        error = ""
        for _attempt in range(2):  # LibreOffice died: once more, in a new one
            try:
                if self._office is None or self._count >= self.restart_after:
                    self.close()
                    self._start(deadline)
                return self._request(document, deadline)
            except TimeoutError:
                self.close()
                return Converted(document, None, TIMED_OUT.format(limit=limit))
            except _Gone as gone:
                error = gone.detail
                self.close()
        return Converted(document, None, error)

    def _request(self, document: Path, deadline: float) -> Converted:
        assert self._bridge is not None and self._bridge.stdin is not None and self._work is not None
        target = self._work / "out" / f"{self._count:07d}.pdf"
        self._count += 1
        try:
            self._bridge.stdin.write((json.dumps({"in": str(document.resolve()), "out": str(target)}) + "\n").encode())
            self._bridge.stdin.flush()
        except OSError:
            raise _Gone(self._how_gone()) from None
        answer = self._answer(deadline)
        if "error" in answer:
            text = str(answer["error"])
            if "DisposedException" in text or "RuntimeException" in text:
                raise _Gone(self._how_gone())
            return Converted(document, None, f"LibreOffice could not convert it (is the file a valid .docx?): {text}")
        data = target.read_bytes() if target.exists() else b""
        target.unlink(missing_ok=True)
        if data and _pages(data):
            return Converted(document, data)
        return Converted(document, None, "LibreOffice wrote no PDF with pages for it")
