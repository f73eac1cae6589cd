"""A YAML file's bytes, checked to be UTF-8 text: the one rule for what p2pdocs reads.

A file encoded as UTF-16 or UTF-32 (a byte order mark), a binary file (a NUL byte) or one
with bytes that are not UTF-8 is refused with a clear problem, the line of the first bad
byte included. :func:`check_file` reads a file through in chunks without holding it (a
batch file, streamed later); :func:`read_text` reads it whole (a deal file, a pipe).
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path
from typing import NamedTuple

from p2pdocs.errors import InvalidInput, Problem

#: A file larger than this is not read whole.
MAX_BYTES = 64 * 1024 * 1024
#: Files are checked this many bytes at a time.
CHUNK = 1 << 20
_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
_NOT_UTF8 = "not UTF-8 text; save the file as UTF-8"


class Stamp(NamedTuple):
    """A file's size and modification time, to notice a change before it is read again."""

    size: int
    mtime_ns: int


class _Utf8Check:
    """The check of a file's bytes, fed in chunks: no UTF-16/UTF-32 byte order mark at the
    start, no NUL byte, UTF-8 throughout. Gives the text decoded so far."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.line = 1
        self.first = True

    def feed(self, chunk: bytes, final: bool = False) -> str:
        if self.first and chunk:
            for bom, encoding in _BOMS:
                if chunk.startswith(bom):
                    raise InvalidInput([Problem(self.name, 1, "", f"encoded as {encoding}; save the file as UTF-8")])
            self.first = False
        if b"\x00" in chunk:
            raise InvalidInput([Problem(self.name, 0, "", "is a binary file, expected YAML text")])
        try:
            text = self.decoder.decode(chunk, final)
        except UnicodeDecodeError as exc:
            line = self.line + (chunk[: max(exc.start, 0)].count(b"\n") if chunk else 0)
            raise InvalidInput([Problem(self.name, line, "", _NOT_UTF8)]) from None
        self.line += chunk.count(b"\n")
        return text


def check_file(path: Path) -> Stamp:
    """Read a file through in chunks, refusing what is not UTF-8 text (other encodings,
    binary files, invalid bytes, with the line), without holding it. Returns the file's
    size and modification time, to notice a change before it is read again."""
    name = str(path)
    check = _Utf8Check(name)
    try:
        with path.open("rb") as handle:
            stat = os.fstat(handle.fileno())
            while chunk := handle.read(CHUNK):
                check.feed(chunk)
            check.feed(b"", final=True)
    except OSError as exc:
        raise cannot_read(name, exc) from None
    return Stamp(stat.st_size, stat.st_mtime_ns)


def read_text(path: Path) -> str:
    """A YAML file's text, read whole (up to ``MAX_BYTES``) in one pass, so that a pipe or a
    FIFO is read once too; unreadable or non-UTF-8 files are clear errors."""
    name = str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise cannot_read(name, exc) from None
    if len(raw) > MAX_BYTES:
        raise too_large(name)
    return _Utf8Check(name).feed(raw, final=True).removeprefix("\ufeff")


def too_large(name: str) -> InvalidInput:
    """A file too large to be read whole."""
    return InvalidInput([Problem(name, 0, "", f"larger than {MAX_BYTES // 2**20} MiB; refused")])


def cannot_read(name: str, exc: OSError) -> InvalidInput:
    """Why the file ``name`` could not be opened or read."""
    if isinstance(exc, IsADirectoryError):
        return InvalidInput([Problem(name, 0, "", "is a directory, expected a YAML file")])
    return InvalidInput([Problem(name, 0, "", f"cannot read: {exc.strerror or exc}")])
