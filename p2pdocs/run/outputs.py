"""Writing files so that nothing is half-written and nothing is overwritten by surprise."""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from p2pdocs.errors import OutputBusy, OutputError, OutputExists

#: Temporary files being written now; removed by :func:`discard_partial` on a fatal signal.
_WRITING: set[str] = set()


def discard_partial() -> None:
    """Remove the temporary files of writes under way (called before a worker exits on a
    signal, so that nothing half-written is left behind)."""
    for tmp in list(_WRITING):
        Path(tmp).unlink(missing_ok=True)


def check_free(paths: Iterable[Path], force: bool) -> None:
    """Check every target before the first is written: refuse a symbolic link or anything
    but a file in a target's place (even with ``force``), and a target that exists when
    ``force`` is off. So a refused write leaves every target as it was."""
    paths = list(paths)
    blocked = [_blocked(p) for p in paths]
    if any(blocked):
        raise OutputError("\n".join(b for b in blocked if b))
    if force:
        return
    taken = [str(p) for p in paths if p.exists()]
    if taken:
        raise OutputExists(taken)


def _blocked(path: Path) -> str:
    """Why ``path`` cannot be written in place (an empty string when it can)."""
    if path.is_symlink():
        return f"{path}: is a symbolic link; refusing to write through it"
    if path.exists() and not path.is_file():
        return f"{path}: is not a file; refusing to replace it"
    return ""


_COUNTER = itertools.count()


def write_atomic(path: Path, data: bytes | IO[bytes], *, sync: bool = True) -> None:
    """Write ``data`` (bytes, or a binary file read from where it stands, in blocks) to
    ``path`` through a temporary file in the same directory.

    Readers see the old file or the new one, never a part; on failure the temporary
    file is removed and the old file is left as it was. The temporary name is registered
    before the file exists, so a signal at any moment leaves nothing behind.
    ``sync=False`` leaves flushing to disk to the caller (a batch syncs once at the end).
    """
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            raise OutputError(f"{path}: is a symbolic link; refusing to write through it")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    while True:
        tmp = str(parent / f".{path.name}.{os.getpid()}-{next(_COUNTER)}.part")
        _WRITING.add(tmp)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
            break
        except FileExistsError:  # left by an earlier process of the same id
            _WRITING.discard(tmp)
        except OSError as exc:
            _WRITING.discard(tmp)
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        try:
            os.fchmod(fd, 0o644)
            if isinstance(data, bytes):
                _write_all(fd, data)
            else:
                while block := data.read(1 << 20):
                    _write_all(fd, block)
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
        Path(tmp).replace(path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        _WRITING.discard(tmp)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


#: the lock file a run holds in its output folder
LOCK = ".p2pdocs.lock"
#: the folders this process holds, with the descriptor of each lock
_HELD: dict[str, int] = {}


def forget_locks() -> None:
    """In a worker process forked from a run: close the inherited lock descriptors, so the
    run's lock is held by the run alone and ends with it (a lingering worker does not keep
    the next run out)."""
    for fd in _HELD.values():
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


@contextlib.contextmanager
def run_lock(out: Path) -> Iterator[None]:
    """Hold the output folder ``out`` for one run (``flock`` on ``out/.p2pdocs.lock``): a
    second run into the same folder is refused at once with :class:`OutputBusy`. Taken
    again by the same process (a run, then its PDFs), it is already held. When the folder
    or its lock cannot be made (read-only, no locks on this file system), nothing can be
    guarded: the run goes on and its own writes report what fails."""
    key = str(out.resolve())
    if key in _HELD:
        yield
        return
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError:
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputBusy(
                f"{out}: another p2pdocs run is writing into this folder; wait until it ends, or use another -o"
            ) from None
        except OSError:
            pass  # a file system without locks: go on unguarded
        _HELD[key] = fd
        try:
            yield
        finally:
            _HELD.pop(key, None)
    finally:
        os.close(fd)  # releases the lock
