"""Reading an Office package (.docx, .xlsx) that anyone may have made or edited, in bounded
memory: every part's size is capped before it is inflated, only stored and deflated parts
are read (no encryption, no deflate64), and XML is parsed without a DOCTYPE, without
resolving entities and within libxml2's default limits (no huge trees). Whatever is wrong
comes back as :class:`Unreadable` with the reason."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from lxml import etree

#: the largest package read, and the largest part inflated from it (a generated agreement
#: is well under a megabyte; its document.xml a few hundred kilobytes)
FILE_LIMIT = 128 * 2**20
PART_LIMIT = 32 * 2**20


class Unreadable(ValueError):
    """A package or one of its parts cannot be read safely; the message says why."""


def load(path: Path) -> bytes:
    """The bytes of the package at ``path``, refusing a file too large to be a document."""
    try:
        size = path.stat().st_size
        if size > FILE_LIMIT:
            raise Unreadable(f"the file is {size:,} bytes, more than a document of {FILE_LIMIT:,}")
        with path.open("rb") as handle:
            data = handle.read(FILE_LIMIT + 1)
    except OSError as exc:
        raise Unreadable(exc.strerror or str(exc)) from None
    if len(data) > FILE_LIMIT:  # not a regular file: a pipe, a device
        raise Unreadable(f"it holds more than a document of {FILE_LIMIT:,} bytes")
    return data


def open_package(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise Unreadable(f"not a readable .docx (zip) file: {exc}") from None


def read_part(package: zipfile.ZipFile, name: str, limit: int = PART_LIMIT) -> bytes:
    """Part ``name`` inflated, at most ``limit`` bytes whatever its header claims."""
    try:
        info = package.getinfo(name)
    except KeyError:
        raise Unreadable(f"it has no {name}") from None
    if info.flag_bits & 0x1:
        raise Unreadable(f"{name} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        method = "deflate64" if info.compress_type == 9 else f"method {info.compress_type}"
        raise Unreadable(f"{name} is compressed with {method}, which Office documents do not use")
    if info.file_size > limit:
        raise Unreadable(f"{name} would inflate to {info.file_size:,} bytes, more than {limit:,}")
    try:
        with package.open(info) as part:
            data = part.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError) as exc:
        raise Unreadable(f"{name} is damaged: {exc}") from None
    if len(data) > limit:
        raise Unreadable(f"{name} inflates to more than {limit:,} bytes")
    return data


_PARSER = etree.XMLParser(
    resolve_entities=False, huge_tree=False, no_network=True, load_dtd=False, dtd_validation=False
)


def parse_xml(data: bytes, name: str) -> etree._Element:
    """``data`` parsed as XML; a DOCTYPE (where entity bombs live) is refused unread."""
    head = data[:4096].replace(b"\x00", b"")  # UTF-16 too
    if b"<!DOCTYPE" in head or b"<!DOCTYPE" in data:
        raise Unreadable(f"{name} declares a DOCTYPE, which Office documents never do")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise Unreadable(f"{name} is not well-formed XML: {exc}") from None
    if getattr(root.getroottree().docinfo, "doctype", ""):
        raise Unreadable(f"{name} declares a DOCTYPE, which Office documents never do")
    return root


def read_xml(package: zipfile.ZipFile, name: str) -> etree._Element:
    return parse_xml(read_part(package, name), name)
