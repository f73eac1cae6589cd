"""Reading a Word template safely: a .docx is a zip a legal team hands p2pdocs, and its
members are checked before docxtpl or python-docx read any of them, so that a hostile or
broken file fails with an error naming it rather than a traceback, a zip bomb inflating
in every worker, an entity expansion, or a member copied into every output."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from lxml import etree

from p2pdocs.errors import TemplateError

_STRICT = etree.XMLParser(recover=False, resolve_entities=False, no_network=True, huge_tree=True, collect_ids=False)

#: bytes of a template file, of one member once inflated, of all members, and members
MAX_TEMPLATE = 64 * 2**20
MAX_MEMBER = 64 * 2**20
MAX_PACKAGE = 256 * 2**20
MAX_MEMBERS = 2_000
_XML_MEMBER = (".xml", ".rels")


def read_package(path: Path) -> list[tuple[str, bytes]]:
    """The members of the Word template ``path``, in order, each checked: a safe name (no
    ``..``, no absolute or Windows path), at most :data:`MAX_MEMBER` bytes when inflated
    (read no further than that, whatever the zip claims), well-formed XML without a
    DOCTYPE (no entity expansion), and a ``word/document.xml``."""
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
                    _check_xml(path, info.filename, data)
                entries.append((info.filename, data))
    except TemplateError:
        raise
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


def _check_xml(path: Path, name: str, data: bytes) -> None:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise TemplateError(f"{path}: {name} declares a DOCTYPE, which Word documents never hold; refused")
    try:
        tree = etree.fromstring(data, _STRICT)
    except etree.XMLSyntaxError as exc:
        raise TemplateError(f"{path}: {name} is not well-formed XML: {exc}") from None
    if getattr(tree.getroottree().docinfo, "doctype", ""):
        raise TemplateError(f"{path}: {name} declares a DOCTYPE, which Word documents never hold; refused")
