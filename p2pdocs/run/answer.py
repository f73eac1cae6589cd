"""Answering a returned document: the review's memo and next deal file written, and the
response, the next round as tracked changes against the counterparty's text (their
changes all accepted), so that they see exactly what we changed back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from p2pdocs.compose.kinds import AGREEMENT
from p2pdocs.compose.marks import plain
from p2pdocs.deal.terms import Deal
from p2pdocs.deal.validate import load_deal
from p2pdocs.documents.comments import comment_sections
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


def respond(
    returned: Path, next_deal: Path, out: Path, *, author: str, day: date | None, force: bool, comments: bool = False
) -> int:
    """Write the response to ``returned``: ``next_deal``'s document with tracked changes
    against the returned text with every change accepted; with ``comments``, a comment on
    each value of theirs it changes back (:func:`reversed_values`). Returns how many
    tracked changes it holds."""
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
    when = day or deal.agreement.effective_date
    result = redline_document(theirs, ours, author, when, old_headings, new_headings)
    count = sum(1 for _ in changes_in(result))
    if comments:
        result = comment_sections(result, reversed_values(returned, deal), doc.composition, when, author, "")
    write_atomic(out, result)
    return count


def reversed_values(returned: Path, answer: Deal) -> list[tuple[str, str]]:
    """(field, comment) for each value the counterparty proposed in ``returned`` that the
    ``answer`` does not take, citing the playbook's finding on their value where there is
    one ("P01 (high): ...")."""
    from p2pdocs.run.nextround import proposal
    from p2pdocs.run.proposals import value_at
    from p2pdocs.run.review import review

    proposed = proposal(review(returned))
    ours = answer.model_dump(mode="python")
    notes = []
    for path, theirs in proposed.values.items():
        kept = value_at(ours, path)
        if kept == theirs:
            continue
        reasons = [
            f"{f['rule']} ({f['severity']}): {f['message']}"
            for f in proposed.findings
            if f["status"] != "resolved" and _within(path, f["field"])
        ]
        text = f"We keep {_shown(kept)} for {path}; you proposed {_shown(theirs)}."
        notes.append((path, " ".join([text, *(f"Playbook {r}" for r in reasons)])))
    return notes


def _within(path: str, field: str) -> bool:
    """Whether ``path`` is ``field`` or a part of it (``agreement.margins[1].by_year[0]``
    is within ``agreement.margins[1]``)."""
    return path == field or path.startswith((field + ".", field + "["))


def _shown(value: object) -> str:
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)
