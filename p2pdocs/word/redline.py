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

from p2pdocs.word.fast_render import write_package
from p2pdocs.word.fields import CLOSE as fields_CLOSE
from p2pdocs.word.fields import REF as fields_REF
from p2pdocs.word.marks import strip_marks
from p2pdocs.word.redline_align import Item, align, normalised
from p2pdocs.word.redline_marks import (
    NOT_PROPERTIES,
    Changes,
    mark_block,
    marks_before_tables,
    ppr_of,
    properties,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
P, TBL, TR, TC, R = f"{W}p", f"{W}tbl", f"{W}tr", f"{W}tc", f"{W}r"
_BLOCKS = (P, TBL)
_TOKEN = re.compile(r"\ue000[^\ue002]*\ue002|\t|\s+|[\w.,%€$£-]+|[^\w\s]", re.UNICODE)
_FLD_CHAR, _INSTR, _DEL_INSTR = f"{W}fldChar", f"{W}instrText", f"{W}delInstrText"

Headings = Sequence[tuple[str, str]]  # (clause id, heading text) of each section, in order


def paragraph_text(p: etree._Element, accept: bool | None = None) -> str:
    """The text of paragraph ``p``; with ``accept`` True/False, as if every tracked change
    were accepted/rejected. A cross-reference (a REF field) reads as its target, never its
    cached number, which is Word's to update: a reference whose number only moved is the
    same text."""
    out = []
    fields: list[list[str]] = []  # per open field: its instruction, then whether in its result
    for el in p.iter(f"{W}t", f"{W}delText", f"{W}tab", _FLD_CHAR, _INSTR, _DEL_INSTR):
        tags = {a.tag for a in el.iterancestors()}
        if accept is False and f"{W}ins" in tags:
            continue
        if accept is not False and (f"{W}del" in tags or el.tag in (f"{W}delText", _DEL_INSTR)):
            continue
        if el.tag == _FLD_CHAR:
            kind = el.get(f"{W}fldCharType")
            if kind == "begin":
                fields.append(["", ""])
            elif kind == "separate" and fields:
                fields[-1][1] = "result"
            elif kind == "end" and fields:
                instruction = fields.pop()[0].split()
                if len(instruction) > 1 and instruction[0] == "REF":
                    out.append(f"{fields_REF}{instruction[1]}{fields_CLOSE}")
        elif el.tag in (_INSTR, _DEL_INSTR):
            if fields and not fields[-1][1]:
                fields[-1][0] += el.text or ""
        elif fields:
            continue  # a field's result
        else:
            out.append("\t" if el.tag == f"{W}tab" else el.text or "")
    return "".join(out)


def ref_numbers(p: etree._Element) -> dict[str, str]:
    """The cached number of each cross-reference in ``p``, by its bookmark."""
    found: dict[str, str] = {}
    name: str | None = None
    result: list[str] | None = None
    for el in p.iter(_FLD_CHAR, _INSTR, _DEL_INSTR, f"{W}t", f"{W}delText"):
        if el.tag == _FLD_CHAR:
            kind = el.get(f"{W}fldCharType")
            if kind == "separate" and name:
                result = []
            elif kind == "end":
                if name and result is not None:
                    found[name] = "".join(result)
                name, result = None, None
        elif el.tag in (_INSTR, _DEL_INSTR):
            words = (el.text or "").split()
            name = words[1] if len(words) > 1 and words[0] == "REF" else name
        elif result is not None:
            result.append(el.text or "")
    return found


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


def _text_rpr(p: etree._Element) -> etree._Element | None:
    for run in p.iter(R):
        if run.find(f"{W}t") is not None:
            return run.find(f"{W}rPr")
    return None


def _words(
    old: str,
    new: str,
    p: etree._Element,
    changes: Changes,
    old_numbers: dict[str, str],
    *,
    before_insertion: bool = False,
) -> None:
    """Rewrite ``p`` as the word-level changes from ``old`` to ``new``.

    LibreOffice joins an insertion that ends a paragraph with a whole inserted paragraph
    right after it, and its Reject All then also removes the paragraph break between them;
    so ``before_insertion``, the paragraph ends with a deletion instead (a trailing
    insertion takes the last unchanged word with it: "Partner" -> "Partner Company" is shown
    as Partner Company inserted, then Partner deleted)."""
    rpr = _text_rpr(p)
    numbers = ref_numbers(p)
    ends = list(p.iter(f"{W}bookmarkEnd"))  # a bookmark spans the paragraph rewritten
    for child in list(p):
        if child.tag != f"{W}pPr" and child.tag != f"{W}bookmarkStart":
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
            p.extend(changes.runs("".join(b[j1:j2]), rpr, None, numbers))
            continue
        pieces = [("del", "".join(a[i1:i2])), ("ins", "".join(b[j1:j2]))]
        if before_insertion and n == last:
            pieces.reverse()
        for kind, text in pieces:
            if text:
                p.extend(changes.runs(text, rpr, kind, old_numbers if kind == "del" else numbers))
    p.extend(ends)


def _pair_paragraph(old: etree._Element, new: etree._Element, changes: Changes, before_insertion: bool) -> None:
    old_text, new_text = paragraph_text(old), paragraph_text(new)
    if old_text != new_text:
        _words(old_text, new_text, new, changes, ref_numbers(old), before_insertion=before_insertion)
    if properties(old) != properties(new):
        change = changes.element("pPrChange")
        before = old.find(f"{W}pPr")
        was = etree.Element(f"{W}pPr") if before is None else copy.deepcopy(before)
        for child in list(was):
            if child.tag in NOT_PROPERTIES:
                was.remove(child)
        change.append(was)
        ppr_of(new).append(change)  # w:pPrChange is the last child of w:pPr


def _cells(tr: etree._Element) -> list[etree._Element]:
    return tr.findall(TC)


def _table_text(el: etree._Element) -> str:
    return "\n".join(paragraph_text(p) for p in el.iter(P))


def _row_item(tr: etree._Element) -> Item:
    return Item("", f"tr:{len(_cells(tr))}", "\x1f".join(_table_text(tc) for tc in _cells(tr)))


def _pair_table(old: etree._Element, new: etree._Element, changes: Changes) -> None:
    old_rows, new_rows = old.findall(TR), new.findall(TR)
    rows: list[etree._Element] = []
    for i, j in align([_row_item(r) for r in old_rows], [_row_item(r) for r in new_rows]):
        if i is not None and j is not None:
            for old_cell, new_cell in zip(_cells(old_rows[i]), _cells(new_rows[j]), strict=True):
                _merge(old_cell, new_cell, None, None, changes)
            rows.append(new_rows[j])
        elif i is not None:
            gone = copy.deepcopy(old_rows[i])
            mark_block(gone, "del", changes)
            rows.append(gone)
        elif j is not None:
            mark_block(new_rows[j], "ins", changes)
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


def _merge(
    old: etree._Element,
    new: etree._Element,
    old_headings: Headings | None,
    new_headings: Headings | None,
    changes: Changes,
) -> None:
    """Turn container ``new`` (the body or a cell) into the redline against ``old``."""
    new_names = {str(m.get(f"{W}name")) for m in new.iter(f"{W}bookmarkStart")}
    old_blocks, _ = _without_contents([c for c in old if c.tag in _BLOCKS])
    new_blocks, contents = _without_contents([c for c in new if c.tag in _BLOCKS])
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
            _own_bookmarks(gone, new_names)
            mark_block(gone, "del", changes)
            out.append(gone)
        elif j is not None:
            mark_block(new_blocks[j], "ins", changes)
            out.append(new_blocks[j])
    marks_before_tables(out)
    if contents:  # the new contents, as generated: a field Word rebuilds, never a change
        previous, entries = contents
        at = next((k + 1 for k, block in enumerate(out) if block is previous), 0) if previous is not None else 0
        out[at:at] = entries
    children = list(new)
    first = next((k for k, c in enumerate(children) if c.tag in _BLOCKS), len(children))
    before = [c for c in children[:first] if c.tag not in _BLOCKS]
    after = [c for c in children[first:] if c.tag not in _BLOCKS]
    for child in children:
        new.remove(child)
    new.extend([*before, *out, *after])


def _own_bookmarks(gone: etree._Element, new_names: set[str]) -> None:
    """A deleted block keeps its bookmarks (Reject All brings back what referred to them),
    with ids of its own; one the new document holds too is the new one's."""
    dropped: set[str] = set()
    for mark in list(gone.iter(f"{W}bookmarkStart", f"{W}bookmarkEnd")):
        mark_id = str(mark.get(f"{W}id"))
        if mark.tag == f"{W}bookmarkStart" and mark.get(f"{W}name") in new_names:
            dropped.add(mark_id)
        if mark_id in dropped:
            mark.getparent().remove(mark)  # type: ignore[union-attr]
        else:
            mark.set(f"{W}id", str(_OLD_IDS + int(mark_id)) if mark_id.isdigit() else mark_id)


_OLD_IDS = 100_000  # bookmark ids of the old document's deleted blocks start here


def _without_contents(
    blocks: list[etree._Element],
) -> tuple[list[etree._Element], tuple[etree._Element | None, list[etree._Element]] | None]:
    """``blocks`` without the entries of the contents (paragraphs in a TOC style), and
    where they were with them."""
    entries = [b for b in blocks if b.tag == P and style(b).startswith("TOC")]
    if not entries:
        return blocks, None
    kept = [b for b in blocks if not (b.tag == P and style(b).startswith("TOC"))]
    at = blocks.index(entries[0])
    return kept, (blocks[at - 1] if at else None, entries)


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
        old_root = strip_marks(etree.fromstring(package.read("word/document.xml")))
    with zipfile.ZipFile(io.BytesIO(new_docx)) as package:
        entries = [(i.filename, package.read(i.filename)) for i in package.infolist()]
    parts = dict(entries)
    new_root = strip_marks(etree.fromstring(parts["word/document.xml"]))
    old_body, new_body = old_root.find(f"{W}body"), new_root.find(f"{W}body")
    assert old_body is not None and new_body is not None
    _merge(old_body, new_body, old_headings, new_headings, Changes(author, day))
    parts["word/document.xml"] = etree.tostring(new_root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return write_package([(name, parts[name]) for name, _ in entries])


def changes_in(docx: bytes) -> Iterator[tuple[str, str]]:
    """(kind, author) of every tracked change in a document (``ins``, ``del``, ``pPrChange``)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    for el in root.iter(f"{W}ins", f"{W}del", f"{W}pPrChange"):
        yield etree.QName(el).localname, str(el.get(f"{W}author"))
