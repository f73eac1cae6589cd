"""Provenance carried inside every generated document: custom document properties naming
the p2pdocs version, the deal, the terms' hash, the template and its hash, the clauses and
their versions, and fingerprints of the text as generated (whole and per section), so that
`p2pdocs verify` can tell whether the text was changed afterwards, and where."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from xml.sax.saxutils import escape

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CUSTOM = "docProps/custom.xml"
_CT_OVERRIDE = (
    '<Override PartName="/docProps/custom.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
)
_REL = (
    '<Relationship Id="rIdP2pdocsCustom" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" '
    'Target="docProps/custom.xml"/>'
)
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
PREFIX = "p2pdocs."


def paragraphs(body: etree._Element) -> list[tuple[str, str]]:
    """(style, text) of every paragraph of a document body, tables included, in order
    (one pass over the tree: this runs for every generated document). A field shows as its
    instruction (``{REF _Ref_x \\r \\h}``), not its result, which Word updates (a
    reference's number, the contents' entries and pages); a paragraph given a list of its
    own (a heading taken out of the numbering) has its style followed by ``#``."""
    out: list[tuple[str, str]] = []
    style = ""
    parts: list[str] | None = None
    fields: list[bool] = []  # per open complex field: showing its result yet?
    for el in body.iter(_P, _STYLE, _T, _TAB, _BR, _FLD_CHAR, _INSTR, _NUM_ID):
        tag = el.tag
        if tag == _P:
            if parts is not None:
                out.append((style, "".join(parts)))
            style, parts = "", []
        elif parts is None:
            continue
        elif tag in _COMPLEX:
            _complex_field(el, fields, parts)
        elif fields and fields[-1]:
            continue  # a field's result
        elif tag == _T:
            parts.append(el.text or "")
        elif tag == _STYLE:
            style = str(el.get(f"{W}val", "")) + style
        elif tag == _NUM_ID:
            style += "#"  # a list of its own, not the style's
        else:
            parts.append("\t" if tag == _TAB else "\n")
    if parts is not None:
        out.append((style, "".join(parts)))
    return out


_P, _STYLE, _T, _TAB, _BR, _NUM_ID = (f"{W}{name}" for name in ("p", "pStyle", "t", "tab", "br", "numId"))
_FLD_CHAR, _INSTR, _FLD_SIMPLE = (f"{W}{name}" for name in ("fldChar", "instrText", "fldSimple"))
_COMPLEX = (_FLD_CHAR, _INSTR)


def _complex_field(el: etree._Element, fields: list[bool], parts: list[str]) -> None:
    """A complex field's mark or instruction, written as ``{instruction}``: ``fields`` holds,
    per open field, whether its result (which Word updates, and is not written) has begun."""
    if el.tag == _INSTR:
        if fields and not fields[-1]:
            parts.append((el.text or "").strip())
        return
    kind = el.get(f"{W}fldCharType")
    if kind == "begin":
        fields.append(False)
        parts.append("{")
    elif kind == "separate" and fields:
        fields[-1] = True
    elif kind == "end" and fields:
        fields.pop()
        parts.append("}")


def sections(texts: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The text of a body's paragraphs ``texts`` (:func:`paragraphs`) split at each
    Heading 1: (heading, text of the section); a heading keyed by its number as the list
    shows it ("6. Payment"), counted here."""
    found: list[tuple[str, list[str]]] = [("(before the first heading)", [])]
    number = 0
    for style, text in texts:
        if style == "Heading1":
            number += 1
            found.append((f"{number}. {text}", []))
        elif style.startswith("Heading1#"):
            found.append((text, []))
        found[-1][1].append(text)
    return [(heading, "\n".join(lines)) for heading, lines in found]


def fingerprints(texts: Iterable[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """The sha256 of the whole text of a body's paragraphs ``texts`` (:func:`paragraphs`),
    and a short hash of each section by heading."""
    parts = sections(texts)
    whole = hashlib.sha256("\n".join(text for _, text in parts).encode("utf-8")).hexdigest()
    return whole, {heading: hashlib.sha256(text.encode("utf-8")).hexdigest()[:16] for heading, text in parts}


#: the header and footer parts of a .docx, fingerprinted beside the body
HEADER_FOOTER = re.compile(r"word/(header|footer)[0-9]*\.xml")


def part_text(root: etree._Element) -> str:
    """The text of a header or footer, each field as its instruction (``{PAGE}``) rather
    than its last result, which Word updates on every save ("Page 3 of 12")."""
    lines: list[str] = []
    parts: list[str] | None = None
    fields: list[bool] = []  # per open complex field: showing its result yet?
    for el in root.iter(_P, _T, _TAB, _BR, _FLD_CHAR, _INSTR, _FLD_SIMPLE):
        tag = el.tag
        if tag == _P:
            if parts is not None:
                lines.append("".join(parts))
            parts = []
            continue
        if parts is None:
            continue
        if tag in _COMPLEX:
            _complex_field(el, fields, parts)
        elif tag == _FLD_SIMPLE:
            parts.append("{" + str(el.get(f"{W}instr", "")).strip() + "}")
        elif (fields and fields[-1]) or any(True for _ in el.iterancestors(_FLD_SIMPLE)):
            continue  # a field's result
        elif tag == _T:
            parts.append(el.text or "")
        else:
            parts.append("\t" if tag == _TAB else "\n")
    if parts is not None:
        lines.append("".join(parts))
    return "\n".join(lines)


def part_fingerprint(root: etree._Element) -> str:
    """A short hash of the text of one header or footer."""
    return hashlib.sha256(part_text(root).encode("utf-8")).hexdigest()[:16]


def part_fingerprints(parts: Iterable[tuple[str, bytes]]) -> dict[str, str]:
    """The fingerprint of every header and footer among ``parts`` (name, XML), by name."""
    return {
        name: part_fingerprint(etree.fromstring(xml, _GENERATED))
        for name, xml in sorted(parts)
        if HEADER_FOOTER.fullmatch(name)
    }


_GENERATED = etree.XMLParser(resolve_entities=False, huge_tree=True)
RELS = "word/_rels/document.xml.rels"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_REFERENCES = {f"{W}headerReference": "Header", f"{W}footerReference": "Footer"}


def labelled(
    marks: Mapping[str, str], sections: Iterable[etree._Element], rels: etree._Element | None
) -> dict[str, str]:
    """``marks`` (fingerprints by part name) keyed by where each header or footer is used
    by the body's ``sections`` (its ``w:sectPr`` elements, in order), "Header (default,
    section 1)": Word renumbers the parts when it saves a document, so their names say
    nothing. A part no section uses keeps its name."""
    targets: dict[str, str] = {}
    for rel in rels.iter(_PACKAGE_REL) if rels is not None else ():
        target = str(rel.get("Target", ""))
        targets[str(rel.get("Id", ""))] = target.lstrip("/") if target.startswith("/") else f"word/{target}"
    labels: dict[str, str] = {}
    for number, section in enumerate(sections, start=1):
        for ref in section:
            kind = _REFERENCES.get(str(ref.tag))
            part = targets.get(str(ref.get(f"{_R}id", "")))
            if kind and part:
                labels.setdefault(part, f"{kind} ({ref.get(f'{W}type', 'default')}, section {number})")
    return {labels.get(name, name): mark for name, mark in sorted(marks.items())}


def body_of(document_xml: bytes) -> etree._Element:
    root = etree.fromstring(document_xml, etree.XMLParser(resolve_entities=False, huge_tree=True))
    body = root.find(f"{W}body")
    return body if body is not None else root


def custom_xml(properties: dict[str, str]) -> bytes:
    """docProps/custom.xml holding ``properties`` as text values, in the given order."""
    items = "".join(
        f'<property fmtid="{_FMTID}" pid="{pid}" name="{escape(name, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(properties.items(), start=2)
    )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"{items}</Properties>"
    ).encode()


def register_custom_part(content_types: bytes, package_rels: bytes) -> tuple[bytes, bytes]:
    """[Content_Types].xml and _rels/.rels declaring docProps/custom.xml (once)."""
    types = content_types.decode("utf-8")
    if "/docProps/custom.xml" not in types:
        types = types.replace("</Types>", _CT_OVERRIDE + "</Types>")
    rels = package_rels.decode("utf-8")
    if "custom-properties" not in rels:
        rels = rels.replace("</Relationships>", _REL + "</Relationships>")
    return types.encode("utf-8"), rels.encode("utf-8")


def read_properties(docx: bytes) -> dict[str, str]:
    """The custom properties of a .docx (empty when it has none), read safely: a damaged or
    hostile package raises :class:`p2pdocs.word.package.Unreadable`."""
    from p2pdocs.word.package import open_package, read_xml

    with open_package(docx) as package:
        if CUSTOM not in package.namelist():
            return {}
        root = read_xml(package, CUSTOM)
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
    return {str(p.get("name", "")): "".join(str(t) for t in p.itertext()) for p in root.iter(f"{ns}property")}


def finish_properties(
    base: tuple[tuple[str, str], ...],
    template: str,
    template_sha: str,
    texts: Iterable[tuple[str, str]],
    sections: Iterable[etree._Element],
    parts: Mapping[str, str] | None = None,
    rels: etree._Element | None = None,
) -> bytes:
    """docProps/custom.xml: ``base`` (version, deal, document, terms, clauses), the template
    and its hash, and the fingerprints of the text as generated: the body by section (from
    its paragraphs ``texts``) and ``parts``, the fingerprints of the headers and footers
    (:func:`part_fingerprints`), keyed by where the body's ``sections`` and the document's
    relationships ``rels`` say they are used."""
    whole, by_section = fingerprints(texts)
    properties = {
        **dict(base),
        f"{PREFIX}template": template,
        f"{PREFIX}template_sha256": template_sha,
        f"{PREFIX}text_sha256": whole,
        f"{PREFIX}sections": json.dumps(by_section, ensure_ascii=False, separators=(",", ":")),
    }
    if parts is not None:
        properties[PARTS] = json.dumps(labelled(parts, sections, rels), ensure_ascii=False, separators=(",", ":"))
    return custom_xml(properties)


#: the property holding the headers' and footers' fingerprints (documents made before it
#: was added have none)
PARTS = f"{PREFIX}parts"
