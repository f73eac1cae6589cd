"""The render path reads the body it has just rendered from its text (p2pdocs.word.scan):
what it reads must be exactly what a parser reads from the same XML, or `verify` would
report text as changed that nobody touched; and the table grids it fits from the text
must be the grids the tree-based fix-up writes."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import docx
import markupsafe
import pytest
from conftest import EXAMPLE
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from test_lawyer_review import third_party

from p2pdocs.deal.validate import load_deal
from p2pdocs.documents.builders import documents
from p2pdocs.errors import TemplateError
from p2pdocs.run.generate import library, render_document
from p2pdocs.word import scan
from p2pdocs.word.grids import fixed
from p2pdocs.word.provenance import body_of, paragraphs
from p2pdocs.word.render import Properties, render_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEAD = f'<w:body xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'

# text a deal can hold: markup characters, line ends, tabs, quotes, scripts, astral planes
TEXT = st.lists(st.sampled_from([*"ab <>&\"'\r\n\t;#x中ע", "\U0001f600", "&amp;", "]]>", "\r\n"]), max_size=10).map(
    "".join
)
STYLE = st.sampled_from(["", "Heading1", "Clause", "TOC1", "A&B"])


def _escaped(text: str, by_lxml: bool) -> str:
    """``text`` as character data: escaped as lxml writes it (python-docx, the fix-ups) or
    as the template's autoescape writes a value (markupsafe: quotes as references, a
    carriage return left as it is, for the parser to normalise)."""
    if not by_lxml:
        return str(markupsafe.escape(text))
    element = etree.Element("t")
    element.text = text
    xml = etree.tostring(element, encoding="unicode")
    return "" if xml == "<t/>" else xml[len("<t>") : -len("</t>")]


def _run(kind: str, text: str, by_lxml: bool) -> str:
    if kind in ("t", "instr"):
        tag = "w:t" if kind == "t" else "w:instrText"
        return f'<w:r><{tag} xml:space="preserve">{_escaped(text, by_lxml)}</{tag}></w:r>'
    if kind in ("tab", "br"):
        return f"<w:r><w:{kind}/></w:r>"
    return f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'


PIECE = st.tuples(st.sampled_from(["t", "t", "t", "tab", "br", "begin", "instr", "separate", "end"]), TEXT)
PARAGRAPH = st.tuples(STYLE, st.booleans(), st.lists(PIECE, max_size=8))
Paragraph = tuple[str, bool, list[tuple[str, str]]]


def _body(paras: list[Paragraph], in_table: bool, by_lxml: bool) -> str:
    xml = []
    for style, numbered, pieces in paras:
        ppr = ""
        if style or numbered:
            value = style.replace("&", "&amp;")
            ppr = "<w:pPr>" + (f'<w:pStyle w:val="{value}"/>' if style else "")
            ppr += '<w:numPr><w:numId w:val="0"/></w:numPr>' if numbered else ""
            ppr += "</w:pPr>"
        xml.append(f"<w:p>{ppr}{''.join(_run(k, t, by_lxml) for k, t in pieces)}</w:p>")
    inner = "".join(xml)
    if in_table:
        inner = f'<w:tbl><w:tblGrid><w:gridCol w:w="100"/></w:tblGrid><w:tr><w:tc>{inner}<w:p/></w:tc></w:tr></w:tbl>'
    return f"{HEAD}{inner}<w:sectPr/></w:body>"


@settings(max_examples=300, deadline=None)
@given(st.lists(PARAGRAPH, max_size=6), st.booleans(), st.booleans())
def test_the_text_read_from_the_xml_is_the_text_a_parser_reads(
    paras: list[Paragraph], in_table: bool, by_lxml: bool
) -> None:
    xml = _body(paras, in_table, by_lxml)
    assert scan.paragraphs(xml.encode()) == paragraphs(etree.fromstring(xml.encode()))


@pytest.mark.parametrize("change", [None, third_party])
def test_every_generated_document_reads_the_same_from_its_text(
    change: Callable[[dict[str, Any]], None] | None, write_deal: Callable[..., Path]
) -> None:
    deal = load_deal(write_deal(change) if change else EXAMPLE)
    made = [d.filename for d in documents(deal, library())]
    assert any("agreement" in name for name in made) and any("sow" in name.lower() for name in made)
    for doc in documents(deal, library()):
        with zipfile.ZipFile(io.BytesIO(render_document(doc))) as package:
            document_xml = package.read("word/document.xml")
        assert scan.paragraphs(document_xml) == paragraphs(body_of(document_xml)), doc.filename


def _table(columns: list[int], rows: list[int]) -> str:
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in columns)
    body = "".join(
        "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        + "".join('<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr><w:p/></w:tc>' for _ in range(cells))
        + "</w:tr>"
        for cells in rows
    )
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.lists(st.integers(0, 9000), max_size=5), st.lists(st.integers(0, 7), max_size=4)), max_size=3)
)
def test_grids_fitted_from_the_text_are_the_grids_the_tree_fix_up_writes(
    tables: list[tuple[list[int], list[int]]],
) -> None:
    body = (HEAD + "".join(f"<w:p/>{_table(c, r)}" for c, r in tables) + "<w:sectPr/></w:body>").encode()
    from_text, _ = fixed(body, scan.Shape(well_formed=True, drawings=False, plain_tables=False, last_section=False))
    known_plain, _ = fixed(body, scan.Shape(well_formed=True, drawings=False, plain_tables=True, last_section=True))
    from_tree, _ = fixed(
        body, scan.Shape(well_formed=True, drawings=True, plain_tables=False, last_section=False)
    )  # parsed whole
    assert from_text == known_plain == from_tree
    for (columns, rows), table in zip(tables, etree.fromstring(from_text).iter(f"{{{W}}}tbl"), strict=True):
        widest = max(rows, default=0)
        if widest > len(columns) and sum(columns):
            assert len(table.findall(f"{{{W}}}tblGrid/{{{W}}}gridCol")) == widest  # a column per cell


def test_a_template_that_writes_markup_of_an_undeclared_namespace_is_refused(tmp_path: Path) -> None:
    template = tmp_path / "literal-markup.docx"
    document = docx.Document()
    document.add_paragraph("{{ '<q:x/>' | safe }}")
    document.save(str(template))
    with pytest.raises(TemplateError) as error:
        render_docx(template, {}, Properties("t", "s", "k", date(2026, 1, 1)))
    assert str(error.value) == f"{template}: word/document.xml uses the undeclared namespace prefix 'q'"


@pytest.mark.parametrize(
    ("source", "proved"),
    [
        ("<w:body><w:p><w:r><w:t>{{ a }}</w:t></w:r></w:p></w:body>", True),
        (
            "<w:body>{% for p in ps %}<w:p>{% if p.x %}<w:r/>{% elif p.y %}{% else %}<w:r><w:t>{{ p.t }}</w:t></w:r>"
            "{% endif %}</w:p>{% endfor %}</w:body>",
            True,
        ),
        ("<w:body><w:p>{% if a %}</w:p><w:p>{% endif %}</w:p></w:body>", True),  # balanced: closes what it opens
        ("<w:body><w:p>{% if a %}</w:p>{% endif %}</w:body>", False),  # one branch leaves the paragraph open
        ("<w:body><w:p>{{ a }}</w:p></w:body>", False),  # text outside a w:t
        ("<w:body><w:p><w:r><w:t>{{ a | safe }}</w:t></w:r></w:p></w:body>", False),
        ('<w:body><w:p w:x="{{ a }}"/></w:body>', False),  # an expression inside a tag
        ("<w:body>{% set a = 1 %}</w:body>", False),  # a statement it does not reason about
        ("<w:body>{% for a in b %}<w:p>{% break %}</w:p>{% endfor %}</w:body>", False),
        ("<w:body>{% if a %}<w:p/>", False),
    ],
)
def test_a_body_is_proved_well_formed_only_when_every_render_is(source: str, proved: bool) -> None:
    assert scan.well_formed_always(source) is proved


def test_a_template_that_cannot_be_proved_is_checked_on_every_render(tmp_path: Path) -> None:
    """A legal team's template whose ``if`` opens in a table cell and ends after the table:
    when the condition is false the table is cut off. The render fails with the template
    named, and no document is made; when it is true the document is whole."""
    template = tmp_path / "cut-table.docx"
    document = docx.Document()
    document.add_table(rows=1, cols=1).cell(0, 0).text = "{% if whole %}"
    document.add_paragraph("{% endif %}after")
    document.save(str(template))
    properties = Properties("t", "s", "k", date(2026, 1, 1))
    made = docx.Document(io.BytesIO(render_docx(template, {"whole": True}, properties)))
    assert [p.text for p in made.paragraphs] == ["after"] and len(made.tables) == 1
    with pytest.raises(TemplateError) as error:
        render_docx(template, {"whole": False}, properties)
    assert str(error.value).startswith(f"{template}: word/document.xml rendered to invalid XML: ")
