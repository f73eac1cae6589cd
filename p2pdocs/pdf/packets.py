"""PDFs and signing packets: LibreOffice converts (p2pdocs.pdf.libreoffice), pypdf assembles.

Each PDF is rewritten with metadata from the deal (never the clock) and an ID derived from
its content, so the same input gives the same bytes. A draft gets a diagonal DRAFT
watermark on every page (p2pdocs.pdf.watermark).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from p2pdocs.pdf.libreoffice import Converted, convert, soffice

__all__ = ["Converted", "Metadata", "convert", "finish", "soffice"]


# -- finishing: metadata, watermark, packet ------------------------------------------------


@dataclass(frozen=True)
class Metadata:
    title: str
    subject: str
    keywords: str
    created: date
    author: str = "p2pdocs"


def _pdf_date(day: date) -> str:
    return f"D:{day:%Y%m%d}000000Z"


def finish(parts: Sequence[tuple[str, bytes]], meta: Metadata, draft: bool) -> bytes:
    """One PDF of ``parts`` (title, PDF bytes) in order, with a bookmark per part when there
    are several, the metadata given, a DRAFT watermark on a draft, and a content-derived ID."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject

    writer = PdfWriter()
    for title, data in parts:
        writer.append(PdfReader(io.BytesIO(data)), outline_item=title if len(parts) > 1 else None)
    if draft:
        from p2pdocs.pdf.watermark import watermark

        watermark(writer)
    if NameObject("/Metadata") in writer.root_object:
        del writer.root_object[NameObject("/Metadata")]  # XMP from the converter carries its own dates and ids
    stamp = _pdf_date(meta.created)
    writer.add_metadata(
        {
            "/Title": meta.title,
            "/Subject": meta.subject,
            "/Keywords": meta.keywords,
            "/Author": meta.author,
            "/Creator": "p2pdocs",
            "/Producer": "p2pdocs with LibreOffice and pypdf",
            "/CreationDate": stamp,
            "/ModDate": stamp,
        }
    )
    first = io.BytesIO()
    writer.write(first)
    digest = hashlib.sha256(first.getvalue()).digest()[:16]
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])  # pypdf has no public setter
    final = io.BytesIO()
    writer.write(final)
    return final.getvalue()
