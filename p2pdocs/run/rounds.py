"""`p2pdocs redline`: render two rounds of a deal (or a deal and its standard positions)
and write the new document with tracked changes against the old."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from p2pdocs.compose.kinds import AGREEMENT, STATEMENT_OF_WORK
from p2pdocs.deal.terms import Deal
from p2pdocs.deal.validate import load_deal
from p2pdocs.documents.builders import Document, documents
from p2pdocs.errors import InvalidInput, Problem
from p2pdocs.run.generate import library, render_document
from p2pdocs.run.outputs import check_free, write_atomic
from p2pdocs.word.redline import changes_in, redline_document


def _document(deal: Deal, path: Path, sow_id: str | None) -> tuple[bytes, list[tuple[str, str]]]:
    """The rendered document and its sections as (clause id, heading text)."""
    wanted = STATEMENT_OF_WORK.filename(sow_id) if sow_id else AGREEMENT.filename()
    redlinable = (d for d in documents(deal, library()) if d.composition.kind.redlinable)
    found: Document | None = next((d for d in redlinable if d.filename == wanted), None)
    if found is None:
        ids = ", ".join(sow.id for sow in deal.statements_of_work) or "none"
        message = f"no statement of work '{sow_id}' (statements of work: {ids})"
        raise InvalidInput([Problem(str(path), 0, "statements_of_work", message)])
    headings = [(s.clause_id, s.title) for s in found.composition.sections]  # numbers are the list's
    return render_document(found), headings


def redline_files(
    paths: tuple[Path, ...],
    out: Path,
    *,
    sow_id: str | None,
    against: str | None,
    author: str,
    day: date | None,
    force: bool,
) -> int:
    """Write the redline; returns how many tracked changes it holds."""
    check_free([out], force)
    if against == "standard":
        from p2pdocs.playbook.standard import standard_deal

        new = load_deal(paths[0])
        old, old_path = standard_deal(new), paths[0]
        author = author if author != "p2pdocs" else "p2pdocs playbook"
    else:
        old, new = load_deal(paths[0]), load_deal(paths[1])
        old_path = paths[0]
    old_docx, old_headings = _document(old, old_path, sow_id)
    new_docx, new_headings = _document(new, paths[-1], sow_id)
    data = redline_document(old_docx, new_docx, author, day or new.agreement.effective_date, old_headings, new_headings)
    write_atomic(out, data)
    return sum(1 for _ in changes_in(data))
