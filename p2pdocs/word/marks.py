"""Values from the deal marked in the Word document, and found again in a returned one.

Clause text writes each value from the deal between invisible markers naming its field
(:mod:`p2pdocs.compose.marks`). After the template is rendered, :func:`to_bookmarks` turns
each marked piece of a ``w:t`` into its own run between a hidden bookmark's start and end
(``_Val_1``, ``_Val_2``... in document order), and the document's properties record the
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
import re
from collections.abc import Mapping

from lxml import etree

from p2pdocs.compose.marks import CLOSE, OPEN, SEP, plain

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: the custom property that names the field of each value bookmark
VALUES = "p2pdocs.values"
PREFIX = "_Val_"
_RPR = re.compile(r"<w:rPr>.*?</w:rPr>|<w:rPr/>", flags=re.DOTALL)
#: bookmark ids: unique within a document (clear of the ids Word and the templates use)
FIRST_ID = 70_000


#: a marked value inside one text node (no markup between its markers)
_VALUE = re.compile(f"{OPEN}([^<{OPEN}{SEP}{CLOSE}]*){SEP}([^<{OPEN}{SEP}{CLOSE}]*){CLOSE}")


def to_bookmarks(xml: str) -> tuple[str, list[str]]:
    """``xml`` (a rendered part) with every marked value a bookmarked run and every other
    marker removed, and the field path of each bookmark in order (``_Val_1`` first). Quick
    when there is none (the check runs at memchr speed)."""
    if OPEN not in xml and CLOSE not in xml:
        return xml, []
    paths: list[str] = []

    def bookmark(found: re.Match[str]) -> str:
        at = found.start()
        head = xml.rfind("<", 0, at)  # the element the text is in: a w:t, or not a run's text
        if not xml.startswith(("<w:t>", "<w:t "), head):
            return found.group(2)
        low = max(0, head - 4000)
        run = max(xml.rfind("<w:r>", low, head), xml.rfind("<w:r ", low, head))
        if run < 0:
            return found.group(2)
        rpr_found = _RPR.search(xml, run, head)
        rpr = rpr_found.group(0) if rpr_found else ""
        paths.append(found.group(1))
        n = len(paths)
        ident = FIRST_ID + n
        value = found.group(2)
        space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
        return (
            f'</w:t></w:r><w:bookmarkStart w:id="{ident}" w:name="{PREFIX}{n}"/><w:r>{rpr}<w:t{space}>'
            f'{value}</w:t></w:r><w:bookmarkEnd w:id="{ident}"/><w:r>{rpr}<w:t xml:space="preserve">'
        )

    out = _VALUE.sub(bookmark, xml)
    if paths:  # a value that opened or closed its text leaves an empty run: fewer elements to parse and zip
        out = _AFTER_END.sub(r"\1", out.replace(_EMPTY_RUN + "<w:bookmarkStart", "<w:bookmarkStart"))
    return plain(out), paths


_EMPTY_RUN = '<w:r><w:t xml:space="preserve"></w:t></w:r>'
_AFTER_END = re.compile(f'(<w:bookmarkEnd w:id="[0-9]+"/>){re.escape(_EMPTY_RUN)}')


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
