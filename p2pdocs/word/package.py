"""Reading Office packages (.docx, .xlsx) safely, whoever made or edited them: one reader
for the templates a legal team hands p2pdocs, the documents ``verify`` and ``review`` read
back, and the workbooks programme operations fill.

Every part's size is capped before it is inflated (read no further than the cap, whatever
the zip claims), only stored and deflated parts are read (no encryption, no deflate64),
and XML is parsed without a DOCTYPE and without resolving entities. Whatever is wrong comes
back as :class:`Unreadable` with the reason; :func:`read_package` turns it into a
:class:`~p2pdocs.errors.TemplateError` naming the template, before docxtpl or python-docx
read any of it (no zip bomb inflating in every worker, no member copied into every output).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from p2pdocs.errors import TemplateError

#: the largest package read, and the largest part inflated from it (a generated agreement
#: is well under a megabyte; its document.xml a few hundred kilobytes)
FILE_LIMIT = 128 * 2**20
PART_LIMIT = 32 * 2**20
_CHUNK = 2**20


class Unreadable(ValueError):
    """A package or one of its parts cannot be read safely; the message says why."""


def load(path: Path) -> bytes:
    """The bytes of the package at ``path``, at most :data:`FILE_LIMIT`, read in chunks (a
    pipe or a device is refused once past the limit, and a small file never costs a buffer
    as large as the limit)."""
    chunks: list[bytes] = []
    size = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                size += len(chunk)
                if size > FILE_LIMIT:
                    raise Unreadable(f"the file is more than {FILE_LIMIT:,} bytes, larger than a document may be")
                chunks.append(chunk)
    except OSError as exc:
        raise Unreadable(exc.strerror or str(exc)) from None
    return b"".join(chunks)


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
#: templates may hold large parts (styles, embedded fonts): no libxml2 tree limits there
_TEMPLATE_PARSER = etree.XMLParser(
    recover=False, resolve_entities=False, no_network=True, huge_tree=True, collect_ids=False
)


def parse_xml(data: bytes, name: str, parser: etree.XMLParser = _PARSER) -> etree._Element:
    """``data`` parsed as XML; a DOCTYPE (where entity bombs live) is refused unread."""
    head = data[:4096].replace(b"\x00", b"")  # UTF-16 too
    if b"<!DOCTYPE" in head or b"<!DOCTYPE" in data:
        raise Unreadable(f"{name} declares a DOCTYPE, which Office documents never do")
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise Unreadable(f"{name} is not well-formed XML: {exc}") from None
    if getattr(root.getroottree().docinfo, "doctype", ""):
        raise Unreadable(f"{name} declares a DOCTYPE, which Office documents never do")
    return root


def read_xml(package: zipfile.ZipFile, name: str) -> etree._Element:
    return parse_xml(read_part(package, name), name)


# Word templates ------------------------------------------------------------------------

#: bytes of a template file, of one member once inflated, of all members, and members
MAX_TEMPLATE = 64 * 2**20
MAX_MEMBER = 64 * 2**20
MAX_PACKAGE = 256 * 2**20
MAX_MEMBERS = 2_000
_XML_MEMBER = (".xml", ".rels")


def read_package(path: Path) -> list[tuple[str, bytes]]:
    """The members of the Word template ``path``, in order, each checked: a safe name (no
    ``..``, no absolute or Windows path), at most :data:`MAX_MEMBER` bytes when inflated,
    well-formed XML without a DOCTYPE, and a ``word/document.xml``."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TemplateError(f"{path}: cannot be read: {exc.strerror}") from None
    if size > MAX_TEMPLATE:
        raise TemplateError(f"{path}: larger than {MAX_TEMPLATE // 2**20} MiB; not a Word template")
    entries: list[tuple[str, bytes]] = []
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
            if len(members) > MAX_MEMBERS:
                raise TemplateError(f"{path}: more than {MAX_MEMBERS} members; not a Word template")
            total = 0
            for info in members:
                _check_name(path, info.filename)
                with package.open(info) as member:
                    data = member.read(MAX_MEMBER + 1)
                total += len(data)
                if len(data) > MAX_MEMBER or total > MAX_PACKAGE:
                    raise TemplateError(
                        f"{path}: member {info.filename} inflates to more than {MAX_MEMBER // 2**20} MiB; refused"
                    )
                if info.filename.endswith(_XML_MEMBER):
                    parse_xml(data, info.filename, _TEMPLATE_PARSER)
                entries.append((info.filename, data))
    except TemplateError:
        raise
    except Unreadable as exc:
        raise TemplateError(f"{path}: {exc}; refused") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
        raise TemplateError(f"{path}: not a Word template (not a readable zip file: {exc})") from None
    except OSError as exc:
        raise TemplateError(f"{path}: cannot be read: {exc}") from None
    names = [name for name, _ in entries]
    if len(set(names)) != len(names):
        raise TemplateError(f"{path}: a member name is used twice; refused")
    if "word/document.xml" not in names:
        raise TemplateError(f"{path}: no word/document.xml; not a Word template")
    return entries


def _check_name(path: Path, name: str) -> None:
    parts = name.split("/")
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or ":" in parts[0]
        or ".." in parts
        or any(ord(c) < 32 for c in name)
    ):
        raise TemplateError(f"{path}: member name {name!r} points outside the package; refused")


# Text as Word shows it -------------------------------------------------------------------

_SHOWN_NUMBER = re.compile(r"(?:(\d+)\. |(\d+(?:\.\d+)+)\t|(\([a-z]{1,4}\))\t)")


def shown_number(text: str) -> tuple[str, str]:
    """The number a paragraph shows and its text after it: ``("12", "Payment")`` for the
    heading "12. Payment", ``("12.2", "Invoices are...")`` for a clause, ``("(a)", ...)``
    for an item, ``("", text)`` when it has none. (The numbers are typed text today; the
    reader computes them here when Word's list numbering replaces them.)"""
    found = _SHOWN_NUMBER.match(text)
    if found is None:
        return "", text
    return next(g for g in found.groups() if g), text[found.end() :]
