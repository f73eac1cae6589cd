"""Build the Word templates in templates/ (run after changing their layout).

The templates are ordinary .docx files that a legal team may open and restyle in Word;
this script is only how ours were first made. Tags follow docxtpl: ``{%p %}`` paragraphs
and ``{%tr %}`` / ``{%tc %}`` table rows and cells disappear from the output.

    python scripts/make_templates.py
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as Doc
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from p2pdocs.word.fast_render import write_package
from p2pdocs.word.fields import TOC

ROOT = Path(__file__).resolve().parent.parent
INK = RGBColor(0x1F, 0x2A, 0x44)
#: the font of every template: Carlito is metric-compatible with Calibri (the same line and
#: page breaks) and free, so LibreOffice finds it (Debian: fonts-crosextra-carlito)
FONT = "Carlito"


def styles(doc: Doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    for name, size in (("Title", 24), ("Heading 1", 13), ("Heading 2", 11)):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = INK
        style.paragraph_format.keep_with_next = True
    doc.styles["Heading 1"].paragraph_format.space_before = Pt(14)
    clause = doc.styles.add_style("Clause", WD_STYLE_TYPE.PARAGRAPH)
    clause.base_style = normal
    clause.paragraph_format.left_indent = Cm(1.25)
    clause.paragraph_format.first_line_indent = Cm(-1.25)
    clause.paragraph_format.tab_stops.add_tab_stop(Cm(1.25), WD_TAB_ALIGNMENT.LEFT)
    item = doc.styles.add_style("Clause Item", WD_STYLE_TYPE.PARAGRAPH)
    item.base_style = normal
    item.paragraph_format.left_indent = Cm(2.25)
    item.paragraph_format.first_line_indent = Cm(-1.0)
    item.paragraph_format.tab_stops.add_tab_stop(Cm(2.25), WD_TAB_ALIGNMENT.LEFT)
    cell = doc.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.paragraph_format.space_after = Pt(2)
    label = doc.styles.add_style("Table Label", WD_STYLE_TYPE.PARAGRAPH)
    label.base_style = cell
    label.font.bold = True
    sub = doc.styles.add_style("Clause Subitem", WD_STYLE_TYPE.PARAGRAPH)
    sub.base_style = normal
    sub.paragraph_format.left_indent = Cm(3.25)
    sub.paragraph_format.first_line_indent = Cm(-1.0)
    sub.paragraph_format.tab_stops.add_tab_stop(Cm(3.25), WD_TAB_ALIGNMENT.LEFT)
    front = doc.styles.add_style("Front Heading", WD_STYLE_TYPE.PARAGRAPH)
    front.base_style = doc.styles["Heading 1"]
    front.next_paragraph_style = normal
    outline_level(front, 9)  # not in the contents, not numbered
    for level in (1, 2):
        toc = doc.styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        toc.element.set(qn("w:styleId"), f"TOC{level}")
        toc.base_style = normal
        toc.paragraph_format.left_indent = Cm(0.5 * (level - 1))
        toc.paragraph_format.space_after = Pt(2)
        toc.paragraph_format.tab_stops.add_tab_stop(Cm(16.4), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    for name, ilvl in (
        ("Heading 1", 0),
        ("Clause", 1),
        ("Clause Item", 2),
        ("Clause Subitem", 3),
        ("Front Heading", None),
    ):
        num_pr = doc.styles[name].element.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = ilvl or 0
        num_pr.get_or_add_numId().val = LIST if ilvl is not None else UNNUMBERED
    notice = doc.styles.add_style("Draft Notice", WD_STYLE_TYPE.PARAGRAPH)
    notice.base_style = normal
    notice.font.bold = True
    notice.font.color.rgb = RGBColor(0xB0, 0x1E, 0x1E)


def outline_level(style: object, level: int) -> None:
    ppr = style.element.get_or_add_pPr()  # type: ignore[attr-defined]
    found = ppr.find(qn("w:outlineLvl"))
    if found is None:
        found = OxmlElement("w:outlineLvl")
        ppr.append(found)
    found.set(qn("w:val"), str(level))


#: the one list of the clause styles: its w:num id, and each level: style, format, text,
#: what follows the number, indent and hanging (twips); 1.25 cm = 709, 1 cm = 567
LIST = 1
#: the w:num of a heading that is not numbered (a level of format "none"): the package
#: validators refuse a paragraph's w:numId 0, which Word itself writes
UNNUMBERED = 2
LEVELS = (
    ("Heading1", "decimal", "%1.", "space", 0, 0),
    ("Clause", "decimal", "%1.%2", "tab", 709, 709),
    ("ClauseItem", "lowerLetter", "(%3)", "tab", 1276, 567),
    ("ClauseSubitem", "lowerRoman", "(%4)", "tab", 1843, 567),
)


def numbering_xml() -> bytes:
    """numbering.xml: one multilevel list bound to the clause styles (heading "1.", clause
    "1.1", item "(a)", sub-item "(i)"); each level restarts after a higher one."""
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:pStyle w:val="{style}"/>'
        f'<w:suff w:val="{suff}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr></w:lvl>'
        for i, (style, fmt, text, suff, left, hanging) in enumerate(LEVELS)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
        '<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="none"/><w:suff w:val="nothing"/>'
        '<w:lvlText w:val=""/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl>'
        "</w:abstractNum>"
        f'<w:num w:numId="{LIST}"><w:abstractNumId w:val="0"/></w:num>'
        f'<w:num w:numId="{UNNUMBERED}"><w:abstractNumId w:val="1"/></w:num>'
        "</w:numbering>"
    ).encode()


def use_numbering(doc: Doc) -> None:
    from docx.oxml import parse_xml

    doc.part.numbering_part._element = parse_xml(numbering_xml())


def theme_fonts(doc: Doc) -> None:
    """Carlito for the theme's heading and body fonts too (python-docx's theme names
    Cambria and Calibri, which text without a font of its own would use)."""
    for part in doc.part.package.iter_parts():
        if str(part.partname).startswith("/word/theme/"):
            blob = part.blob
            for face in (b'typeface="Calibri"', b'typeface="Cambria"'):
                blob = blob.replace(face, f'typeface="{FONT}"'.encode())
            part._blob = blob


def tag(doc: Doc, text: str) -> None:
    doc.add_paragraph(text)


def numbered(doc: Doc, style: str) -> None:
    """A paragraph of a numbered style: its number is the list's, never typed."""
    doc.add_paragraph("{{ p.text }}", style=style)


def unnumbered(paragraph: Paragraph) -> Paragraph:
    """``paragraph`` (of a numbered style) taken out of the list: a list of no numbers."""
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()  # type: ignore[attr-defined]
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = UNNUMBERED
    return paragraph


def set_cell(table: Table, row: int, col: int, text: str, style: str = "Table Text") -> None:
    cell = table.cell(row, col)
    cell.paragraphs[0].text = text
    cell.paragraphs[0].style = style


def shade_header(table: Table, row: int = 0) -> None:
    for cell in table.rows[row].cells:
        props = cell._tc.get_or_add_tcPr()
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), "DCE3EE")
        props.append(shd)
    tr_pr = table.rows[row]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    tr_pr.append(header)


def grid_table(doc: Doc, name: str) -> None:
    """A table whose header and rows come from ``tables.<name>`` (columns loop too)."""
    table = doc.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    set_cell(table, 0, 0, "{%tc for h in tables." + name + ".header %}", "Table Label")
    set_cell(table, 0, 1, "{{ h }}", "Table Label")
    set_cell(table, 0, 2, "{%tc endfor %}", "Table Label")
    shade_header(table)
    set_cell(table, 1, 0, "{%tr for row in tables." + name + ".rows %}")
    set_cell(table, 2, 0, "{%tc for c in row %}")
    # a cell is a list of lines, each its own paragraph
    cell = table.cell(2, 1)
    cell.paragraphs[0].text = "{%p for line in c %}"
    cell.add_paragraph("{{ line }}", style="Table Text")
    cell.add_paragraph("{%p endfor %}")
    set_cell(table, 2, 2, "{%tc endfor %}")
    set_cell(table, 3, 0, "{%tr endfor %}")
    for row in (0, 2):  # a row never split across pages
        table.rows[row]._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))


def field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice both compute."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        elif text == instruction:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instruction} "
            run._r.append(el)
        else:
            el = OxmlElement("w:t")
            el.text = text
            run._r.append(el)
        if kind == "end":
            run = paragraph.add_run()


def page_setup(doc: Doc, header: str) -> None:
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.3))
    section.top_margin = section.bottom_margin = Cm(2.2)
    head = section.header.paragraphs[0]
    head.text = header
    head.style.font.size = Pt(8)
    foot = section.footer.paragraphs[0]
    foot.add_run("Page ")
    field(foot, "PAGE")
    foot.add_run(" of ")
    field(foot, "NUMPAGES")
    foot.style.font.size = Pt(8)


def page_break(doc: Doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def cover(doc: Doc) -> None:
    doc.add_paragraph("{{ doc.title }}", style="Title")
    doc.add_paragraph("{{ doc.subtitle }}")
    tag(doc, "{%p if doc.draft %}")
    doc.add_paragraph("DRAFT for discussion: not an offer and not binding until signed.", style="Draft Notice")
    tag(doc, "{%p endif %}")
    doc.add_paragraph("Key terms", style="Front Heading")
    table = doc.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    set_cell(table, 0, 0, "{%tr for row in cover %}")
    set_cell(table, 1, 0, "{{ row[0] }}", "Table Label")
    set_cell(table, 1, 1, "{{ row[1] }}")
    set_cell(table, 2, 0, "{%tr endfor %}")
    table.rows[1]._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))
    doc.add_paragraph("Contents", style="Front Heading")
    doc.add_paragraph(TOC, style="toc 1")  # becomes the TOC field, its entries cached
    page_break(doc)


def body(doc: Doc, tables: list[str]) -> None:
    tag(doc, "{%p for s in sections %}")
    tag(doc, "{%p if s.number %}")
    doc.add_paragraph("{{ s.title }}", style="Heading 1")
    tag(doc, "{%p else %}")
    unnumbered(doc.add_paragraph("{{ s.title }}", style="Heading 1"))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for p in s.paragraphs %}")
    tag(doc, "{%p if p.kind == 'clause' %}")
    numbered(doc, "Clause")
    tag(doc, "{%p elif p.kind == 'item' %}")
    numbered(doc, "Clause Item")
    tag(doc, "{%p elif p.kind == 'heading' %}")
    doc.add_paragraph("{{ p.text }}", style="Heading 2")
    for name in tables:
        tag(doc, "{%p elif p.table == '" + name + "' %}")
        grid_table(doc, name)
    tag(doc, "{%p else %}")
    doc.add_paragraph("{{ p.text }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")


def signatures(doc: Doc, intro: str) -> None:
    doc.add_paragraph("Signatures", style="Front Heading")
    doc.add_paragraph(intro).paragraph_format.keep_with_next = True
    lines = [
        ("{{ s.legal_name }}", "Table Label"),
        ("Signature:", "Table Text"),
        ("Name: {{ s.name }}", "Table Text"),
        ("Title: {{ s.title }}", "Table Text"),
        ("Date:", "Table Text"),
    ]
    table = doc.add_table(rows=len(lines), cols=3)
    table.style = "Table Grid"
    for i, (text, style) in enumerate(lines):
        set_cell(table, i, 0, "{%tc for s in signatures %}")
        set_cell(table, i, 1, text, style)
        set_cell(table, i, 2, "{%tc endfor %}")
    for cell in table.rows[1].cells:
        cell.paragraphs[0].paragraph_format.space_before = Pt(28)
    for row in table.rows:  # the block kept together: no row split, each kept with the next
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if row is not table.rows[-1]:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


def update_on_open(doc: Doc) -> None:
    """Word refreshes the fields (the contents' page numbers) when it opens the document."""
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    # w:updateFields comes after w:doNotTrackMoves ... w:hdrShapeDefaults in CT_Settings
    before = {qn(f"w:{n}") for n in ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids")}
    follows = next((child for child in settings if child.tag in before or child.tag.endswith("}mathPr")), None)
    if follows is None:
        settings.append(update)
    else:
        follows.addprevious(update)


def drop_leftovers(doc: Doc) -> None:
    """python-docx's default template carries a 430 KB Word 2010 stylesWithEffects part and
    a thumbnail of an empty page: neither belongs in a contract."""
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rid)
    package_rels = doc.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package_rels.pop(rid)


def build(name: str, header: str, tables: list[str], intro: str | None) -> Path:
    doc = Document()
    use_numbering(doc)
    styles(doc)
    theme_fonts(doc)
    page_setup(doc, header)
    cover(doc)
    body(doc, tables)
    if intro is not None:
        signatures(doc, intro)
    drop_leftovers(doc)
    update_on_open(doc)
    props = doc.core_properties
    props.author = props.last_modified_by = "p2pdocs"
    props.title = name
    props.comments = "p2pdocs template"
    path = ROOT / "templates" / f"{name}.docx"
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as saved:  # fixed dates: the same template, the same bytes
        path.write_bytes(write_package([(i.filename, saved.read(i.filename)) for i in saved.infolist()], level=9))
    return path


def main() -> int:
    build(
        "partnering-agreement",
        "{{ doc.id }} · {{ doc.title }}{% if doc.draft %} · DRAFT{% endif %}",
        ["margins"],
        "Signed by the authorised representatives of the Parties.",
    )
    build(
        "statement-of-work",
        "{{ doc.id }} · {{ doc.title }}{% if doc.draft %} · DRAFT{% endif %}",
        ["responsibilities", "deliverables", "milestones", "party_fees", "rates", "staffing", "sow_margins"],
        "Signed by the authorised representatives of the Parties, under the Agreement.",
    )
    build(
        "partnership-plan",
        "{{ doc.id }} · {{ doc.title }} (non-binding annex){% if doc.draft %} · DRAFT{% endif %}",
        ["contributions", "investment", "risks", "kpis"],
        None,
    )
    build(
        "review-memo",
        "{{ doc.id }} · {{ doc.title }} · for legal review",
        ["findings", "used", "left_out", "files"],
        None,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
