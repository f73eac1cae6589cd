"""Playbook findings as Word comments in the agreement, on the section each concerns."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, time
from typing import Any

from p2pdocs.compose.assemble import Composition
from p2pdocs.compose.fields import clause_of
from p2pdocs.playbook.findings import Finding
from p2pdocs.word.fast_render import write_package

AUTHOR, INITIALS = "p2pdocs playbook", "P2P"


def clause_for(field: str, composition: Composition) -> str | None:
    """The heading of the section a finding about ``field`` belongs on, if that section is in:
    the most specific clause the field catalogue gives for it (``compose/fields.yaml``); its
    title, as the heading paragraph holds it (the number is the list's)."""
    present = {s.clause_id: s.title for s in composition.sections}
    return next((present[clause] for clause in clause_of(field) if clause in present), None)


def add_comments(docx: bytes, findings: list[Finding], composition: Composition, day: date) -> bytes:
    """``docx`` with one comment per finding, on the heading of the section it concerns (on
    the key terms heading when that section is not in the agreement)."""
    notes = [
        (f.field, f"{f.rule} ({f.severity}): {f.message} [source: article {f.source}; {f.field}]") for f in findings
    ]
    return comment_sections(docx, notes, composition, day)


def comment_sections(
    docx: bytes,
    notes: list[tuple[str, str]],
    composition: Composition,
    day: date,
    author: str = AUTHOR,
    initials: str = INITIALS,
) -> bytes:
    """``docx`` with a comment for each (field, text) of ``notes``, on the heading of the
    section the field belongs to (on the key terms heading when that section is not in)."""
    from docx import Document

    if not notes:
        return docx
    doc = Document(io.BytesIO(docx))
    _comment_styles(doc)
    kinds = ("Heading 1", "Front Heading")  # the sections' headings; key terms, contents, signatures
    headings = {p.text: p for p in doc.paragraphs if p.style is not None and p.style.name in kinds}
    stamp = datetime.combine(day, time(), tzinfo=UTC)
    for field, text in notes:
        heading = clause_for(field, composition)
        paragraph = headings.get(heading or "") or headings.get("Key terms")
        if paragraph is None or not paragraph.runs:
            continue
        comment = doc.add_comment(paragraph.runs, text=text, author=author, initials=initials)
        comment._comment_elm.date = stamp  # python-docx stamps the clock; documents take dates from the deal
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        return write_package([(i.filename, package.read(i.filename)) for i in package.infolist()])


def _comment_styles(doc: Any) -> None:
    """The styles python-docx's comments refer to, defined where the document lacks them
    (a document saved by LibreOffice does): a style referred to and not defined is one that
    Word may repair."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    names = {style.name for style in doc.styles}
    if "annotation reference" not in names and "CommentReference" not in names:
        reference = doc.styles.add_style("CommentReference", WD_STYLE_TYPE.CHARACTER)
        reference.font.size = Pt(8)
    if "annotation text" not in names and "CommentText" not in names:
        text = doc.styles.add_style("CommentText", WD_STYLE_TYPE.PARAGRAPH)
        text.font.size = Pt(10)
