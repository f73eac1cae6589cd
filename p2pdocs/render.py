"""The render layer: the only module that talks to docxtpl, python-docx and zip files.

A template is rendered with a sandboxed, strict, autoescaping jinja environment, so a
missing value is an error and ``&``, ``<`` and ``{{ }}`` in values print as typed. The
package is then rewritten with fixed timestamps and dates from the deal, so the same
input gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time
from datetime import date as Date
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from p2pdocs.errors import TemplateError

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Properties:
    """Core document properties; dates come from the deal, never from the clock."""

    title: str
    subject: str
    keywords: str
    created: Date
    comments: str = ""
    author: str = "p2pdocs"


def _environment() -> jinja2.Environment:
    return SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)


def render_docx(template: Path, context: Mapping[str, Any], properties: Properties) -> bytes:
    """Render ``template`` with ``context`` and return the .docx bytes."""
    from docxtpl import DocxTemplate

    try:
        doc = DocxTemplate(str(template))
        doc.render(dict(context), _environment(), autoescape=True)
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{template}: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{template}: {exc}") from None
    core = doc.docx.core_properties
    stamp = datetime.combine(properties.created, time(), tzinfo=UTC).replace(tzinfo=None)
    core.title = properties.title
    core.subject = properties.subject
    core.keywords = properties.keywords
    core.comments = properties.comments
    core.author = core.last_modified_by = properties.author
    core.created = core.modified = stamp
    core.last_printed = stamp
    core.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """The same package with fixed entry dates and attributes: reproducible bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(entry.filename), compresslevel=6)
    return out.getvalue()


def docx_text(data: bytes) -> str:
    """The visible text of a .docx (body paragraphs and tables in order, then headers)."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(io.BytesIO(data))
    lines: list[str] = []
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                lines.append(" | ".join(cell.text for cell in row.cells))
    for section in doc.sections:
        lines.extend(p.text for p in section.header.paragraphs)
        lines.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(lines)
