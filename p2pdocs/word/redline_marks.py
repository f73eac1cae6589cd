"""How a redline records its changes: Word tracked-change markup (``w:ins``, ``w:del``,
``w:pPrChange``, row marks in ``w:trPr``) written onto paragraphs, rows and tables, each
change numbered and stamped with its author and date."""

from __future__ import annotations

import copy
import re
from datetime import date

from lxml import etree

from p2pdocs.word.fields import REF

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
P, TBL, TR, R = f"{W}p", f"{W}tbl", f"{W}tr", f"{W}r"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: the children of a w:pPr that are not its paragraph properties proper
NOT_PROPERTIES = (f"{W}rPr", f"{W}sectPr", f"{W}pPrChange")


class Changes:
    """Makes the markup of one redline's changes: numbered from 9001, one author and date."""

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

    def runs(
        self, text: str, rpr: etree._Element | None, kind: str | None, numbers: dict[str, str]
    ) -> list[etree._Element]:
        """``text`` as runs (see :meth:`run`), each cross-reference in it (a REF token of
        :func:`~p2pdocs.word.redline.paragraph_text`) as a REF field again, its result the
        number ``numbers`` gives its bookmark; all in one ``kind`` change when marked."""
        if REF not in text:
            return [self.run(text, rpr, kind)]
        out: list[etree._Element] = []
        for piece in _REF_TOKEN.split(text):
            if piece.startswith(REF):
                name = piece[1:-1]
                out += self._field(f" REF {name} \\r \\h ", numbers.get(name, ""), rpr, kind == "del")
            elif piece:
                out.append(self.run(piece, rpr, None))
        if kind is None:
            return out
        wrapper = self.element(kind)
        for run in out:
            if kind == "del":
                for el in run.iter(f"{W}t"):
                    el.tag = f"{W}delText"
            wrapper.append(run)
        return [wrapper]

    @staticmethod
    def _field(instruction: str, result: str, rpr: etree._Element | None, deleted: bool) -> list[etree._Element]:
        runs = []
        for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, None), ("end", None)):
            run = etree.Element(R)
            if rpr is not None:
                run.append(copy.deepcopy(rpr))
            if kind:
                etree.SubElement(run, f"{W}fldChar", {f"{W}fldCharType": kind})
            elif text:
                el = etree.SubElement(run, f"{W}delInstrText" if deleted else f"{W}instrText")
                el.text = text
                el.set(_XML_SPACE, "preserve")
            else:
                if not result:
                    continue
                el = etree.SubElement(run, f"{W}t")
                el.text = result
                el.set(_XML_SPACE, "preserve")
            runs.append(run)
        return runs


_REF_TOKEN = re.compile("(\ue000[^\ue002]*\ue002)")


def ppr_of(p: etree._Element) -> etree._Element:
    ppr = p.find(f"{W}pPr")
    if ppr is None:
        ppr = etree.Element(f"{W}pPr")
        p.insert(0, ppr)
    return ppr


def mark_paragraph(p: etree._Element, kind: str, changes: Changes) -> None:
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
    mark_rpr(ppr_of(p)).insert(0, changes.element(kind))  # w:ins / w:del come first in a mark's rPr


def mark_rpr(ppr: etree._Element) -> etree._Element:
    """The properties of the paragraph mark, created in their place (before w:sectPr and
    w:pPrChange) when missing."""
    rpr = ppr.find(f"{W}rPr")
    if rpr is None:
        rpr = etree.Element(f"{W}rPr")
        after = [c for c in ppr if c.tag in NOT_PROPERTIES[1:]]
        if after:
            after[0].addprevious(rpr)
        else:
            ppr.append(rpr)
    return rpr


def mark_block(block: etree._Element, kind: str, changes: Changes) -> None:
    """Mark a paragraph, or every row and paragraph of a table, inserted or deleted."""
    for tr in block.iter(TR):
        _mark_row(tr, kind, changes)
    for p in block.iter(P):
        mark_paragraph(p, kind, changes)


def _mark_row(tr: etree._Element, kind: str, changes: Changes) -> None:
    trpr = tr.find(f"{W}trPr")
    if trpr is None:
        trpr = etree.Element(f"{W}trPr")
        before = tr.find(f"{W}tblPrEx")
        if before is not None:
            before.addnext(trpr)
        else:
            tr.insert(0, trpr)
    trpr.append(changes.element(kind))


def properties(p: etree._Element, ignore: tuple[str, ...] = ()) -> bytes:
    ppr = p.find(f"{W}pPr")
    if ppr is None:
        return b""
    kept = copy.deepcopy(ppr)
    for child in list(kept):
        if child.tag in NOT_PROPERTIES or child.tag in ignore:
            kept.remove(child)
    return b"" if len(kept) == 0 else etree.tostring(kept)


#: pagination only: a sentence introducing a table is kept with it, otherwise the same
_PAGINATION = (f"{W}keepNext",)


def _whole(p: etree._Element) -> etree._Element | None:
    """The w:ins / w:del that marks paragraph ``p`` inserted or deleted whole."""
    rpr = p.find(f"{W}pPr/{W}rPr")
    return None if rpr is None else next((c for c in rpr if c.tag in (f"{W}ins", f"{W}del")), None)


def marks_before_tables(out: list[etree._Element]) -> None:
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
        changed = ppr is not None and ppr.find(f"{W}pPrChange") is not None
        if changed or properties(before, _PAGINATION) != properties(out[k], _PAGINATION):
            continue
        marker.getparent().remove(marker)  # type: ignore[union-attr]
        mark_rpr(ppr_of(before)).insert(0, marker)


def _same_mark(a: etree._Element | None, b: etree._Element) -> bool:
    return a is not None and a.tag == b.tag
