"""Values from the deal marked in the Word document, and found again in a returned one.

Clause text writes each value from the deal between invisible markers naming its field
(:mod:`p2pdocs.compose.marks`). After the template is rendered, the pass that writes the
fields (:func:`p2pdocs.word.fields.finish_body`) turns each marked piece of a ``w:t`` into its
own run between a hidden bookmark's start and end (:func:`value_bookmark`: ``_Val_1``,
``_Val_2``... in document order), and the document's properties record the
field of each (``p2pdocs.values``: ``agreement.payment.days``, ``agreement.margins[1].by_year[0]``).
The run keeps the formatting it had, so the document reads, looks and prints exactly as
without; only the markup differs.

Why bookmarks, not content controls (``w:sdt`` with ``w:tag``): LibreOffice 7.4 drops the
tag of an inline content control when it saves a .docx, and when a value inside one is
edited with change tracking on it writes a ``word/document.xml`` that is not well-formed
(``<w:del><w:sdt>...<w:sdtContent></w:del>``) with the text repeated, so a counterparty
working in LibreOffice would send back a broken file. Bookmarks survive Word and
LibreOffice, edits inside them included, and both keep the custom properties.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: the custom property that names the field of each value bookmark
VALUES = "p2pdocs.values"
PREFIX = "_Val_"
#: bookmark ids: unique within a document (clear of the ids Word and the templates use)
FIRST_ID = 70_000


def value_bookmark(n: int, rpr: str, value: str) -> str:
    """The ``n``-th value of a document as a run of its own (properties ``rpr``, text
    ``value``, already escaped) between the start and the end of bookmark ``_Val_n``
    (:func:`p2pdocs.word.fields.finish_body` splits the run the value was written in)."""
    ident = FIRST_ID + n
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return (
        f'<w:bookmarkStart w:id="{ident}" w:name="{PREFIX}{n}"/><w:r>{rpr}<w:t{space}>'
        f'{value}</w:t></w:r><w:bookmarkEnd w:id="{ident}"/>'
    )


def values_property(paths: list[str]) -> tuple[tuple[str, str], ...]:
    """The custom property recording the field of each value bookmark (none when no value)."""
    return ((VALUES, json.dumps(paths, separators=(",", ":"))),) if paths else ()


def bookmark_fields(properties: Mapping[str, str]) -> dict[str, str]:
    """Bookmark name -> field path, from a document's custom properties."""
    try:
        paths = json.loads(properties.get(VALUES, "[]"))
    except ValueError:
        return {}
    if not isinstance(paths, list):
        return {}
    return {f"{PREFIX}{n}": str(p) for n, p in enumerate(paths, start=1)}


def strip_marks(root: etree._Element) -> etree._Element:
    """``root`` without value bookmarks (for a redline, whose two sides share their names)."""
    for el in list(root.iter(f"{W}bookmarkStart")):
        if str(el.get(f"{W}name", "")).startswith(PREFIX):
            ident = el.get(f"{W}id")
            for end in root.iter(f"{W}bookmarkEnd"):
                if end.get(f"{W}id") == ident:
                    end.getparent().remove(end)  # type: ignore[union-attr]
                    break
            el.getparent().remove(el)  # type: ignore[union-attr]
    return root
