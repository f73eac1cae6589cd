"""A minimal, reproducible zip writer for .docx packages.

The static parts of a template are compressed once; each document then adds only its
rendered parts and a new central directory. Every entry has the same fixed date
(1980-01-01) and attributes, so equal parts give equal bytes.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable

_DOS_TIME, _DOS_DATE = 0, (1 << 5) | 1  # 1980-01-01 00:00:00
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")


class Entry:
    """One compressed member: its local header and data, and its central directory record."""

    __slots__ = ("central", "local")

    def __init__(self, name: str, data: bytes, level: int) -> None:
        encoded = name.encode("utf-8")
        flags = 0x800 if not encoded.isascii() else 0
        compressed = zlib.compress(data, level, wbits=-15)  # raw deflate, as zip stores it
        crc = zlib.crc32(data)
        header = (crc, len(compressed), len(data), len(encoded))
        self.local = _LOCAL.pack(0x04034B50, 20, flags, 8, _DOS_TIME, _DOS_DATE, *header, 0) + encoded + compressed
        self.central = (flags, crc, len(compressed), len(data), encoded)

    def record(self, offset: int) -> bytes:
        flags, crc, csize, usize, encoded = self.central
        return (
            _CENTRAL.pack(
                0x02014B50,
                20,
                20,
                flags,
                8,
                _DOS_TIME,
                _DOS_DATE,
                crc,
                csize,
                usize,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )


class Prefix:
    """Entries written once and reused at the start of many zips."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        body: list[bytes] = []
        directory: list[bytes] = []
        self.size = 0
        self.count = 0
        for entry in entries:
            directory.append(entry.record(self.size))
            body.append(entry.local)
            self.size += len(entry.local)
            self.count += 1
        self.body = b"".join(body)
        self.directory = b"".join(directory)


EMPTY = Prefix([])


def package(entries: Iterable[Entry], prefix: Prefix = EMPTY) -> bytes:
    """A zip of the ``prefix`` entries, then ``entries``, in order."""
    body = [prefix.body]
    directory = [prefix.directory]
    offset = prefix.size
    count = prefix.count
    for entry in entries:
        directory.append(entry.record(offset))
        body.append(entry.local)
        offset += len(entry.local)
        count += 1
    central = b"".join(directory)
    end = _END.pack(0x06054B50, 0, 0, count, count, len(central), offset, 0)
    return b"".join([*body, central, end])
