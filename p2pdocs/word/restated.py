"""Paragraph properties an office suite restates: taken out again, so that a redline
against a saved document shows what changed, not how it was saved.

LibreOffice saves every paragraph with the properties its style and list already give it
written out again as direct formatting (``w:pStyle w:val="Normal"``, the style's
``w:numPr``, the list level's ``w:ind``, the style's spacing and alignment). They change
nothing a reader sees, but against the document as generated each one reads as a property
change: a response to a counterparty's LibreOffice copy held ~150 of them around one real
change. :func:`without_restated` drops each direct property that equals what the style
(with the styles it is based on) and its list level already give.
"""

from __future__ import annotations

from lxml import etree

from p2pdocs.word.fast_render import write_package
from p2pdocs.word.package import open_package, parse_xml, read_part

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_KEPT = (f"{W}rPr", f"{W}sectPr", f"{W}pPrChange")  # not paragraph formatting
#: on/off properties: ``w:val="true"`` (or 1, on) is what the bare element says
_TOGGLES = tuple(
    f"{W}{name}"
    for name in ("keepNext", "keepLines", "pageBreakBefore", "widowControl", "contextualSpacing", "suppressAutoHyphens")
)
_ON = ("true", "1", "on")
#: properties whose attributes a suite restates one by one (the style's spacing after)
_BY_ATTRIBUTE = (f"{W}spacing", f"{W}ind")


def _key(el: etree._Element) -> tuple[object, ...]:
    """An element compared as content: tag, attributes in any order, children in order."""
    return (el.tag, tuple(sorted(el.attrib.items())), tuple(_key(c) for c in el))


def _val(el: etree._Element | None) -> str:
    return "" if el is None else str(el.get(f"{W}val", ""))


def _style_properties(styles: etree._Element | None) -> tuple[dict[str, dict[str, etree._Element]], str]:
    """Each paragraph style's own pPr children by tag, and the default paragraph style."""
    own: dict[str, dict[str, etree._Element]] = {}
    based: dict[str, str] = {}
    default = "Normal"
    if styles is None:
        return {}, default
    for style in styles.iter(f"{W}style"):
        if style.get(f"{W}type") != "paragraph":
            continue
        ident = str(style.get(f"{W}styleId", ""))
        if style.get(f"{W}default") in ("1", "true"):
            default = ident
        based[ident] = _val(style.find(f"{W}basedOn"))
        ppr = style.find(f"{W}pPr")
        own[ident] = _children(ppr)
    resolved: dict[str, dict[str, etree._Element]] = {}

    def resolve(ident: str, seen: frozenset[str] = frozenset()) -> dict[str, etree._Element]:
        if ident in resolved:
            return resolved[ident]
        parent = based.get(ident, "")
        merged = dict(resolve(parent, seen | {ident})) if parent and parent not in seen else {}
        merged.update(own.get(ident, {}))
        resolved[ident] = merged
        return merged

    return {ident: resolve(ident) for ident in own}, default


def _children(ppr: etree._Element | None) -> dict[str, etree._Element]:
    return {} if ppr is None else {c.tag: c for c in ppr if c.tag not in _KEPT}


def _levels(numbering: etree._Element | None) -> dict[tuple[str, str], dict[str, etree._Element]]:
    """(numId, ilvl) -> the list level's pPr children by tag."""
    if numbering is None:
        return {}
    abstract = {
        str(a.get(f"{W}abstractNumId")): {
            str(lvl.get(f"{W}ilvl")): _children(lvl.find(f"{W}pPr")) for lvl in a.iter(f"{W}lvl")
        }
        for a in numbering.iter(f"{W}abstractNum")
    }
    out: dict[tuple[str, str], dict[str, etree._Element]] = {}
    for num in numbering.iter(f"{W}num"):
        for ilvl, ppr in abstract.get(_val(num.find(f"{W}abstractNumId")), {}).items():
            out[(str(num.get(f"{W}numId")), ilvl)] = ppr
    return out


def without_restated(
    root: etree._Element, styles: etree._Element | None, numbering: etree._Element | None
) -> etree._Element:
    """``root`` (a document part) with every paragraph's direct properties that its style
    and list level already give taken out (the paragraphs read and print the same)."""
    by_style, default = _style_properties(styles)
    levels = _levels(numbering)
    for ppr in root.iter(f"{W}pPr"):
        if ppr.getparent() is None or ppr.getparent().tag != f"{W}p":  # type: ignore[union-attr]
            continue
        style_el = ppr.find(f"{W}pStyle")
        ident = _val(style_el) or default
        given = dict(by_style.get(ident, {}))
        num = ppr.find(f"{W}numPr")
        source = num if num is not None else given.get(f"{W}numPr")
        if source is not None:
            level = (_val(source.find(f"{W}numId")), _val(source.find(f"{W}ilvl")) or "0")
            given.update(levels.get(level, {}))
        for child in list(ppr):
            if child is style_el:
                if ident == default:
                    ppr.remove(child)
                continue
            if child.tag in _TOGGLES and child.get(f"{W}val") in _ON:
                del child.attrib[f"{W}val"]
            if child.tag in _KEPT or child.tag not in given:
                continue
            if child.tag in _BY_ATTRIBUTE:
                for name, value in list(child.attrib.items()):
                    if given[child.tag].get(name) == value:
                        del child.attrib[name]
                if not child.attrib and len(child) == 0:
                    ppr.remove(child)
            elif _key(child) == _key(given[child.tag]):
                ppr.remove(child)
    return root


def restated_removed(docx: bytes) -> bytes:
    """``docx`` with :func:`without_restated` applied to its body (other parts as they are)."""
    with open_package(docx) as package:
        entries = [(i.filename, read_part(package, i.filename)) for i in package.infolist()]
    parts = dict(entries)
    styles = parse_xml(parts["word/styles.xml"], "word/styles.xml") if "word/styles.xml" in parts else None
    numbering = parse_xml(parts["word/numbering.xml"], "word/numbering.xml") if "word/numbering.xml" in parts else None
    root = without_restated(parse_xml(parts["word/document.xml"], "word/document.xml"), styles, numbering)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return write_package([(name, parts[name]) for name, _ in entries])
