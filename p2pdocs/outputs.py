"""Writing files so that nothing is half-written and nothing is overwritten by surprise."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from p2pdocs.errors import OutputError, OutputExists

#: Temporary files being written now; removed by :func:`discard_partial` on a fatal signal.
_WRITING: set[str] = set()


def discard_partial() -> None:
    """Remove the temporary files of writes under way (called before a worker exits on a
    signal, so that nothing half-written is left behind)."""
    for tmp in list(_WRITING):
        Path(tmp).unlink(missing_ok=True)


def check_free(paths: Iterable[Path], force: bool) -> None:
    """Refuse, before anything is written, when a target exists and ``force`` is off."""
    if force:
        return
    taken = [str(p) for p in paths if p.exists() or p.is_symlink()]
    if taken:
        raise OutputExists(taken)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory.

    Readers see the old file or the new one, never a part; on failure the temporary
    file is removed and the old file is left as it was.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            raise OutputError(f"{path}: is a symbolic link; refusing to write through it")
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    _WRITING.add(tmp)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).chmod(0o644)
        Path(tmp).replace(path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        _WRITING.discard(tmp)
