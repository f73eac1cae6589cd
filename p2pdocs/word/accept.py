"""A document with every tracked change accepted, as Word's and LibreOffice's Accept All
leave it: insertions kept, deletions gone, format and property changes kept as they are
now, a paragraph whose mark was deleted joined with the next. The counterparty's text, for
answering it with a redline."""

from __future__ import annotations

from lxml import etree

from p2pdocs.word.fast_render import write_package
from p2pdocs.word.package import open_package, parse_xml, read_part

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_UNWRAP = (f"{W}ins", f"{W}moveTo")
_DROP = (f"{W}del", f"{W}moveFrom")
_CHANGES = tuple(
    f"{W}{name}"
    for name in ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange", "tcPrChange", "numberingChange")
)
_RANGES = tuple(f"{W}{n}" for n in ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd"))


def accept_root(root: etree._Element) -> etree._Element:
    """``root`` (a document part) with its tracked changes accepted."""
    for row in list(root.iter(f"{W}tr")):
        props = row.find(f"{W}trPr")
        if props is not None and props.find(f"{W}del") is not None:
            row.getparent().remove(row)  # type: ignore[union-attr]
        elif props is not None:
            for mark in props.findall(f"{W}ins"):
                props.remove(mark)
    for p in list(root.iter(f"{W}p")):
        rpr = p.find(f"{W}pPr/{W}rPr")
        if rpr is None:
            continue
        for mark in rpr.findall(f"{W}ins"):
            rpr.remove(mark)
        deleted = rpr.find(f"{W}del")
        if deleted is not None:
            rpr.remove(deleted)
            _join_next(p)
    for el in list(root.iter(*_DROP, *_CHANGES, *_RANGES)):
        parent = el.getparent()
        if parent is not None and el.tag not in _UNWRAP:
            if el.tag in _DROP and parent.tag in (f"{W}rPr", f"{W}trPr"):
                continue
            parent.remove(el)
    for el in list(root.iter(*_UNWRAP)):
        parent = el.getparent()
        if parent is None or parent.tag in (f"{W}rPr", f"{W}trPr"):
            continue
        for child in list(el):
            el.addprevious(child)
        parent.remove(el)
    return root


def _join_next(p: etree._Element) -> None:
    """Paragraph ``p`` lost its mark: what is left of it joins the next paragraph."""
    following = p.getnext()
    if following is None or following.tag != f"{W}p":
        return
    content = [c for c in p if c.tag != f"{W}pPr"]
    anchor = following.find(f"{W}pPr")
    for child in reversed(content):
        if anchor is not None:
            anchor.addnext(child)
        else:
            following.insert(0, child)
    p.getparent().remove(p)  # type: ignore[union-attr]


def strip_comments(root: etree._Element) -> etree._Element:
    """``root`` without comment anchors and references (the text stays)."""
    for el in list(root.iter(f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}commentReference")):
        parent = el.getparent()
        if parent is None:
            continue
        if el.tag == f"{W}commentReference" and parent.tag == f"{W}r":
            run_parent = parent.getparent()
            if run_parent is not None:
                run_parent.remove(parent)
                continue
        parent.remove(el)
    return root


def accept_all(docx: bytes, *, comments: bool = True) -> bytes:
    """``docx`` with every tracked change in its body accepted (other parts as they are);
    without ``comments``, the comments' anchors are taken out of the text too."""
    with open_package(docx) as package:
        entries = [(i.filename, read_part(package, i.filename)) for i in package.infolist()]
    parts = dict(entries)
    root = accept_root(parse_xml(parts["word/document.xml"], "word/document.xml"))
    if not comments:
        strip_comments(root)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return write_package([(name, parts[name]) for name, _ in entries])
