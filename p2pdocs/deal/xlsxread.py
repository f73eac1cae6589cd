"""Reading a workbook that anyone may have made or edited, in bounded memory, with
openpyxl's read-only reader: the package is checked part by part first (as
:mod:`p2pdocs.word.package` checks documents: sizes capped before and while each part
is inflated, stored and deflated parts only, no DOCTYPE), and the sheet's XML is read once
as a stream for what openpyxl's values do not say: merged cells, and formulas that hold
no value computed by the office suite that saved them."""

from __future__ import annotations

import io
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from lxml import etree

from p2pdocs.word.package import PART_LIMIT, Unreadable, load

#: the largest worksheet part inflated (its rows are streamed, never held), the most
#: inflated in all, and the most parts a workbook may have
SHEET_LIMIT = 512 * 2**20
TOTAL_LIMIT = 1024 * 2**20
MAX_PARTS = 10_000
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CHUNK = 2**20


class _Capped(io.RawIOBase):
    """A part's stream that refuses to give more than ``limit`` bytes."""

    def __init__(self, stream: IO[bytes], name: str, limit: int) -> None:
        self.stream, self.name, self.left = stream, name, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(min(len(buffer), self.left + 1))
        if len(data) > self.left:
            raise Unreadable(f"{self.name} inflates to more than its limit")
        self.left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def check_package(package: zipfile.ZipFile, sheet_part: str | None = None) -> None:
    """Every part readable within its limit, and none declaring a DOCTYPE."""
    infos = package.infolist()
    if len(infos) > MAX_PARTS:
        raise Unreadable(f"it has {len(infos):,} parts, more than a workbook of {MAX_PARTS:,}")
    total = 0
    for info in infos:
        limit = SHEET_LIMIT if info.filename.startswith("xl/worksheets/") else PART_LIMIT
        if info.flag_bits & 0x1:
            raise Unreadable(f"{info.filename} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Unreadable(f"{info.filename} is compressed with method {info.compress_type}, not used by Office")
        if info.file_size > limit:
            raise Unreadable(f"{info.filename} would inflate to {info.file_size:,} bytes, more than {limit:,}")
        tail = b""
        try:
            with package.open(info) as part:
                capped = _Capped(part, info.filename, limit)
                while chunk := capped.read(_CHUNK):
                    total += len(chunk)
                    if total > TOTAL_LIMIT:
                        raise Unreadable(f"it inflates to more than {TOTAL_LIMIT:,} bytes")
                    window = (tail + chunk).replace(b"\x00", b"")
                    if b"<!DOCTYPE" in window:
                        raise Unreadable(f"{info.filename} declares a DOCTYPE, which Office documents never do")
                    tail = window[-16:]
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError) as exc:
            if isinstance(exc, Unreadable):
                raise
            raise Unreadable(f"{info.filename} is damaged: {exc}") from None


class Sheet:
    """One worksheet of a workbook on disk, read in bounded memory."""

    def __init__(self, path: Path, prefer: str) -> None:
        from openpyxl import load_workbook

        data = load(path)
        try:
            package = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            raise Unreadable(f"not a readable .xlsx (zip) file: {exc}") from None
        check_package(package)
        try:
            with warnings.catch_warnings():  # openpyxl warns of what it leaves out (extensions): not the user's concern
                warnings.simplefilter("ignore")
                self.book: Any = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Unreadable:
            raise
        except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
            raise Unreadable(f"not a readable .xlsx workbook: {exc}") from None
        names = list(self.book.sheetnames)
        if not names:
            raise Unreadable("the workbook has no sheet")
        self.title = prefer if prefer in names else names[0]
        self.sheet = self.book[self.title]
        #: merged ranges (A1:B2), and cells whose formula has no computed value
        self.merged: list[str] = []
        self.uncached: set[str] = set()
        self._scan(package, str(getattr(self.sheet, "_worksheet_path", "")))

    def _scan(self, package: zipfile.ZipFile, part: str) -> None:
        try:
            with package.open(part.lstrip("/")) as stream:
                capped = io.BufferedReader(_Capped(stream, part, SHEET_LIMIT))
                events = etree.iterparse(
                    capped,
                    events=("end",),
                    tag=(f"{_MAIN}c", f"{_MAIN}row", f"{_MAIN}mergeCell"),
                    resolve_entities=False,
                    huge_tree=False,
                    no_network=True,
                    load_dtd=False,
                )
                for _, element in events:
                    if element.tag == f"{_MAIN}c":
                        formula = element.find(f"{_MAIN}f")
                        value = element.find(f"{_MAIN}v")
                        if formula is not None and (value is None or not (value.text or "").strip()):
                            self.uncached.add(str(element.get("r", "")))
                        continue
                    if element.tag == f"{_MAIN}mergeCell":
                        self.merged.append(str(element.get("ref", "")))
                    element.clear()
                    while element.getprevious() is not None:
                        del element.getparent()[0]
        except KeyError:
            raise Unreadable(f"it has no {part}") from None
        except etree.XMLSyntaxError as exc:
            raise Unreadable(f"{part} is not well-formed XML: {exc}") from None

    def rows(self, min_col: int | None = None, max_col: int | None = None) -> Iterator[tuple[Any, ...]]:
        """Every row of the sheet, as openpyxl's read-only cells."""
        try:
            rows = iter(self.sheet.iter_rows(min_col=min_col, max_col=max_col))
            while True:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    row = next(rows, None)
                if row is None:
                    return
                yield row
        except Unreadable:
            raise
        except Exception as exc:
            raise Unreadable(f"the sheet {self.title} cannot be read: {exc}") from None

    def close(self) -> None:
        self.book.close()
