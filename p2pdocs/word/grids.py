"""docxtpl's fix-ups of a rendered body, applied to its text: each table's grid fitted to
its rows after ``{%tc %}`` loops added or removed cells, and drawings' ids renumbered.

The text is changed only where a grid changes (the grid written anew and spliced in), and
a table is parsed only when its rows cannot be counted from the text (merged cells, a
table inside: :func:`p2pdocs.word.scan.plain_table`); a body that may hold drawings is
parsed whole. The arithmetic is docxtpl's (:func:`refit`), for the text and the tree alike.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

from lxml import etree

from p2pdocs.word import scan

_GRID = re.compile(rb"<w:tblGrid(?:>.*?</w:tblGrid>|/>)", flags=re.DOTALL)
_XMLNS = re.compile(r' xmlns:\w+="[^"]*"')
_STRICT = etree.XMLParser(recover=False, resolve_entities=False, huge_tree=True, collect_ids=False)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


def fixed(body: bytes, known: scan.Shape) -> tuple[bytes, Any]:
    """``body`` (UTF-8) with docxtpl's fix-ups applied (table grids fitted to their rows,
    drawing ids renumbered), and a tree holding at least its section properties. Only the
    changed grids are written anew and spliced into the text, and only tables with merged
    cells or tables inside are parsed for it; a body that may hold drawings is parsed whole
    (their ids are renumbered in the tree). What its template guarantees is ``known``."""
    head = None if known.drawings else scan.body_tag(body)
    changes = _changes(head, body, known) if head is not None else None
    if changes is not None:
        sections = scan.sections(body, known)
        return _spliced(body, changes), etree.fromstring(b"%s%s</w:body>" % (head, sections), _STRICT)
    tree = etree.fromstring(body, _STRICT)
    tables = list(tree.iter(f"{_W}tbl"))
    grids = list(_GRID.finditer(body))
    pictures = list(tree.iter(_DOCPR))
    if pictures or len(grids) != len(tables) or any(t.find(f"{_W}tblGrid") is None for t in tables):
        fit_grids(tree)
        for ids, element in enumerate(pictures, start=1001):
            element.attrib["id"] = str(ids)
        return etree.tostring(tree, encoding="unicode").encode("utf-8"), tree
    return _spliced(body, _grids(tables, grids)), tree


Change = tuple[int, int, bytes]  # where a grid lies in a body, and its new XML


def _changes(head: bytes, body: bytes, known: scan.Shape) -> list[Change] | None:
    """The grids to write anew in ``body``, table by table (see :func:`_refitted`)."""
    changes: list[Change] = []
    for start, end in scan.spans(body, b"<w:tbl", b"</w:tbl>"):
        refitted = _refitted(head, body, start, end, known)
        if refitted is None:
            return None
        changes += refitted
    return changes


def _refitted(head: bytes, body: bytes, start: int, end: int, known: scan.Shape) -> list[Change] | None:
    """The grids to write anew in the table at ``body[start:end]``; None when its grids and
    tables cannot be paired (the body is then parsed whole)."""
    plain = scan.plain_table(body, start, end, known)
    if plain is not None:
        grid, cells = plain
        xml = _plain_grid(grid[0], max(cells, default=0))
        return [] if xml is None else [(grid.start(), grid.end(), xml)]
    tables = list(etree.fromstring(b"%s%s</w:body>" % (head, body[start:end]), _STRICT).iter(f"{_W}tbl"))
    grids = list(_GRID.finditer(body, start, end))
    if len(grids) != len(tables) or any(t.find(f"{_W}tblGrid") is None for t in tables):
        return None
    return _grids(tables, grids)


_WIDTH = re.compile(rb'<w:gridCol w:w="([0-9]+)"/>')
_COLUMN = '<w:gridCol w:w="{}"/>'


@functools.lru_cache(maxsize=1024)  # a template's tables come back with the same rows
def _plain_grid(grid: bytes, widest: int) -> bytes | None:
    """The grid ``grid`` (plain widths) refitted to rows of at most ``widest`` cells, as
    XML; None when it fits already."""
    widths = refit([w.decode() for w in _WIDTH.findall(grid)], widest, widest)
    if widths is None:
        return None
    columns = "".join(_COLUMN.format(w) for w in widths)
    return (f"<w:tblGrid>{columns}</w:tblGrid>" if columns else "<w:tblGrid/>").encode()


def _grids(tables: list[Any], grids: list[re.Match[bytes]]) -> list[Change]:
    """Each table's grid (found at ``grids``) that the fix-up changed, as its new XML."""
    return [
        (
            grid.start(),
            grid.end(),
            _XMLNS.sub("", etree.tostring(table.find(f"{_W}tblGrid"), encoding="unicode")).encode(),
        )
        for table, grid in zip(tables, grids, strict=True)
        if fit_table(table)
    ]


def _spliced(body: bytes, changes: list[Change]) -> bytes:
    """``body`` with each (start, end, xml) of ``changes``, in order, written in."""
    pieces: list[bytes] = []
    done = 0
    for start, end, xml in changes:
        pieces += [body[done:start], xml]
        done = end
    return b"".join([*pieces, body[done:]]) if pieces else body


def fit_grids(tree: Any) -> bool:
    """Make each table's grid match its rows after ``{%tc %}`` loops added or removed cells,
    keeping the table's width: the fix-up docxtpl applies (:func:`refit`). Returns whether
    anything changed."""
    changed = False
    for table in tree.iter(f"{_W}tbl"):
        changed = fit_table(table) or changed
    return changed


def fit_table(table: Any) -> bool:
    """Fit one table's grid to its rows (see :func:`fit_grids`)."""
    grid = table.find(f"{_W}tblGrid")
    if grid is None:
        return False
    cells = [r.findall(f"{_W}tc") for r in table.iter(f"{_W}tr")]
    columns = grid.findall(f"{_W}gridCol")
    widest = max(map(len, cells), default=0)
    spans = next(table.iter(f"{_W}gridSpan"), None) is not None
    spanned = max((sum(map(_span, row)) for row in cells), default=0) if spans else widest
    widths = refit([column.get(f"{_W}w") for column in columns], widest, spanned)
    if widths is None:
        return False
    for column in columns[len(widths) :]:
        grid.remove(column)
    for column, width in zip(columns, widths, strict=False):
        if width is not None:
            column.set(f"{_W}w", width)
    for width in widths[len(columns) :]:
        etree.SubElement(grid, f"{_W}gridCol", {f"{_W}w": str(width)})
    return True


def refit(widths: Sequence[str | None], widest: int, spanned: int) -> list[str | None] | None:
    """A table grid's column widths (``w:w``, None where a column has none) fitted to rows
    of at most ``widest`` cells spanning at most ``spanned`` columns; None when they fit.

    Columns are added when a row has more cells than the grid (all columns then share the
    width evenly), and removed from the end when no row spans them any more (their width
    goes evenly to the columns left).
    """
    changed = False
    missing = widest - len(widths)
    if missing > 0:
        changed = True
        total = sum(float(w or 0) for w in widths if w is not None)
        if total > 0:
            old, new = total / len(widths), total / (len(widths) + missing)
            widths = [*(str(int(float(w or 0) * new / old)) for w in widths), *[str(int(new))] * missing]
    extra = len(widths) - spanned
    if extra > 0:
        changed = True
        removed = sum(float(w or 0) for w in widths[-extra:])
        widths = widths[:-extra]
        share = int(removed / len(widths)) if widths else 0
        widths = [str(int(float(w or 0) + share)) for w in widths]
    return list(widths) if changed else None


def _span(cell: Any) -> int:
    span = cell.find(f"{_W}tcPr/{_W}gridSpan")
    return int(span.get(f"{_W}val")) if span is not None else 1
