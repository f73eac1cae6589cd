"""Redlines between negotiation rounds: the new document with real Word tracked changes
(``w:ins`` / ``w:del``) at word level against the old one.

Paragraphs (body and table cells, cover page included) are aligned in document order; a
changed paragraph gets word-level insertions and deletions, a new one is marked inserted,
and an old one that is gone comes back as deleted at its place. Accepting every change
gives the new document's text, rejecting every change the old one's.
"""

from __future__ import annotations

import copy
import difflib
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date

from lxml import etree

from p2pdocs.prepared import write_package

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
_TOKEN = re.compile(r"\t|\s+|[\w.,%€$£-]+|[^\w\s]", re.UNICODE)


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


def texts(document_xml: bytes, accept: bool | None = None) -> list[str]:
    """The paragraphs of a document's body as text, optionally with changes accepted or
    rejected (a paragraph whose mark is deleted/inserted then disappears)."""
    body = etree.fromstring(document_xml).find(f"{W}body")
    assert body is not None
    out = []
    for p in body.iter(f"{W}p"):
        if (accept is True and _mark(p, "del")) or (accept is False and _mark(p, "ins")):
            continue
        out.append(paragraph_text(p, accept))
    return out


class _Changes:
    def __init__(self, author: str, day: date) -> None:
        self.author = author
        self.date = f"{day.isoformat()}T00:00:00Z"
        self.next_id = 9000

    def attrs(self) -> dict[str, str]:
        self.next_id += 1
        return {f"{W}id": str(self.next_id), f"{W}author": self.author, f"{W}date": self.date}

    def run(self, text: str, rpr: etree._Element | None, kind: str | None) -> etree._Element:
        run = etree.Element(f"{W}r")
        if rpr is not None:
            run.append(copy.deepcopy(rpr))
        for i, piece in enumerate(text.split("\t")):
            if i:
                etree.SubElement(run, f"{W}tab")
            if piece:
                t = etree.SubElement(run, f"{W}delText" if kind == "del" else f"{W}t")
                t.text = piece
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        if kind is None:
            return run
        wrapper = etree.Element(f"{W}{kind}", self.attrs())
        wrapper.append(run)
        return wrapper

    def mark_paragraph(self, p: etree._Element, kind: str) -> None:
        ppr = p.find(f"{W}pPr")
        if ppr is None:
            ppr = etree.Element(f"{W}pPr")
            p.insert(0, ppr)
        rpr = ppr.find(f"{W}rPr")
        if rpr is None:
            rpr = etree.SubElement(ppr, f"{W}rPr")
        rpr.append(etree.Element(f"{W}{kind}", self.attrs()))


def _text_rpr(p: etree._Element) -> etree._Element | None:
    for run in p.iter(f"{W}r"):
        if run.find(f"{W}t") is not None:
            return run.find(f"{W}rPr")
    return None


def _clear_runs(p: etree._Element) -> None:
    for child in list(p):
        if child.tag != f"{W}pPr":
            p.remove(child)


def _words(old: str, new: str, p: etree._Element, changes: _Changes) -> None:
    rpr = _text_rpr(p)
    _clear_runs(p)
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            p.append(changes.run("".join(b[j1:j2]), rpr, None))
            continue
        if i2 > i1:
            p.append(changes.run("".join(a[i1:i2]), rpr, "del"))
        if j2 > j1:
            p.append(changes.run("".join(b[j1:j2]), rpr, "ins"))


def _as_deleted(p: etree._Element, changes: _Changes) -> etree._Element:
    gone = copy.deepcopy(p)
    text, rpr = paragraph_text(gone), _text_rpr(gone)
    _clear_runs(gone)
    if text:
        gone.append(changes.run(text, rpr, "del"))
    changes.mark_paragraph(gone, "del")
    return gone


def _as_inserted(p: etree._Element, changes: _Changes) -> None:
    text, rpr = paragraph_text(p), _text_rpr(p)
    _clear_runs(p)
    if text:
        p.append(changes.run(text, rpr, "ins"))
    changes.mark_paragraph(p, "ins")


def _paragraphs(body: etree._Element) -> list[etree._Element]:
    return list(body.iter(f"{W}p"))


def redline_document(old_docx: bytes, new_docx: bytes, author: str, day: date) -> bytes:
    """``new_docx`` with its differences from ``old_docx`` as tracked changes."""
    with zipfile.ZipFile(io.BytesIO(old_docx)) as package:
        old_root = etree.fromstring(package.read("word/document.xml"))
    with zipfile.ZipFile(io.BytesIO(new_docx)) as package:
        entries = [(i.filename, package.read(i.filename)) for i in package.infolist()]
    parts = dict(entries)
    new_root = etree.fromstring(parts["word/document.xml"])
    old_ps = _paragraphs(old_root.find(f"{W}body"))  # type: ignore[arg-type]
    new_ps = _paragraphs(new_root.find(f"{W}body"))  # type: ignore[arg-type]
    old_t, new_t = [paragraph_text(p) for p in old_ps], [paragraph_text(p) for p in new_ps]
    changes = _Changes(author, day)
    matcher = difflib.SequenceMatcher(None, old_t, new_t, autojunk=False)
    for op, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):  # from the end: positions stay valid
        if op == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(pairs):
            _words(old_t[i1 + k], new_t[j1 + k], new_ps[j1 + k], changes)
        for j in range(j1 + pairs, j2):
            _as_inserted(new_ps[j], changes)
        deleted = [_as_deleted(old_ps[i], changes) for i in range(i1 + pairs, i2)]
        if deleted:
            anchor = new_ps[j2 - 1] if j2 > 0 else None
            _place(deleted, anchor, new_root)
    parts["word/document.xml"] = etree.tostring(new_root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return write_package([(name, parts[name]) for name, _ in entries])


def _place(deleted: list[etree._Element], anchor: etree._Element | None, root: etree._Element) -> None:
    if anchor is None:
        body = root.find(f"{W}body")
        assert body is not None
        for offset, p in enumerate(deleted):
            body.insert(offset, p)
        return
    for p in reversed(deleted):
        anchor.addnext(p)


def changes_in(docx: bytes) -> Iterator[tuple[str, str]]:
    """(kind, author) of every tracked change in a document."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    for el in root.iter(f"{W}ins", f"{W}del"):
        yield etree.QName(el).localname, str(el.get(f"{W}author"))
