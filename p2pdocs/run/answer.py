"""Answering a returned document: the review's memo and next deal file written, and the
response, the next round as tracked changes against the counterparty's text (their
changes all accepted), so that they see exactly what we changed back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from p2pdocs.compose.kinds import AGREEMENT
from p2pdocs.compose.marks import plain
from p2pdocs.deal.validate import load_deal
from p2pdocs.documents.negotiation import as_markdown, memo_docx
from p2pdocs.errors import CannotRead
from p2pdocs.run.generate import render_document
from p2pdocs.run.nextround import Proposal, next_deal_bytes
from p2pdocs.run.outputs import check_free, write_atomic
from p2pdocs.run.review import clause_headings, sent_document
from p2pdocs.word.accept import accept_all
from p2pdocs.word.package import Unreadable, load
from p2pdocs.word.provenance import read_properties
from p2pdocs.word.redline import changes_in, redline_document
from p2pdocs.word.restated import restated_removed
from p2pdocs.word.returned import read_returned


def review_outputs(p: Proposal, out: Path | None, next_deal: Path | None) -> dict[Path, bytes]:
    """The files a review writes: the memo (Markdown and DOCX) in ``out``, the next deal."""
    files: dict[Path, bytes] = {}
    if out is not None:
        stem = f"negotiation-memo-{p.review.document.stem}"
        files[out / f"{stem}.md"] = as_markdown(p).encode("utf-8")
        files[out / f"{stem}.docx"] = memo_docx(p)
    if next_deal is not None:
        files[next_deal] = next_deal_bytes(p, next_deal.name)
    return files


def write_files(files: dict[Path, bytes], force: bool) -> None:
    check_free(files, force)
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)


def respond(returned: Path, next_deal: Path, out: Path, *, author: str, day: date | None, force: bool) -> int:
    """Write the response to ``returned``: ``next_deal``'s document with tracked changes
    against the returned text with every change accepted. Returns how many it holds."""
    check_free([out], force)
    try:
        data = load(returned)
        properties = read_properties(data)
        # their comments are answered in the memo; what their office suite restated is no change
        theirs = restated_removed(accept_all(data, comments=False))
    except Unreadable as exc:
        raise CannotRead(returned, str(exc)) from None
    deal = load_deal(next_deal)
    filename = properties.get("p2pdocs.document") or (
        returned.name if returned.name.startswith("sow-") else AGREEMENT.filename()
    )
    doc = sent_document(deal, filename, returned)
    ours = render_document(doc)
    headings = clause_headings(doc)
    new_headings = [(s.clause_id, plain(s.title)) for s in doc.composition.sections]  # numbers are the list's
    old_headings = [
        (headings[b.before], b.before)
        for b in read_returned(theirs).blocks
        if b.style == "Heading1" and not b.in_table and b.before in headings
    ]
    result = redline_document(theirs, ours, author, day or deal.agreement.effective_date, old_headings, new_headings)
    write_atomic(out, result)
    return sum(1 for _ in changes_in(result))
