"""The render layer: the only module that talks to docxtpl, python-docx and zip files.

A template is rendered with a sandboxed, strict, autoescaping jinja environment, so a
missing value is an error and ``&``, ``<`` and ``{{ }}`` in values print as typed. The
package is then rewritten with fixed timestamps and dates from the deal, so the same
input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time
from datetime import date as Date
from pathlib import Path
from typing import Any

import jinja2
from lxml import etree

from p2pdocs.compose.limits import LOOPS
from p2pdocs.compose.marks import plain
from p2pdocs.compose.textenv import Sandbox
from p2pdocs.errors import P2pdocsError, TemplateError
from p2pdocs.word.fast_render import CORE, LITERAL_TAGS, PreparedTemplate, core_xml, is_plain, write_package
from p2pdocs.word.fields import finish_body
from p2pdocs.word.marks import values_property
from p2pdocs.word.numbering import Numbering
from p2pdocs.word.package import read_package
from p2pdocs.word.provenance import (
    CUSTOM,
    HEADER_FOOTER,
    RELS,
    W,
    body_of,
    finish_properties,
    paragraphs,
    part_fingerprints,
    register_custom_part,
)


@dataclass(frozen=True)
class Properties:
    """Core document properties; dates come from the deal, never from the clock."""

    title: str
    subject: str
    keywords: str
    created: Date
    comments: str = ""
    author: str = "p2pdocs"
    custom: tuple[tuple[str, str], ...] = ()


def _environment() -> jinja2.Environment:
    return Sandbox(undefined=jinja2.StrictUndefined, autoescape=True)


def _core(properties: Properties) -> bytes:
    stamp = datetime.combine(properties.created, time(), tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return core_xml(
        properties.title, properties.subject, properties.keywords, properties.comments, properties.author, stamp
    )


_PREPARED: dict[Path, PreparedTemplate] = {}


def prepared(template: Path) -> PreparedTemplate:
    """The template prepared for fast rendering, once per process."""
    found = _PREPARED.get(template)  # as given: resolving the path costs system calls
    if found is None:
        key = template.resolve()
        found = _PREPARED.get(key)
        if found is None:
            found = _PREPARED[key] = PreparedTemplate(key, _environment())
        _PREPARED[template] = found
    return found


def render_docx(
    template: Path, context: Mapping[str, Any], properties: Properties, *, fast: bool = True, plain_data: bool = False
) -> bytes:
    """Render ``template`` with ``context`` and return the .docx bytes.

    The fast path is used whenever the context holds plain data only; otherwise (images,
    sub-documents, rich text) docxtpl's full path. Both give equivalent parts.
    ``plain_data`` says the caller knows the context is plain (p2pdocs' own documents are,
    as ``tests/test_render_paths.py`` checks of every kind) and skips walking it.
    """
    if fast and (plain_data or is_plain(context)):
        return prepared(template).render(context, _core(properties), properties.custom)
    return render_full(template, context, properties)


def render_full(template: Path, context: Mapping[str, Any], properties: Properties) -> bytes:
    """docxtpl's own render of ``template``: load, patch, compile, render, save."""
    from docxtpl import DocxTemplate

    _refuse_escapes(context)
    read_package(template)  # its members checked before docxtpl reads them
    LOOPS.left = LOOPS.limit
    try:
        doc = DocxTemplate(str(template))
        doc.render(dict(context), _environment(), autoescape=True)
    except P2pdocsError:
        raise
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{template}: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{template}: {exc}") from None
    except Exception as exc:
        raise TemplateError(f"{template}: {type(exc).__name__}: {exc}") from None
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        entries = {i.filename: package.read(i.filename) for i in package.infolist()}
    document, values = finish_body(entries["word/document.xml"].decode("utf-8"), context.get("contents", ()))
    entries["word/document.xml"] = document.encode("utf-8")
    for name in [n for n in entries if HEADER_FOOTER.fullmatch(n)]:  # headers and footers lose any marker
        entries[name] = plain(entries[name].decode("utf-8")).encode("utf-8")
    entries[CORE] = _core(properties)
    types, rels = register_custom_part(entries["[Content_Types].xml"], entries["_rels/.rels"])
    entries["[Content_Types].xml"], entries["_rels/.rels"] = types, rels
    entries[CUSTOM] = finish_properties(
        (*properties.custom, *values_property(values)),
        template.name,
        _sha256(template),
        paragraphs(body := body_of(entries["word/document.xml"])),
        body.iter(f"{W}sectPr"),
        part_fingerprints(entries.items()),
        etree.fromstring(entries[RELS]) if RELS in entries else None,
    )
    return write_package(list(entries.items()))


def _refuse_escapes(value: Any) -> None:
    """docxtpl's own render turns '{_{' anywhere in its output into '{{', values included:
    refuse rather than print a value that is not what was typed."""
    if isinstance(value, str):
        for escaped, _ in LITERAL_TAGS:
            if escaped in value:
                raise TemplateError(f"the value {value[:60]!r} holds {escaped!r}, which docxtpl's render would change")
    elif isinstance(value, Mapping):
        for item in value.values():
            _refuse_escapes(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _refuse_escapes(item)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def docx_text(data: bytes) -> str:
    """The visible text of a .docx (body paragraphs and tables in order, then headers)."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(io.BytesIO(data))
    part = doc.part
    numbering = Numbering(
        part.numbering_part.element if _has_part(part, "numbering") else None,
        part.styles.element if _has_part(part, "styles") else None,
    )
    lines: list[str] = []
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(numbering.label(block._p) + block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                lines.append(" | ".join(cell.text for cell in row.cells))
    for section in doc.sections:
        lines.extend(p.text for p in section.header.paragraphs)
        lines.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(lines)


def _has_part(part: Any, kind: str) -> bool:
    return any(rel.reltype.endswith(f"/{kind}") for rel in part.rels.values())
