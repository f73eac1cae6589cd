"""Reading a document that comes back from the counterparty, whatever made it (Word,
LibreOffice, python-docx): every paragraph as it was sent (tracked changes rejected) and
as they propose it (accepted), its tracked changes with author and date, the deal's value
bookmarks in both, and the comments with their replies and what they are anchored to.

Everything is read through :mod:`p2pdocs.word.package` (sizes capped, no DOCTYPE, no
entities); a damaged file raises :class:`~p2pdocs.word.package.Unreadable`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from p2pdocs.word.marks import PREFIX, bookmark_fields
from p2pdocs.word.numbering import Numbering
from p2pdocs.word.package import open_package, read_xml
from p2pdocs.word.provenance import read_properties

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
CORE_NS = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
P, TBL = f"{W}p", f"{W}tbl"
INSERTED = (f"{W}ins", f"{W}moveTo")
DELETED = (f"{W}del", f"{W}moveFrom")
_TEXT = (f"{W}t", f"{W}delText", f"{W}tab", f"{W}br")
_KIND = {f"{W}ins": "insertion", f"{W}del": "deletion", f"{W}moveTo": "move", f"{W}moveFrom": "move"}


@dataclass
class Piece:
    """A tracked change's text in a paragraph: where it lies in the text as sent (a
    deletion) or as proposed (an insertion)."""

    kind: str  # insertion, deletion, move, format
    deleted: bool
    author: str
    date: str
    text: str
    start: int  # offset in the text as sent (deleted) or as proposed (inserted)
    change: int  # which tracked-change element it belongs to


@dataclass
class Span:
    """A value bookmark: its field and where it lies in the text as sent and as proposed."""

    name: str
    path: str | None
    before: list[int] = field(default_factory=lambda: [0, 0])
    after: list[int] = field(default_factory=lambda: [0, 0])


@dataclass
class Block:
    """One paragraph of the body (in a table cell or not), placed in its section."""

    style: str
    before: str
    after: str
    pieces: list[Piece]
    spans: list[Span]
    top: int  # index of its top-level block (the paragraph, or the table it is in)
    in_table: bool
    mark: str = ""  # "ins"/"del" when the paragraph mark itself is tracked
    comments: list[str] = field(default_factory=list)  # ids of comments starting here
    section: str = ""  # the section number as the reader sees it (or the part's heading)
    heading: str = ""
    clause: str = ""
    paragraph: int = 0  # its place in the clause: 1 is the first block after the heading
    number: str = ""  # its own number as shown ("12.2", "(a)")
    label: str = ""  # the list number Word shows before it, with its suffix ("12.\t")

    @property
    def changed(self) -> bool:
        return self.before != self.after or bool(self.pieces) or bool(self.mark)


@dataclass
class Note:
    """A comment or a reply."""

    id: str
    author: str
    date: str
    text: str
    parent: str | None = None
    block: int | None = None  # index of the block it is anchored in
    anchor: str = ""  # the text it is anchored to


@dataclass
class Returned:
    properties: dict[str, str]
    modified_by: str
    blocks: list[Block]
    notes: list[Note]


def _state(el: etree._Element, p: etree._Element) -> tuple[etree._Element | None, bool]:
    """The tracked-change element ``el`` is in (below paragraph ``p``), and whether deleted."""
    for ancestor in el.iterancestors():
        if ancestor is p:
            break
        if ancestor.tag in INSERTED or ancestor.tag in DELETED:
            return ancestor, ancestor.tag in DELETED
    return None, el.tag == f"{W}delText"


def _paragraph(p: etree._Element, fields: dict[str, str], top: int, in_table: bool, ids: dict[int, int]) -> Block:
    before: list[str] = []
    after: list[str] = []
    nb = na = 0
    pieces: list[Piece] = []
    spans: dict[str, Span] = {}
    open_spans: dict[str, Span] = {}
    comments: list[str] = []
    style_el = p.find(f"{W}pPr/{W}pStyle")
    style = "" if style_el is None else str(style_el.get(f"{W}val", ""))
    mark_el = p.find(f"{W}pPr/{W}rPr")
    mark = ""
    if mark_el is not None:
        mark = "ins" if mark_el.find(f"{W}ins") is not None else "del" if mark_el.find(f"{W}del") is not None else ""
    for el in p.iter():
        tag = el.tag
        if tag in _TEXT:
            text = "\t" if tag == f"{W}tab" else "\n" if tag == f"{W}br" else (el.text or "")
            change, deleted = _state(el, p)
            if change is not None or deleted:
                key = id(change) if change is not None else id(el)
                number = ids.setdefault(key, len(ids))
                source = change if change is not None else el
                kind = _KIND.get(str(source.tag), "deletion")
                pieces.append(
                    Piece(
                        kind,
                        deleted,
                        str(source.get(f"{W}author", "")),
                        str(source.get(f"{W}date", "")),
                        text,
                        nb if deleted else na,
                        number,
                    )
                )
            if not (change is not None and not deleted):
                before.append(text)
                nb += len(text)
            if not deleted:
                after.append(text)
                na += len(text)
        elif tag == f"{W}bookmarkStart":
            name = str(el.get(f"{W}name", ""))
            if name.startswith(PREFIX):
                span = Span(name, fields.get(name), [nb, nb], [na, na])
                spans[name] = open_spans[str(el.get(f"{W}id"))] = span
        elif tag == f"{W}bookmarkEnd":
            span_found = open_spans.pop(str(el.get(f"{W}id")), None)
            if span_found is not None:
                span_found.before[1], span_found.after[1] = nb, na
        elif tag in (f"{W}rPrChange", f"{W}pPrChange"):
            holder = el.getparent().getparent() if el.getparent() is not None else None  # type: ignore[union-attr]
            text = "".join(t.text or "" for t in holder.iter(f"{W}t")) if holder is not None else ""
            number = ids.setdefault(id(el), len(ids))
            pieces.append(
                Piece("format", False, str(el.get(f"{W}author", "")), str(el.get(f"{W}date", "")), text, na, number)
            )
        elif tag == f"{W}commentRangeStart":
            comments.append(str(el.get(f"{W}id")))
    for span in open_spans.values():  # a bookmark whose end is in a later paragraph
        span.before[1], span.after[1] = nb, na
    return Block(style, "".join(before), "".join(after), pieces, list(spans.values()), top, in_table, mark, comments)


def blocks_of(body: etree._Element, fields: dict[str, str], numbering: Numbering | None = None) -> list[Block]:
    """Every paragraph of ``body`` in order, tables' cells included, each with the list
    number Word shows it with (counted with ``numbering``, the document's own lists)."""
    out: list[Block] = []
    ids: dict[int, int] = {}
    top = 0
    for child in body:
        if child.tag == P:
            paragraphs = [(child, False)]
        elif child.tag == TBL:
            paragraphs = [(p, True) for p in child.iter(P)]
        else:
            continue
        for p, in_table in paragraphs:
            block = _paragraph(p, fields, top, in_table, ids)
            if numbering is not None:
                block.label = numbering.label(p)
            out.append(block)
        top += 1
    return out


def shown_number(block: Block) -> str:
    """The number ``block`` shows as a reader sees it: "12" for the heading "12. Payment",
    "12.2" for a clause, "(a)" for an item, "" for none."""
    return block.label.strip().rstrip(".")


def place(blocks: list[Block], clause_of_heading: dict[str, str], heading_style: str = "Heading1") -> None:
    """Give each block its section (the number of the heading it follows, as shown), its
    clause (from the heading, as the deal's composition names it) and its place in it."""
    section = heading = clause = ""
    first_top = 0
    for block in blocks:
        if block.style == heading_style and not block.in_table:
            number = shown_number(block)
            section, heading = number or block.before, block.before
            clause = clause_of_heading.get(block.before, "")
            first_top = block.top
            block.section, block.heading, block.clause, block.paragraph = section, heading, clause, 0
            continue
        block.section, block.heading, block.clause = section, heading, clause
        block.paragraph = block.top - first_top
        block.number = shown_number(block)


def _notes(package: object, names: list[str], body_blocks: list[Block]) -> list[Note]:
    if "word/comments.xml" not in names:
        return []
    root = read_xml(package, "word/comments.xml")  # type: ignore[arg-type]
    notes: dict[str, Note] = {}
    by_para: dict[str, str] = {}
    for comment in root.iter(f"{W}comment"):
        ident = str(comment.get(f"{W}id"))
        paragraphs = comment.findall(f"{W}p")
        text = "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in paragraphs)
        notes[ident] = Note(ident, str(comment.get(f"{W}author", "")), str(comment.get(f"{W}date", "")), text)
        if paragraphs:
            para_id = paragraphs[-1].get(f"{W14}paraId")
            if para_id:
                by_para[str(para_id)] = ident
    if "word/commentsExtended.xml" in names:
        extended = read_xml(package, "word/commentsExtended.xml")  # type: ignore[arg-type]
        for ex in extended.iter(f"{W15}commentEx"):
            child, parent = by_para.get(str(ex.get(f"{W15}paraId"))), by_para.get(str(ex.get(f"{W15}paraIdParent")))
            if child and parent:
                notes[child].parent = parent
    for index, block in enumerate(body_blocks):
        for ident in block.comments:
            if ident in notes:
                notes[ident].block = index
    return list(notes.values())


def _anchors(body: etree._Element, notes: list[Note]) -> None:
    """The text each comment is anchored to (between its range's start and end)."""
    by_id = {n.id: n for n in notes}
    open_ids: set[str] = set()
    texts: dict[str, list[str]] = {}
    for el in body.iter(f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}t"):
        if el.tag == f"{W}commentRangeStart":
            open_ids.add(str(el.get(f"{W}id")))
        elif el.tag == f"{W}commentRangeEnd":
            open_ids.discard(str(el.get(f"{W}id")))
        else:
            for ident in open_ids:
                texts.setdefault(ident, []).append(el.text or "")
    for ident, parts in texts.items():
        if ident in by_id:
            by_id[ident].anchor = "".join(parts)


def read_returned(data: bytes) -> Returned:
    """The returned document ``data``; raises Unreadable when it cannot be read safely."""
    properties = read_properties(data)
    fields = bookmark_fields(properties)
    with open_package(data) as package:
        names = package.namelist()
        root = read_xml(package, "word/document.xml")
        body = root.find(f"{W}body")
        body = body if body is not None else root
        numbering = Numbering(
            read_xml(package, "word/numbering.xml") if "word/numbering.xml" in names else None,
            read_xml(package, "word/styles.xml") if "word/styles.xml" in names else None,
        )
        blocks = blocks_of(body, fields, numbering)
        notes = _notes(package, names, blocks)
        _anchors(body, notes)
        modified_by = ""
        if "docProps/core.xml" in names:
            found = read_xml(package, "docProps/core.xml").find(f"{CORE_NS}lastModifiedBy")
            modified_by = (found.text or "") if found is not None else ""
    return Returned(properties, modified_by, blocks, notes)
