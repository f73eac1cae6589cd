"""The next round from a review: the deal with every counterparty change applied (values
as terms, wording as negotiated wording), the playbook's findings on it (new or resolved
against the current deal), and the next deal file, which generates the counterparty's text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from p2pdocs.deal.terms import Deal
from p2pdocs.deal.validate import validate_deal
from p2pdocs.deal.yamlsource import read
from p2pdocs.playbook.findings import deal_findings
from p2pdocs.run.generate import render_document
from p2pdocs.run.proposals import applied, next_deal_text, value_at
from p2pdocs.run.review import Review, clause_headings, sent_document
from p2pdocs.word.returned import Block, place, read_returned


@dataclass
class Deviation:
    """Negotiated wording: a paragraph of a clause that departs from the library's text."""

    section: str
    clause: str
    paragraph: int
    number: str
    library: str
    text: str  # empty: the paragraph is removed
    proposed_by: str
    date: str
    added: bool = False  # a paragraph the counterparty added after paragraph ``paragraph``


@dataclass
class Proposal:
    review: Review
    values: dict[str, Any]
    where: str  # the document's terms in the deal data: agreement, statements_of_work[0]
    deviations: list[Deviation] = field(default_factory=list)
    findings: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    deal: Deal | None = None


def _validated(data: dict[str, Any], file: Path) -> Deal:
    return validate_deal(data, lambda loc: (str(file), 0, ()))


def _where(review: Review) -> str:
    for i, sow in enumerate(review.deal.statements_of_work):
        if review.filename == f"sow-{sow.id}.docx":
            return f"statements_of_work[{i}]"
    return "agreement"


def _day(stamp: str) -> str:
    return stamp[:10] if len(stamp) >= 10 else ""


def _sent_paragraphs(blocks: list[Block]) -> dict[tuple[str, int], Block]:
    """The returned blocks of each clause by their place as sent (a paragraph the
    counterparty added does not count; a table counts once, as its first cell)."""
    out: dict[tuple[str, int], Block] = {}
    counter: dict[str, int] = {}
    last_top: dict[str, int] = {}
    for block in blocks:
        if not block.clause or block.paragraph == 0:
            continue
        if _new(block) or (block.mark == "ins" and not block.before):
            continue
        if last_top.get(block.clause) == block.top:
            continue
        last_top[block.clause] = block.top
        counter[block.clause] = counter.get(block.clause, 0) + 1
        out[(block.clause, counter[block.clause])] = block
    return out


def _new(block: Block) -> bool:
    """Whether ``block`` is a paragraph the counterparty added: none of its text was sent
    and some is inserted (Word and LibreOffice mark the inserted paragraph mark on the
    paragraph before it, or on this one)."""
    return (
        not block.before
        and bool(block.after.strip())
        and (block.mark == "ins" or any(not p.deleted for p in block.pieces))
    )


def _added(blocks: list[Block]) -> list[tuple[Block, int | None]]:
    """Each paragraph the counterparty added (a tracked insertion of a whole paragraph),
    with the paragraph as sent of its clause it follows (0: before the first; None when it
    is in no clause or in a table, where it cannot be carried as wording)."""
    out: list[tuple[Block, int | None]] = []
    counter: dict[str, int] = {}
    last_top: dict[str, int] = {}
    for block in blocks:
        if _new(block):
            placed = bool(block.clause) and not block.in_table
            out.append((block, counter.get(block.clause, 0) if placed else None))
            continue
        if block.mark == "ins" and not block.before:
            continue
        if not block.clause or block.paragraph == 0 or last_top.get(block.clause) == block.top:
            continue
        last_top[block.clause] = block.top
        counter[block.clause] = counter.get(block.clause, 0) + 1
    return out


def _cells(blocks: list[Block], side: str) -> dict[tuple[str, int], list[str]]:
    """The cells' texts of each table of a clause, by (clause, paragraph)."""
    out: dict[tuple[str, int], list[str]] = {}
    for block in blocks:
        if block.in_table and block.clause and not (block.mark == "del" and not block.after):
            out.setdefault((block.clause, block.paragraph), []).append(getattr(block, side))
    return out


def proposal(review: Review) -> Proposal:
    """The counterparty's proposal as the next round's deal."""
    raw = read(review.deal_file).data
    result = Proposal(review, review.values, _where(review))
    result.unplaced += review.unplaced
    with_values = applied(raw, result.values, {})
    values_deal = _validated(with_values, review.deal_file)
    generated = read_returned(render_document(sent_document(values_deal, review.filename, review.document)))
    headings = clause_headings(review.sent)
    place(generated.blocks, headings)
    ours = _sent_paragraphs(generated.blocks)
    theirs = _sent_paragraphs(review.returned.blocks)
    wording: list[dict[str, Any]] = []
    for key, block in theirs.items():
        library = ours.get(key)
        if library is None or block.in_table:
            continue
        removed = block.mark == "del" and not block.after.strip()
        text = "" if removed else block.after
        if not removed and text == library.before:
            continue
        untouched = not block.pieces and block.before == block.after  # kept as sent: a value changed elsewhere
        author = "" if untouched else next((p.author for p in block.pieces), review.returned.modified_by)
        day = next((_day(p.date) for p in block.pieces if p.date), "")
        entry: dict[str, Any] = {"clause": key[0], "paragraph": key[1], "text": text}
        if author:
            entry["proposed_by"] = author
        if day:
            entry["date"] = date.fromisoformat(day)
        wording.append(entry)
        result.deviations.append(
            Deviation(block.section, key[0], key[1], block.number, library.before, text, author, day)
        )
        kept = [s.path for s in block.spans if s.path in result.values and s.path]
        for path in dict.fromkeys(kept):
            result.notes.append(
                f"{path}: they propose {result.values[path]}, but {block.number or block.section} still reads "
                f"as before; kept as their wording there: decide"
            )
    for key, cells in _cells(review.returned.blocks, "after").items():
        sent = _cells(generated.blocks, "before").get(key)
        if sent is not None and sent != cells:
            changed = next(c for c, s in zip(cells, sent, strict=False) if c != s) if len(cells) == len(sent) else ""
            result.unplaced.append(
                f"a change in the table of clause {key[0]} (paragraph {key[1]}) outside the deal's values "
                f"{f'({changed!r}) ' if changed else ''}cannot be carried into the next deal: edit it by hand"
            )
    for block, follows in _added(review.returned.blocks):
        if follows is None:
            result.unplaced.append(f"a paragraph added in section {block.section or '?'}: {block.after}")
            continue
        author = next((p.author for p in block.pieces), review.returned.modified_by)
        day = next((_day(p.date) for p in block.pieces if p.date), "")
        entry = {"clause": block.clause, "paragraph": follows, "text": block.after, "inserted": True}
        entry |= ({"proposed_by": author} if author else {}) | ({"date": date.fromisoformat(day)} if day else {})
        wording.append(entry)
        result.deviations.append(
            Deviation(block.section, block.clause, follows, "", "", block.after, author, day, True)
        )
    result.data = applied(raw, result.values, {result.where: wording} if wording else {})
    result.deal = _validated(result.data, review.deal_file)
    result.findings = _compare(deal_findings(review.deal), deal_findings(result.deal))
    return result


def _compare(current: list[Any], proposed: list[Any]) -> list[dict[str, str]]:
    now = {(f.rule, f.field): f for f in current}
    then = {(f.rule, f.field): f for f in proposed}
    out = []
    for key, f in then.items():
        out.append({**f.as_dict(), "status": "open" if key in now else "new"})
    for key, f in now.items():
        if key not in then:
            out.append({**f.as_dict(), "status": "resolved"})
    return out


def next_deal_bytes(result: Proposal, name: str) -> bytes:
    """The next round's deal file, a comment on each line the counterparty changed."""
    notes: dict[str, str] = {}
    review = result.review
    for change in review.changes:
        if change.field and change.readable and change.field in result.values:
            who = change.author or "the counterparty"
            notes[change.field] = f"proposed by {who} on {_day(change.date) or 'undated'}"
    keys = {(d.clause, d.paragraph) for d in result.deviations}
    target = value_at(result.data, result.where)
    for i, entry in enumerate(target.get("wording", []) if isinstance(target, dict) else []):
        if (entry["clause"], entry["paragraph"]) in keys:
            who, day = entry.get("proposed_by"), entry.get("date")
            notes[f"{result.where}.wording[{i}]"] = (
                f"wording proposed by {who}{f' on {day}' if day else ''}"
                if who
                else "their text as they left it (a value in it changed elsewhere): decide"
            )
    header = (
        f"# Next round of deal {review.deal.agreement.id}: the counterparty's changes in {review.document.name}\n"
        f"# applied to {review.deal_file.name}. Edit what you do not accept, then answer with:\n"
        f"#   p2pdocs redline {review.document.name} {name} -o RESPONSE.docx\n"
    )
    return next_deal_text(result.data, notes, header)
