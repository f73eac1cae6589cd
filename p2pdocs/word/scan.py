"""A body p2pdocs has just rendered, read from its XML text rather than from a tree.

Building an lxml tree of an agreement's body (60 KB, 2,800 elements) costs three times
what checking it costs, and the render path needs little of a tree: the text of each
paragraph (for the fingerprints), the tables (whose grids docxtpl's fix-up fits to their
rows) and the section properties (which say where each header and footer is used). So
the render path checks the body with a parser that builds nothing (:func:`check`), reads
the paragraphs with a tokenizer that gives exactly what
:func:`p2pdocs.word.provenance.paragraphs` reads from a tree (the tests compare the two
on every kind of document), and builds a tree of the tables and section properties only
(:func:`outline`).

This reads what p2pdocs itself wrote (one ``w`` prefix, double-quoted attributes, no
comments or CDATA); a document read back from Word or LibreOffice is read as a tree.
"""

from __future__ import annotations

import re
from typing import Any, cast

from lxml import etree


class _Nothing:
    """A parser target that keeps nothing: parsing then only checks well-formedness."""

    def close(self) -> None:
        return None


# lxml calls only the methods a target has (the stubs ask for all five): with close() alone,
# libxml2 parses without calling back into Python once
_NOTHING = etree.XMLParser(recover=False, resolve_entities=False, huge_tree=True, target=cast(Any, _Nothing()))
_STRICT = etree.XMLParser(recover=False, resolve_entities=False, huge_tree=True, collect_ids=False)


def check(xml: bytes) -> None:
    """Raise :class:`lxml.etree.XMLSyntaxError` unless ``xml`` is well-formed XML, building
    no tree. (Namespace prefixes are not checked here: every prefix a rendered part uses
    comes from its template, whose parts are parsed strictly when it is read, and
    :func:`undeclared_prefixes` checks the literal markup a template's tags could add.)"""
    etree.fromstring(xml, _NOTHING)


def undeclared_prefixes(source: str) -> list[str]:
    """The element prefixes a template's source uses but never declares."""
    used = set(re.findall(r"</?([A-Za-z_][\w.-]*):[A-Za-z_]", source))
    declared = set(re.findall(r"xmlns:([A-Za-z_][\w.-]*)=", source))
    return sorted(used - declared - {"xml"})


#: what the text of a body is made of; a paragraph and the style that opens its properties
#: are one token (they come together in almost every paragraph)
_TOKEN = re.compile(
    r"<w:(?:t(?:(?: [^>]*)?(>[^<]*)</w:t>|(ab)[ />])"
    r'|p(?:(?: [^>]*)?(/?>)(?:<w:pPr><w:pStyle w:val=("[^"]*)")?|Style w:val=("[^"]*)")'
    r"|(br)[ />]"
    r'|fldChar [^>]*?w:fldCharType="(\w+)"'
    r"|instrText(?: [^>]*)?(>[^<]*)</w:instrText>"
    r"|(numId)[ />])"
)
_REFERENCE = re.compile(r"&(?:#([0-9]+)|#x([0-9a-fA-F]+)|(lt|gt|amp|quot|apos));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _character(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if decimal:
        return chr(int(decimal))
    return chr(int(hexadecimal, 16)) if hexadecimal else _NAMED[name]


def _text(raw: str) -> str:
    """Character data as a parser reports it: line ends normalised, then references resolved
    (a carriage return written ``&#13;`` stays one)."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _REFERENCE.sub(_character, raw) if "&" in raw else raw


def paragraphs(xml: str) -> list[tuple[str, str]]:
    """(style, text) of every paragraph of the body ``xml``, exactly as
    :func:`p2pdocs.word.provenance.paragraphs` reads them from its tree."""
    out: list[tuple[str, str]] = []
    style = ""
    parts: list[str] | None = None
    fields: list[bool] = []  # per open complex field: showing its result yet?
    result = False  # in a field's result (which Word updates, and is not read)
    for text, tab, p, first, pstyle, _br, mark, instruction, number in _TOKEN.findall(xml):
        if text:
            if parts is not None and not result:
                parts.append(_text(text[1:]) if "&" in text or "\r" in text else text[1:])
        elif p:
            if parts is not None:
                out.append((style, "".join(parts)))
            style, parts = _text(first[1:]) if first and not result else "", []
        elif parts is None:
            continue
        elif mark:
            if mark == "begin":
                fields.append(False)
                parts.append("{")
            elif mark == "separate" and fields:
                fields[-1] = True
            elif mark == "end" and fields:
                fields.pop()
                parts.append("}")
            result = bool(fields) and fields[-1]
        elif instruction:
            if fields and not fields[-1]:
                parts.append(_text(instruction[1:]).strip())
        elif result:
            continue
        elif pstyle:
            style = _text(pstyle[1:]) + style
        elif number:
            style += "#"
        else:
            parts.append("\t" if tab else "\n")
    if parts is not None:
        out.append((style, "".join(parts)))
    return out


_BODY = re.compile(r"<w:body(?: [^>]*)?>")


def body_tag(xml: str) -> str | None:
    """The start tag of the body ``xml`` (with its namespace declarations), or None when it
    does not open with one holding content."""
    match = _BODY.match(xml)
    return match[0] if match else None


def spans(xml: str, opening: str, closing: str) -> list[tuple[int, int]]:
    """Where each outermost element opened by ``opening`` (such as ``<w:tbl``, followed by a
    space, ``>`` or ``/>``) and closed by ``closing`` lies in ``xml``; found with
    ``str.find``, which runs at memory speed where a regex tries every character."""
    found: list[tuple[int, int]] = []
    depth = begin = 0
    opens, closes = xml.find(opening), -1  # a closing tag is looked for inside an element only
    while opens >= 0 or closes >= 0:
        if opens >= 0 and (closes < 0 or opens < closes):
            end = xml.index(">", opens)
            if xml[opens + len(opening)] in " >/":  # not a longer name: <w:tblPr, <w:sectPrChange
                if xml[end - 1] == "/":
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
_NOT_PLAIN = ("gridSpan", "<w:tbl>", "<w:tbl ", "<w:sdt", "<w:customXml")
_PLAIN_GRID = re.compile(r'<w:tblGrid>(?:<w:gridCol w:w="[0-9]+"/>)*</w:tblGrid>')


def plain_table(xml: str, start: int, end: int) -> tuple[re.Match[str], list[int]] | None:
    """The grid of the table at ``xml[start:end]`` and the number of cells in each of its
    rows (what docxtpl's fix-up needs of it, read without a tree), when its rows and cells
    follow one another (see :data:`_NOT_PLAIN`) and its grid holds plain widths; None
    otherwise."""
    if any(xml.find(markup, start + 1, end) >= 0 for markup in _NOT_PLAIN):
        return None
    at = xml.find("<w:tblGrid", start, end)
    grid = _PLAIN_GRID.match(xml, at, end) if at >= 0 else None
    if grid is None:
        return None
    rows = xml[grid.end() : end].split("</w:tr>")[:-1]  # no table inside: one row after another
    return grid, [row.count("<w:tc>") + row.count("<w:tc ") for row in rows]
