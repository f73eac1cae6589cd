"""Redlines between negotiation rounds: the new document with real Word tracked changes
against the old one.

The two bodies are aligned first, as a diff of block sequences (redline_align): each block
belongs to the clause whose heading precedes it, so a clause switched off is one stretch
of whole deleted paragraphs and renumbering the later clauses keeps every paragraph paired
with its own earlier version. Only paragraphs that are versions of each other get
word-level insertions and deletions (``w:ins`` / ``w:del``) and, when their properties
differ (their style), a ``w:pPrChange``; other paragraphs are inserted or deleted whole,
mark included, and table rows as rows (``w:ins`` / ``w:del`` in ``w:trPr``). Accepting
every change gives exactly the new document, rejecting every change the old one, text and
paragraph styles.
"""

from __future__ import annotations

import copy
import difflib
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date

from lxml import etree

from p2pdocs.prepared import write_package
from p2pdocs.redline_align import Item, align, normalised

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
P, TBL, TR, TC, R = f"{W}p", f"{W}tbl", f"{W}tr", f"{W}tc", f"{W}r"
_BLOCKS = (P, TBL)
_TOKEN = re.compile(r"\t|\s+|[\w.,%€$£-]+|[^\w\s]", re.UNICODE)
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: the children of a w:pPr that are not its paragraph properties proper
_NOT_PROPERTIES = (f"{W}rPr", f"{W}sectPr", f"{W}pPrChange")

Headings = Sequence[tuple[str, str]]  # (clause id, heading text) of each section, in order


def paragraph_text(p: etree._Element, accept: bool | None = None) -> str:
    """The text of paragraph ``p``; with ``accept`` True/False, as if every tracked change
    were accepted/rejected."""
    out = []
    for el in p.iter(f"{W}t", f"{W}delText", f"{W}tab"):
        tags = {a.tag for a in el.iterancestors()}
        if accept is False and f"{W}ins" in tags:
            continue
        if accept is not False and (f"{W}del" in tags or el.tag == f"{W}delText"):
            continue
        out.append("\t" if el.tag == f"{W}tab" else el.text or "")
    return "".join(out)


def _mark(p: etree._Element, kind: str) -> bool:
    rpr = p.find(f"{W}pPr/{W}rPr")
    return rpr is not None and rpr.find(f"{W}{kind}") is not None


def _row_mark(p: etree._Element, kind: str) -> bool:
    return any(tr.find(f"{W}trPr/{W}{kind}") is not None for tr in p.iterancestors(TR))


def style(p: etree._Element, accept: bool | None = None) -> str:
    """The paragraph style of ``p`` (as it was before its tracked property change when
    ``accept`` is False)."""
    ppr = p.find(f"{W}pPr")
    if accept is False and ppr is not None and ppr.find(f"{W}pPrChange") is not None:
        ppr = ppr.find(f"{W}pPrChange/{W}pPr")
    found = None if ppr is None else ppr.find(f"{W}pStyle")
    return "" if found is None else str(found.get(f"{W}val"))


def paragraphs(document_xml: bytes, accept: bool | None = None) -> list[tuple[str, str]]:
    """(style, text) of the paragraphs of a document's body, tables included, optionally
    with changes accepted or rejected (a paragraph whose mark or row is deleted/inserted
    then disappears)."""
    body = etree.fromstring(document_xml).find(f"{W}body")
    assert body is not None
    gone = "del" if accept else "ins"
    return [
        (style(p, accept), paragraph_text(p, accept))
        for p in body.iter(P)
        if accept is None or not (_mark(p, gone) or _row_mark(p, gone))
    ]


def texts(document_xml: bytes, accept: bool | None = None) -> list[str]:
    """The paragraphs of a document's body as text, optionally with changes accepted or
    rejected (a paragraph whose mark is deleted/inserted then disappears)."""
    return [text for _, text in paragraphs(document_xml, accept)]


class _Changes:
    def __init__(self, author: str, day: date) -> None:
        self.author = author
        self.date = f"{day.isoformat()}T00:00:00Z"
        self.next_id = 9000

    def attrs(self) -> dict[str, str]:
        self.next_id += 1
        return {f"{W}id": str(self.next_id), f"{W}author": self.author, f"{W}date": self.date}

    def element(self, kind: str) -> etree._Element:
        return etree.Element(f"{W}{kind}", self.attrs())

    def run(self, text: str, rpr: etree._Element | None, kind: str | None) -> etree._Element:
        run = etree.Element(R)
        if rpr is not None:
            run.append(copy.deepcopy(rpr))
        for i, piece in enumerate(text.split("\t")):
            if i:
                etree.SubElement(run, f"{W}tab")
            if piece:
                t = etree.SubElement(run, f"{W}delText" if kind == "del" else f"{W}t")
                t.text = piece
                t.set(_XML_SPACE, "preserve")
        if kind is None:
            return run
        wrapper = self.element(kind)
        wrapper.append(run)
        return wrapper


def _ppr(p: etree._Element) -> etree._Element:
    ppr = p.find(f"{W}pPr")
    if ppr is None:
        ppr = etree.Element(f"{W}pPr")
        p.insert(0, ppr)
    return ppr


def _mark_paragraph(p: etree._Element, kind: str, changes: _Changes) -> None:
    """Mark the whole paragraph ``p`` (its runs and its mark) inserted or deleted."""
    for run in list(p.iter(R)):
        parent = run.getparent()
        if parent is None or parent.tag in (f"{W}ins", f"{W}del"):
            continue
        if kind == "del":
            for el in run.iter(f"{W}t", f"{W}instrText"):
                el.tag = f"{W}delText" if el.tag == f"{W}t" else f"{W}delInstrText"
        wrapper = changes.element(kind)
        run.addprevious(wrapper)
        wrapper.append(run)
    _mark_rpr(_ppr(p)).insert(0, changes.element(kind))  # w:ins / w:del come first in a mark's rPr


def _mark_rpr(ppr: etree._Element) -> etree._Element:
    """The properties of the paragraph mark, created in their place (before w:sectPr and
    w:pPrChange) when missing."""
    rpr = ppr.find(f"{W}rPr")
    if rpr is None:
        rpr = etree.Element(f"{W}rPr")
        after = [c for c in ppr if c.tag in _NOT_PROPERTIES[1:]]
        if after:
            after[0].addprevious(rpr)
        else:
            ppr.append(rpr)
    return rpr


def _mark_block(block: etree._Element, kind: str, changes: _Changes) -> None:
    """Mark a paragraph, or every row and paragraph of a table, inserted or deleted."""
    for tr in block.iter(TR):
        _mark_row(tr, kind, changes)
    for p in block.iter(P):
        _mark_paragraph(p, kind, changes)


def _mark_row(tr: etree._Element, kind: str, changes: _Changes) -> None:
    trpr = tr.find(f"{W}trPr")
    if trpr is None:
        trpr = etree.Element(f"{W}trPr")
        before = tr.find(f"{W}tblPrEx")
        if before is not None:
            before.addnext(trpr)
        else:
            tr.insert(0, trpr)
    trpr.append(changes.element(kind))


def _text_rpr(p: etree._Element) -> etree._Element | None:
    for run in p.iter(R):
        if run.find(f"{W}t") is not None:
            return run.find(f"{W}rPr")
    return None


def _words(old: str, new: str, p: etree._Element, changes: _Changes, *, before_insertion: bool = False) -> None:
    """Rewrite ``p`` as the word-level changes from ``old`` to ``new``.

    LibreOffice joins an insertion that ends a paragraph with a whole inserted paragraph
    right after it, and its Reject All then also removes the paragraph break between them;
    so ``before_insertion``, the paragraph ends with a deletion instead (a trailing
    insertion takes the last unchanged word with it: "Partner" -> "Partner Company" is shown
    as Partner Company inserted, then Partner deleted)."""
    rpr = _text_rpr(p)
    for child in list(p):
        if child.tag != f"{W}pPr":
            p.remove(child)
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    if before_insertion and len(ops) > 1 and ops[-1][0] == "insert" and ops[-2][0] == "equal":
        (_, i1, i2, j1, j2), (_, _, _, _, k2) = ops[-2], ops[-1]
        ops[-2:] = [("equal", i1, i2 - 1, j1, j2 - 1), ("replace", i2 - 1, i2, j2 - 1, k2)]
        ops = [op for op in ops if op[2] > op[1] or op[4] > op[3]]
    last = len(ops) - 1
    for n, (op, i1, i2, j1, j2) in enumerate(ops):
        if op == "equal":
            p.append(changes.run("".join(b[j1:j2]), rpr, None))
            continue
        pieces = [("del", "".join(a[i1:i2])), ("ins", "".join(b[j1:j2]))]
        if before_insertion and n == last:
            pieces.reverse()
        for kind, text in pieces:
            if text:
                p.append(changes.run(text, rpr, kind))


def _properties(p: etree._Element) -> bytes:
    ppr = p.find(f"{W}pPr")
    if ppr is None:
        return b""
    kept = copy.deepcopy(ppr)
    for child in list(kept):
        if child.tag in _NOT_PROPERTIES:
            kept.remove(child)
    return b"" if len(kept) == 0 else etree.tostring(kept)


def _pair_paragraph(old: etree._Element, new: etree._Element, changes: _Changes, before_insertion: bool) -> None:
    old_text, new_text = paragraph_text(old), paragraph_text(new)
    if old_text != new_text:
        _words(old_text, new_text, new, changes, before_insertion=before_insertion)
    if _properties(old) != _properties(new):
        change = changes.element("pPrChange")
        before = old.find(f"{W}pPr")
        was = etree.Element(f"{W}pPr") if before is None else copy.deepcopy(before)
        for child in list(was):
            if child.tag in _NOT_PROPERTIES:
                was.remove(child)
        change.append(was)
        _ppr(new).append(change)  # w:pPrChange is the last child of w:pPr


def _cells(tr: etree._Element) -> list[etree._Element]:
    return tr.findall(TC)


def _table_text(el: etree._Element) -> str:
    return "\n".join(paragraph_text(p) for p in el.iter(P))


def _row_item(tr: etree._Element) -> Item:
    return Item("", f"tr:{len(_cells(tr))}", "\x1f".join(_table_text(tc) for tc in _cells(tr)))


def _pair_table(old: etree._Element, new: etree._Element, changes: _Changes) -> None:
    old_rows, new_rows = old.findall(TR), new.findall(TR)
    rows: list[etree._Element] = []
    for i, j in align([_row_item(r) for r in old_rows], [_row_item(r) for r in new_rows]):
        if i is not None and j is not None:
            for old_cell, new_cell in zip(_cells(old_rows[i]), _cells(new_rows[j]), strict=True):
                _merge(old_cell, new_cell, None, None, changes)
            rows.append(new_rows[j])
        elif i is not None:
            gone = copy.deepcopy(old_rows[i])
            _mark_block(gone, "del", changes)
            rows.append(gone)
        elif j is not None:
            _mark_block(new_rows[j], "ins", changes)
            rows.append(new_rows[j])
    for tr in new_rows:
        new.remove(tr)
    new.extend(rows)


def _segments(blocks: Sequence[etree._Element], headings: Headings | None) -> list[str]:
    """The clause each block belongs to: a section starts at its heading (found from the
    end, after the table of contents that repeats them); another paragraph in the style of
    the section headings (Key terms, Contents, Signatures) starts a part of its own."""
    if not headings:
        return [""] * len(blocks)
    starts: dict[int, str] = {}
    k = len(headings) - 1
    for index in range(len(blocks) - 1, -1, -1):
        if k < 0:
            break
        if blocks[index].tag == P and paragraph_text(blocks[index]) == headings[k][1]:
            starts[index] = headings[k][0]
            k -= 1
    heading_style = style(blocks[min(starts)]) if starts else None
    segment, out = "", []
    for index, block in enumerate(blocks):
        if index in starts:
            segment = f"clause:{starts[index]}"
        elif heading_style and block.tag == P and style(block) == heading_style:
            segment = f"part:{normalised(paragraph_text(block))}"
        out.append(segment)
    return out


def _item(block: etree._Element, segment: str) -> Item:
    if block.tag == P:
        return Item(segment, "p", paragraph_text(block), style(block))
    columns = block.find(f"{W}tblGrid")
    return Item(segment, f"tbl:{0 if columns is None else len(columns)}", _table_text(block))


def _whole(p: etree._Element) -> etree._Element | None:
    """The w:ins / w:del that marks paragraph ``p`` inserted or deleted whole."""
    rpr = p.find(f"{W}pPr/{W}rPr")
    return None if rpr is None else next((c for c in rpr if c.tag in (f"{W}ins", f"{W}del")), None)


def _marks_before_tables(out: list[etree._Element]) -> None:
    """Paragraphs inserted or deleted whole right before a table: LibreOffice cannot join
    the last one's mark with the table and leaves it as an empty paragraph (in the style
    of the stretch's first). When the paragraph before the stretch has the same paragraph
    properties as its last one, the stretch takes that paragraph's mark instead of its own
    last mark (as Word itself records a paragraph added before a table): the same text
    and styles result in Word and LibreOffice, whichever mark survives."""
    for k in range(len(out) - 1):
        marker = _whole(out[k]) if out[k].tag == P else None
        if marker is None or out[k + 1].tag != TBL:
            continue
        start = k
        while start > 0 and out[start - 1].tag == P and _same_mark(_whole(out[start - 1]), marker):
            start -= 1
        if start == 0 or out[start - 1].tag != P or _whole(out[start - 1]) is not None:
            continue
        before = out[start - 1]
        ppr = before.find(f"{W}pPr")
        if (ppr is not None and ppr.find(f"{W}pPrChange") is not None) or _properties(before) != _properties(out[k]):
            continue
        marker.getparent().remove(marker)  # type: ignore[union-attr]
        _mark_rpr(_ppr(before)).insert(0, marker)


def _same_mark(a: etree._Element | None, b: etree._Element) -> bool:
    return a is not None and a.tag == b.tag


def _merge(
    old: etree._Element,
    new: etree._Element,
    old_headings: Headings | None,
    new_headings: Headings | None,
    changes: _Changes,
) -> None:
    """Turn container ``new`` (the body or a cell) into the redline against ``old``."""
    old_blocks = [c for c in old if c.tag in _BLOCKS]
    new_blocks = [c for c in new if c.tag in _BLOCKS]
    old_items = [_item(b, s) for b, s in zip(old_blocks, _segments(old_blocks, old_headings), strict=True)]
    new_items = [_item(b, s) for b, s in zip(new_blocks, _segments(new_blocks, new_headings), strict=True)]
    out: list[etree._Element] = []
    steps = align(old_items, new_items)
    for n, (i, j) in enumerate(steps):
        if i is not None and j is not None:
            if new_blocks[j].tag == P:
                following = steps[n + 1] if n + 1 < len(steps) else (None, None)
                inserted = following[0] is None and following[1] is not None and new_blocks[following[1]].tag == P
                _pair_paragraph(old_blocks[i], new_blocks[j], changes, inserted)
            else:
                _pair_table(old_blocks[i], new_blocks[j], changes)
            out.append(new_blocks[j])
        elif i is not None:
            gone = copy.deepcopy(old_blocks[i])
            _mark_block(gone, "del", changes)
            out.append(gone)
        elif j is not None:
            _mark_block(new_blocks[j], "ins", changes)
            out.append(new_blocks[j])
    _marks_before_tables(out)
    children = list(new)
    first = next((k for k, c in enumerate(children) if c.tag in _BLOCKS), len(children))
    before = [c for c in children[:first] if c.tag not in _BLOCKS]
    after = [c for c in children[first:] if c.tag not in _BLOCKS]
    for child in children:
        new.remove(child)
    new.extend([*before, *out, *after])


def redline_document(
    old_docx: bytes,
    new_docx: bytes,
    author: str,
    day: date,
    old_headings: Headings | None = None,
    new_headings: Headings | None = None,
) -> bytes:
    """``new_docx`` with its differences from ``old_docx`` as tracked changes.

    ``old_headings`` / ``new_headings`` give each document's sections as (clause id,
    heading text), so that paragraphs are only ever paired within the same clause."""
    with zipfile.ZipFile(io.BytesIO(old_docx)) as package:
        old_root = etree.fromstring(package.read("word/document.xml"))
    with zipfile.ZipFile(io.BytesIO(new_docx)) as package:
        entries = [(i.filename, package.read(i.filename)) for i in package.infolist()]
    parts = dict(entries)
    new_root = etree.fromstring(parts["word/document.xml"])
    old_body, new_body = old_root.find(f"{W}body"), new_root.find(f"{W}body")
    assert old_body is not None and new_body is not None
    _merge(old_body, new_body, old_headings, new_headings, _Changes(author, day))
    parts["word/document.xml"] = etree.tostring(new_root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return write_package([(name, parts[name]) for name, _ in entries])


def changes_in(docx: bytes) -> Iterator[tuple[str, str]]:
    """(kind, author) of every tracked change in a document (``ins``, ``del``, ``pPrChange``)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    for el in root.iter(f"{W}ins", f"{W}del", f"{W}pPrChange"):
        yield etree.QName(el).localname, str(el.get(f"{W}author"))
