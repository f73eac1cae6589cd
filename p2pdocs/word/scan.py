"""A body p2pdocs has just rendered, read from its XML (UTF-8) rather than from a tree.

Building an lxml tree of an agreement's body (100 KB, 2,800 elements) costs more than
everything else the render path does to it, and the render path needs little of a tree:
the text of each paragraph (for the fingerprints), the tables (whose grids docxtpl's
fix-up fits to their rows) and the section properties (which say where each header and
footer is used). So it checks the body with a parser that builds nothing (:func:`check`),
reads the paragraphs with a tokenizer that gives exactly what
:func:`p2pdocs.word.provenance.paragraphs` reads from a tree (tests compare the two on
generated and on random bodies), each distinct paragraph once per process, and finds the
tables and the section properties with ``bytes.find`` (:func:`spans`), parsing only a
table whose rows it cannot count from the text (:func:`plain_table`). What the template
guarantees of every body rendered from it is worked out once (:func:`shape`).

This reads what p2pdocs itself wrote (one ``w`` prefix, double-quoted attributes, no
comments or CDATA); a document read back from Word or LibreOffice is read as a tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

from lxml import etree


class _Nothing:
    """A parser target that keeps nothing: parsing then only checks well-formedness."""

    def close(self) -> None:
        return None


# lxml calls only the methods a target has (the stubs ask for all five): with close() alone,
# libxml2 parses without calling back into Python once
_NOTHING = etree.XMLParser(recover=False, resolve_entities=False, huge_tree=True, target=cast(Any, _Nothing()))


def check(xml: bytes) -> None:
    """Raise :class:`lxml.etree.XMLSyntaxError` unless ``xml`` is well-formed XML, building
    no tree. (Namespace prefixes are not checked here: every prefix a rendered part uses
    comes from its template, whose parts are parsed strictly when it is read, and
    :func:`undeclared_prefixes` checks the literal markup a template's tags could add.)"""
    etree.fromstring(xml, _NOTHING)


@dataclass(frozen=True)
class Shape:
    """What a template's body source guarantees of every body rendered from it (its tags
    only select and repeat its markup; values are escaped and add none)."""

    drawings: bool  # it may hold drawings (whose ids docxtpl's fix-up renumbers)
    well_formed: bool  # every body rendered from it is well-formed (see well_formed_always)
    plain_tables: bool  # no merged cells, tables inside tables, content controls or custom XML
    last_section: bool  # one section's properties, after every tag: the body's last element


def shape(source: str) -> Shape:
    """The :class:`Shape` of the bodies rendered from the template body ``source``."""
    xml = source.encode("utf-8")
    tables = xml.count(b"<w:tbl>") + xml.count(b"<w:tbl ")
    tags = max(source.rfind("{%"), source.rfind("{{"))
    return Shape(
        drawings="docPr" in source,
        well_formed=well_formed_always(source),
        plain_tables=not any(m in xml for m in _NOT_PLAIN_MARKUP) and len(spans(xml, b"<w:tbl", b"</w:tbl>")) == tables,
        last_section=source.count("<w:sectPr") == 1 and source.rfind("<w:sectPr") > tags,
    )


#: a Jinja statement (its name), an expression, a comment, or an XML tag (its text)
_TEMPLATE_TOKEN = re.compile(r"\{%[-+]?\s*(\w*)(?:.*?)[-+]?%\}|\{\{(.*?)\}\}|\{#.*?#\}|<([^<>]*)>", flags=re.DOTALL)
_OPENS = {"if": "endif", "for": "endfor"}
_SAFE = re.compile(r"\bsafe\b|\bMarkup\b")


def well_formed_always(source: str) -> bool:
    """Whether every body rendered from the template body ``source`` is well-formed XML,
    proved from the source once (so that no render needs checking).

    It holds when each branch of every ``if`` and the body of every ``for`` is balanced
    markup (closes what it opens, opens nothing it leaves open), every expression writes
    inside a ``w:t`` (where its value, escaped, is text, and where
    :func:`p2pdocs.word.fields.finish_body` turns markers into runs), and nothing else
    is used: no other statement (``set``, ``macro``, ``include``, ``break``...), no
    expression inside a tag, nothing marked ``safe``. Then a render is the template's
    markup, selected and repeated a block at a time, with escaped text in ``w:t``
    elements; the markup itself is the template's, checked strictly when it was read. A
    template this cannot prove is checked on every render instead."""
    stack: list[str] = []
    blocks: list[tuple[str, tuple[str, ...]]] = []  # the end each open block needs, and the stack it opened on
    for token in _TEMPLATE_TOKEN.finditer(source):
        statement, expression, tag = token.group(1), token.group(2), token.group(3)
        if tag is not None:
            if "{" in tag or tag[:1] in ("?", "!"):
                return False
            if tag.startswith("/"):
                if not stack or stack.pop() != tag[1:].strip():
                    return False
            elif not tag.endswith("/"):
                stack.append(tag.split(None, 1)[0] if tag.strip() else "")
        elif expression is not None:
            if _SAFE.search(expression) or not stack or stack[-1] != "w:t":
                return False
        elif statement is not None:
            if statement in _OPENS:
                blocks.append((_OPENS[statement], tuple(stack)))
            elif statement in ("elif", "else", "endif", "endfor"):
                if not blocks or tuple(stack) != blocks[-1][1] or (statement == "elif" and blocks[-1][0] != "endif"):
                    return False
                if statement.startswith("end") and blocks.pop()[0] != statement:
                    return False
            else:
                return False
    return not stack and not blocks


def sections(xml: bytes, known: Shape) -> bytes:
    """The section properties of the body ``xml``, one after another."""
    if known.last_section:
        at = xml.rfind(b"<w:sectPr")
        return b"".join(xml[at + start : at + end] for start, end in spans(xml[at:], b"<w:sectPr", b"</w:sectPr>"))
    return b"".join(xml[start:end] for start, end in spans(xml, b"<w:sectPr", b"</w:sectPr>"))


def undeclared_prefixes(source: str) -> list[str]:
    """The element prefixes a template's source uses but never declares."""
    used = set(re.findall(r"</?([A-Za-z_][\w.-]*):[A-Za-z_]", source))
    declared = set(re.findall(r"xmlns:([A-Za-z_][\w.-]*)=", source))
    return sorted(used - declared - {"xml"})


#: what the text of a body is made of; a paragraph and the style that opens its properties
#: are one token (they come together in almost every paragraph)
_TOKEN = re.compile(
    rb"<w:(?:t(?:(?: [^>]*)?(>[^<]*)</w:t>|(ab)[ />])"
    rb'|p(?:(?: [^>]*)?(/?>)(?:<w:pPr><w:pStyle w:val=("[^"]*)")?|Style w:val=("[^"]*)")'
    rb"|(br)[ />]"
    rb'|fldChar [^>]*?w:fldCharType="(\w+)"'
    rb"|instrText(?: [^>]*)?(>[^<]*)</w:instrText>"
    rb"|(numId)[ />])"
)
_REFERENCE = re.compile(r"&(?:#([0-9]+)|#x([0-9a-fA-F]+)|(lt|gt|amp|quot|apos));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _character(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if decimal:
        return chr(int(decimal))
    return chr(int(hexadecimal, 16)) if hexadecimal else _NAMED[name]


def _text(raw: bytes) -> bytes:
    """Character data as a parser reports it (UTF-8): line ends normalised, then references
    resolved (a carriage return written ``&#13;`` stays one)."""
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return _REFERENCE.sub(_character, raw.decode("utf-8")).encode("utf-8") if b"&" in raw else raw


def _style(raw: bytes) -> str:
    return _text(raw).decode("utf-8")


class _Reading:
    """Where reading a body's text has got to."""

    def __init__(self) -> None:
        self.out: list[tuple[str, str]] = []
        self.style = ""
        self.parts: list[bytes] | None = None  # the text of the paragraph being read
        self.fields: list[bool] = []  # per open complex field: showing its result yet?
        self.result = False  # in a field's result (which Word updates, and is not read)

    def read(self, tokens: list[tuple[bytes, ...]]) -> None:
        out, parts, fields = self.out, self.parts, self.fields
        for text, tab, p, first, pstyle, _br, mark, instruction, number in tokens:
            if text:
                if parts is not None and not self.result:
                    parts.append(_text(text[1:]) if b"&" in text or b"\r" in text else text[1:])
            elif p:
                if parts is not None:
                    out.append((self.style, b"".join(parts).decode("utf-8")))
                self.style, parts = _style(first[1:]) if first and not self.result else "", []
            elif parts is None:
                continue
            elif mark:
                if mark == b"begin":
                    fields.append(False)
                    parts.append(b"{")
                elif mark == b"separate" and fields:
                    fields[-1] = True
                elif mark == b"end" and fields:
                    fields.pop()
                    parts.append(b"}")
                self.result = bool(fields) and fields[-1]
            elif instruction:
                if fields and not fields[-1]:
                    parts.append(_text(instruction[1:]).decode("utf-8").strip().encode("utf-8"))
            elif self.result:
                continue
            elif pstyle:
                self.style = _style(pstyle[1:]) + self.style
            elif number:
                self.style += "#"
            else:
                parts.append(b"\t" if tab else b"\n")
        self.parts = parts

    def paragraph(self) -> None:
        """The paragraph being read is complete."""
        if self.parts is not None:
            self.out.append((self.style, b"".join(self.parts).decode("utf-8")))
            self.parts = None


#: per paragraph's XML (what follows its ``<w:p>``), its tokens, or for a paragraph with no
#: field and no other paragraph inside, its (style, text); kept across documents: most
#: paragraphs of a programme's agreements are the same clause text, and a lookup costs a
#: tenth of reading one. Cleared when full.
_SEEN: dict[bytes, tuple[list[tuple[bytes, ...]] | None, str | None, str | None]] = {}
_SEEN_LIMIT = 20_000


def forget() -> None:
    """Drop the paragraphs read so far (a benchmark starts each pass as a new process)."""
    _SEEN.clear()


def _paragraph(piece: bytes) -> tuple[list[tuple[bytes, ...]] | None, str | None, str | None]:
    """What ``paragraphs`` keeps of one paragraph's XML (``piece`` follows its ``<w:p>``): its
    tokens when it holds a field or another paragraph (then read by :class:`_Reading`, which
    knows what came before; with its (style, text) when it can stand alone, :func:`_alone`),
    else its (style, text) read here as :meth:`_Reading.read` reads
    them - the same rules without the field state, on the path every paragraph takes."""
    tokens = _TOKEN.findall(b"<w:p>" + piece)
    style = _style(tokens[0][3][1:]) if tokens[0][3] else ""
    parts: list[bytes] = []
    for text, tab, p, _, pstyle, _br, mark, instruction, number in tokens[1:]:
        if text:
            parts.append(_text(text[1:]) if b"&" in text or b"\r" in text else text[1:])
        elif p or mark or instruction:
            return tokens, *_alone(tokens)  # another paragraph or a field: read token by token
        elif pstyle:
            style = _style(pstyle[1:]) + style
        elif number:
            style += "#"
        else:
            parts.append(b"\t" if tab else b"\n")
    return None, style, b"".join(parts).decode("utf-8")


def _alone(tokens: list[tuple[bytes, ...]]) -> tuple[str, str] | tuple[None, None]:
    """(style, text) of a paragraph with fields, as :class:`_Reading` reads it when no field
    is open before it, when it is one paragraph whose fields all end in it (a
    cross-reference); else (None, None): it is read token by token each time."""
    alone = _Reading()
    alone.read(tokens)
    alone.paragraph()
    if alone.fields or alone.result or len(alone.out) != 1:
        return None, None
    return alone.out[0]


def paragraphs(xml: bytes) -> list[tuple[str, str]]:
    """(style, text) of every paragraph of the body ``xml`` (UTF-8), exactly as
    :func:`p2pdocs.word.provenance.paragraphs` reads them from its tree. (No token spans
    a paragraph's start tag: the body is read paragraph by paragraph.)"""
    reading = _Reading()
    pieces = xml.split(b"<w:p>")
    reading.read(_TOKEN.findall(pieces[0]))
    out, result, read = reading.out, reading.result, reading.parts is None
    for piece in pieces[1:]:
        seen = _SEEN.get(piece)
        if seen is None:
            if len(_SEEN) >= _SEEN_LIMIT:
                _SEEN.clear()
            seen = _SEEN[piece] = _paragraph(piece)
        tokens, style, text = seen
        if tokens is not None and (text is None or reading.fields or reading.result):
            reading.read(tokens)
            result, read = reading.result, False
            continue
        if not read:  # the paragraph read token by token is complete
            reading.paragraph()
            read = True
        assert style is not None and text is not None
        out.append(("", "") if result else (style, text))  # complete: what follows opens the next
    reading.paragraph()
    return out


_BODY = re.compile(rb"<w:body(?: [^>]*)?>")
_SLASH = ord("/")


def body_tag(xml: bytes) -> bytes | None:
    """The start tag of the body ``xml`` (with its namespace declarations), or None when it
    does not open with one holding content."""
    match = _BODY.match(xml)
    return match[0] if match else None


def spans(xml: bytes, opening: bytes, closing: bytes) -> list[tuple[int, int]]:
    """Where each outermost element opened by ``opening`` (such as ``<w:tbl``, followed by a
    space, ``>`` or ``/>``) and closed by ``closing`` lies in ``xml``; found with
    ``bytes.find``, which runs at memory speed where a regex tries every character."""
    found: list[tuple[int, int]] = []
    depth = begin = 0
    opens, closes = xml.find(opening), -1  # a closing tag is looked for inside an element only
    while opens >= 0 or closes >= 0:
        if opens >= 0 and (closes < 0 or opens < closes):
            end = xml.index(b">", opens)
            if xml[opens + len(opening)] in b" >/":  # not a longer name: <w:tblPr, <w:sectPrChange
                if xml[end - 1] == _SLASH:
                    found += [(opens, end + 1)] if depth == 0 else []
                else:
                    if depth == 0:
                        begin, closes = opens, xml.find(closing, end + 1)
                    depth += 1
            opens = xml.find(opening, end + 1)
        else:
            depth -= 1
            if depth == 0:
                found.append((begin, closes + len(closing)))
                closes = -1
            else:
                closes = xml.find(closing, closes + len(closing))
    return found


#: what makes a table's cells or rows other than one after another in its XML: merged
#: cells, tables inside, and content controls or custom XML around rows or cells
_NOT_PLAIN_MARKUP = (b"gridSpan", b"<w:sdt", b"<w:customXml")
_NOT_PLAIN = (*_NOT_PLAIN_MARKUP, b"<w:tbl>", b"<w:tbl ")
_PLAIN_GRID = re.compile(rb'<w:tblGrid>(?:<w:gridCol w:w="[0-9]+"/>)*</w:tblGrid>')


def plain_table(xml: bytes, start: int, end: int, known: Shape) -> tuple[re.Match[bytes], list[int]] | None:
    """The grid of the table at ``xml[start:end]`` and the number of cells in each of its
    rows (what docxtpl's fix-up needs of it, read without a tree), when its rows and cells
    follow one another (see :data:`_NOT_PLAIN`) and its grid holds plain widths; None
    otherwise."""
    if not known.plain_tables and any(xml.find(markup, start + 1, end) >= 0 for markup in _NOT_PLAIN):
        return None
    at = xml.find(b"<w:tblGrid", start, end)
    grid = _PLAIN_GRID.match(xml, at, end) if at >= 0 else None
    if grid is None:
        return None
    rows = xml[grid.end() : end].split(b"</w:tr>")[:-1]  # no table inside: one row after another
    return grid, [row.count(b"<w:tc>") + row.count(b"<w:tc ") for row in rows]
