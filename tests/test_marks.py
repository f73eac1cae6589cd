"""Values from the deal are marked in the documents (hidden bookmarks, the field of each in
the document's properties), without changing a word of the text, and the marks survive
LibreOffice and python-docx saving the document."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, libreoffice_convert, soffice
from lxml import etree

from p2pdocs.compose.marks import plain
from p2pdocs.deal.validate import load_deal
from p2pdocs.documents.builders import documents
from p2pdocs.resources import templates_dir
from p2pdocs.run.generate import library
from p2pdocs.word.marks import W, bookmark_fields
from p2pdocs.word.provenance import read_properties
from p2pdocs.word.render import docx_text, render_docx, render_full


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@pytest.fixture(scope="module")
def rendered() -> dict[str, tuple[bytes, bytes]]:
    """Each agreement and SoW of the example: (marked, unmarked) .docx bytes."""
    deal = load_deal(EXAMPLE)
    out = {}
    for doc in documents(deal, library()):
        if doc.template not in ("partnering-agreement.docx", "statement-of-work.docx"):
            continue
        template = templates_dir() / doc.template
        out[doc.filename] = (
            render_docx(template, doc.context, doc.properties),
            render_docx(template, _plain(doc.context), doc.properties),
        )
    return out


def marks(docx: bytes) -> list[tuple[str | None, str]]:
    """(field path, text) of every value bookmark of a document's body, in order."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    fields = bookmark_fields(read_properties(docx))
    found: list[tuple[str | None, str]] = []
    open_: dict[str, int] = {}
    for el in root.iter(f"{W}bookmarkStart", f"{W}bookmarkEnd", f"{W}t"):
        if el.tag == f"{W}bookmarkStart" and str(el.get(f"{W}name")).startswith("_Val_"):
            open_[str(el.get(f"{W}id"))] = len(found)
            found.append((fields.get(str(el.get(f"{W}name"))), ""))
        elif el.tag == f"{W}bookmarkEnd":
            open_.pop(str(el.get(f"{W}id")), None)
        elif el.tag == f"{W}t":
            for index in open_.values():
                found[index] = (found[index][0], found[index][1] + (el.text or ""))
    return found


def agreement(rendered: dict[str, tuple[bytes, bytes]]) -> bytes:
    return next(marked for name, (marked, _) in rendered.items() if name.startswith("partnering"))


def test_values_in_cover_clauses_and_tables_are_bookmarks_naming_their_field(
    rendered: dict[str, tuple[bytes, bytes]],
) -> None:
    deal = load_deal(EXAMPLE)
    found = marks(agreement(rendered))
    by_path: dict[str, list[str]] = {}
    for path, text in found:
        assert path is not None and text
        by_path.setdefault(path, []).append(text)
    days = deal.agreement.payment.days
    assert any(str(days) in t for t in by_path["agreement.payment.days"])
    margin = deal.agreement.margins[1].by_year[0]
    assert f"{margin.normalize():f}%" in by_path["agreement.margins[1].by_year[0]"]
    assert "agreement.effective_date" in by_path  # the cover page
    text = docx_text(agreement(rendered))
    cover = text.split("Contents")[0]
    assert deal.agreement.governing_law in cover


def test_every_figure_of_the_cover_s_margin_rows_is_a_bookmark_naming_its_field(
    rendered: dict[str, tuple[bytes, bytes]],
) -> None:
    """Each margin figure is bookmarked twice: in the cover page's row ("25% / 12.5%") and
    in the margin schedule's table."""
    deal = load_deal(EXAMPLE)
    found = marks(agreement(rendered))
    for i, margin in enumerate(deal.agreement.margins):
        for j, figure in enumerate(margin.by_year):
            texts = [text for path, text in found if path == f"agreement.margins[{i}].by_year[{j}]"]
            assert len(texts) >= 2 and set(texts) == {f"{figure.normalize():f}%"}


def test_values_in_the_partnership_plan_are_bookmarks_naming_their_field() -> None:
    deal = load_deal(EXAMPLE)
    plan = deal.agreement.plan
    assert plan is not None and plan.kpis and plan.risks and plan.investment and plan.first_health_check
    doc = next(d for d in documents(deal, library()) if d.template == "partnership-plan.docx")
    docx = render_docx(templates_dir() / doc.template, doc.context, doc.properties)
    by_path: dict[str, list[str]] = {}
    for path, text in marks(docx):
        assert path is not None and text
        by_path.setdefault(path, []).append(text)
    assert plan.kpis[-1].target in by_path[f"agreement.plan.kpis[{len(plan.kpis) - 1}].target"]
    assert plan.risks[0].mitigation in by_path["agreement.plan.risks[0].mitigation"]
    party = next(iter(plan.investment))
    assert any(f"investment.{party}." in path for path in by_path)
    assert "agreement.plan.first_health_check" in by_path  # the cover
    assert any(not path.startswith("agreement.plan.") for path in by_path)  # the clauses' own values


def test_values_in_a_sow_s_tables_are_bookmarks_naming_their_field(rendered: dict[str, tuple[bytes, bytes]]) -> None:
    deal = load_deal(EXAMPLE)
    sow = deal.statements_of_work[0]
    sow_docx = next(marked for name, (marked, _) in rendered.items() if name == f"sow-{sow.id}.docx")
    by_path: dict[str, list[str]] = {}
    for path, text in marks(sow_docx):
        assert path is not None and text
        by_path.setdefault(path, []).append(text)
    prefix = "statements_of_work[0]"
    assert sow.deliverables[0].name in by_path[f"{prefix}.deliverables[0].name"]
    assert f"{prefix}.deliverables[0].due" in by_path
    assert sow.milestones[-1].name in by_path[f"{prefix}.milestones[{len(sow.milestones) - 1}].name"]
    assert f"{sow.milestones[0].percent.normalize():f}%" in by_path[f"{prefix}.milestones[0].percent"]
    if sow.staffing:
        assert sow.staffing[0].role in by_path[f"{prefix}.staffing[0].role"]


def test_bookmarks_are_hidden_unique_and_no_marker_is_left(rendered: dict[str, tuple[bytes, bytes]]) -> None:
    with zipfile.ZipFile(io.BytesIO(agreement(rendered))) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    starts = [el for el in root.iter(f"{W}bookmarkStart") if str(el.get(f"{W}name")).startswith("_Val_")]
    assert starts
    ids = [el.get(f"{W}id") for el in starts]
    assert len(set(ids)) == len(ids)
    ends = {el.get(f"{W}id") for el in root.iter(f"{W}bookmarkEnd")}
    assert set(ids) <= ends
    xml = etree.tostring(root, encoding="unicode")
    assert not re.search("[\ue000-\ue01f]", xml), "a marker left in the document"


def test_marking_changes_no_text(rendered: dict[str, tuple[bytes, bytes]]) -> None:
    for name, (marked, unmarked) in rendered.items():
        assert marks(marked), name
        assert not marks(unmarked), name
        assert docx_text(marked) == docx_text(unmarked), name
        # the fingerprints of the text (by section) are the same: verify sees no difference
        props, plain_props = read_properties(marked), read_properties(unmarked)
        assert props["p2pdocs.text_sha256"] == plain_props["p2pdocs.text_sha256"]
        assert json.loads(props["p2pdocs.sections"]) == json.loads(plain_props["p2pdocs.sections"])


def test_fast_path_and_docxtpl_give_the_same_bytes_each_time() -> None:
    deal = load_deal(EXAMPLE)
    doc = next(d for d in documents(deal, library()) if d.template == "partnering-agreement.docx")
    template = templates_dir() / doc.template
    once = render_docx(template, doc.context, doc.properties)
    assert render_docx(template, doc.context, doc.properties) == once
    full = render_full(template, doc.context, doc.properties)
    assert render_full(template, doc.context, doc.properties) == full
    assert marks(full) == marks(once)


def test_marks_survive_libreoffice_and_python_docx(rendered: dict[str, tuple[bytes, bytes]], tmp_path: Path) -> None:
    soffice()
    source = tmp_path / "agreement.docx"
    source.write_bytes(agreement(rendered))
    before = marks(source.read_bytes())
    work = tmp_path / "lo"
    work.mkdir()
    saved = libreoffice_convert(source, "docx:MS Word 2007 XML", work)
    after_lo = marks(saved.read_bytes())
    assert after_lo == before  # every control kept, with its field and its text
    from docx import Document

    document = Document(str(saved))
    again = io.BytesIO()
    document.save(again)
    assert marks(again.getvalue()) == before


def test_a_value_that_cannot_be_a_run_of_its_own_stays_as_text_without_markers() -> None:
    """A value a template writes across two runs (a legal team's own template may) is not
    bookmarked; its text is kept as written and no marker is left. One within a run's text
    beside it is bookmarked and keeps the spaces around it."""
    from p2pdocs.compose.marks import mark
    from p2pdocs.word.fields import finish_body

    split = mark("agreement.payment.days", "3").replace("3", "3</w:t></w:r><w:r><w:t>0")
    body = (
        f'<w:body xmlns:w="{W[1:-1]}"><w:p><w:r><w:t>within {split}</w:t></w:r>'
        f'<w:r><w:t xml:space="preserve">days, notice {mark("agreement.term.notice_days", "90")} days</w:t></w:r>'
        "</w:p></w:body>"
    )
    xml, paths = finish_body(body)
    root = etree.fromstring(xml)
    text = "".join(t.text or "" for t in root.iter(f"{W}t"))
    assert text == "within 30days, notice 90 days"
    assert paths == ["agreement.term.notice_days"]
    names = [b.get(f"{W}name") for b in root.iter(f"{W}bookmarkStart")]
    assert names == ["_Val_1"]
    assert not re.search("[\ue000-\ue01f]", xml)
