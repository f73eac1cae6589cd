"""The pages of a document's headings, read from its PDF, for the contents' page numbers.

LibreOffice converts a .docx as it is: it does not rebuild the contents (a TOC field) that
Word rebuilds on open. So a document with contents is converted once, the page of each
heading the contents list is found in that PDF (the first page after the contents holding
a line that reads as the entry, in order), and the contents are given those pages
(:func:`p2pdocs.word.fields.with_pages`) before the document is converted again.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

_SPACE = re.compile(r"\s+")


def _lines(text: str) -> set[str]:
    return {_SPACE.sub(" ", line).strip() for line in text.splitlines()}


def heading_pages(pdf: bytes, entries: Sequence[str]) -> list[int | None]:
    """The page (from 1) of each entry's heading in ``pdf``; None where it is not found."""
    from pypdf import PdfReader

    pages = [_lines(page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages]
    wanted = [_SPACE.sub(" ", entry).strip() for entry in entries]
    if not wanted:
        return []
    start = next((i for i, lines in enumerate(pages) if "Contents" in lines), 0)
    last = next((i for i in range(start, len(pages)) if wanted[-1] in pages[i]), start)  # where the contents end
    found: list[int | None] = []
    at = last + 1
    for entry in wanted:
        page = next((i for i in range(at, len(pages)) if entry in pages[i]), None)
        found.append(None if page is None else page + 1)
        if page is not None:
            at = page
    return found
