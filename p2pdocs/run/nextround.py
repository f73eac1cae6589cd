"""The next round from a review: the deal with every counterparty change applied (values
as terms, wording as negotiated wording), the playbook's findings on it (new or resolved
against the current deal), and the next deal file, which generates the counterparty's text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from p2pdocs.deal.terms import Deal
from p2pdocs.deal.validate import validate_deal
from p2pdocs.deal.yamlsource import read
from p2pdocs.documents.document import Document
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


def _sent(blocks: list[Block]) -> Iterator[tuple[Block, int]]:
    """Each block of a document with its place in its clause as sent (1 is the first after
    the heading; a table counts once, as its first cell), or 0 for a paragraph the
    counterparty added; blocks in no clause, and a paragraph mark alone inserted, left out."""
    counter: dict[str, int] = {}
    last_top: dict[str, int] = {}
    for block in blocks:
        if _new(block):
            yield block, 0
        elif block.mark == "ins" and not block.before:
            continue
        elif block.clause and block.paragraph and last_top.get(block.clause) != block.top:
            last_top[block.clause] = block.top
            counter[block.clause] = counter.get(block.clause, 0) + 1
            yield block, counter[block.clause]


def _new(block: Block) -> bool:
    """Whether ``block`` is a paragraph the counterparty added: none of its text was sent
    and some is inserted (Word and LibreOffice mark the inserted paragraph mark on the
    paragraph before it, or on this one)."""
    inserted = block.mark == "ins" or any(not p.deleted for p in block.pieces)
    return not block.before and bool(block.after.strip()) and inserted


Key = tuple[str, int]  # a clause and a paragraph of its library text


def _origins(document: Document) -> dict[str, list[tuple[int, bool]]]:
    """Per clause of ``document``, what each of its paragraphs as sent stands for: the
    library's paragraph, or one added after it (negotiated wording of an earlier round)."""
    return {s.clause_id: [(p.origin, p.added) for p in s.paragraphs] for s in document.composition.sections}


def _current(raw: dict[str, Any], where: str) -> dict[Key, list[dict[str, Any]]]:
    """The paragraphs added after each paragraph in the current deal's wording, in order."""
    out: dict[Key, list[dict[str, Any]]] = {}
    for w in value_at(raw, where).get("wording", []):
        if w.get("inserted"):
            out.setdefault((w["clause"], w["paragraph"]), []).append(w)
    return out


def _wording(
    review: Review,
    result: Proposal,
    ours: dict[Key, Block],
    origins: dict[str, list[tuple[int, bool]]],
    current: dict[Key, list[dict[str, Any]]],
) -> tuple[list[dict[str, Any]], set[Key]]:
    """The negotiated wording of the returned document: each paragraph of the library they
    reworded or removed, by the library paragraph it is (whatever earlier rounds added or
    removed before it), and after each paragraph the paragraphs added there as they now
    stand (earlier rounds' and theirs); with the places where no added paragraph is left."""
    wording: list[dict[str, Any]] = []
    added: dict[Key, list[dict[str, Any]]] = {}
    touched: set[Key] = set()
    seen: dict[Key, int] = {}
    follows: dict[str, int] = {}  # per clause, the library paragraph the last one sent stands for
    for block, place_ in _sent(review.returned.blocks):
        author = next((p.author for p in block.pieces), review.returned.modified_by)
        day = next((_day(p.date) for p in block.pieces if p.date), "")
        who = ({"proposed_by": author} if author else {}) | ({"date": date.fromisoformat(day)} if day else {})
        if place_ == 0:  # a paragraph they added
            if not block.clause or block.in_table:
                result.unplaced.append(f"a paragraph added in section {block.section or '?'}: {block.after}")
                continue
            key = (block.clause, follows.get(block.clause, 0))
            entry = {"clause": key[0], "paragraph": key[1], "text": block.after, "inserted": True} | who
            added.setdefault(key, []).append(entry)
            touched.add(key)
            result.deviations.append(Deviation(block.section, key[0], key[1], "", "", block.after, author, day, True))
            continue
        sent_as = origins.get(block.clause, [])
        library = ours.get((block.clause, place_))
        if place_ > len(sent_as) or library is None:
            if block.changed:
                result.unplaced.append(
                    f"a change in section {block.section or '?'} that matches no paragraph of clause {block.clause} "
                    f"as the deal generates it: {block.after or block.before}"
                )
            continue
        origin, was_added = sent_as[place_ - 1]
        follows[block.clause] = origin
        if block.in_table:
            continue
        removed = block.mark == "del" and not block.after.strip()
        text = "" if removed else block.after
        key = (block.clause, origin)
        if was_added:  # added in an earlier round: kept, reworded or removed now
            rank = seen.get(key, 0)
            seen[key] = rank + 1
            earlier = current.get(key, [])
            entry = earlier[rank] if rank < len(earlier) else {"clause": key[0], "paragraph": origin}
            entry = {**entry, "inserted": True, "text": entry.get("text") or library.before}
            if removed or text != library.before:
                touched.add(key)
                result.deviations.append(Deviation(block.section, key[0], origin, "", "", text, author, day, True))
            if not removed:
                added.setdefault(key, []).append(entry if text == library.before else {**entry, "text": text} | who)
            continue
        if not removed and text == library.before:
            continue
        untouched = not block.pieces and block.before == block.after  # kept as sent: a value changed elsewhere
        entry = {"clause": key[0], "paragraph": origin, "text": text} | ({} if untouched else who)
        wording.append(entry)
        result.deviations.append(
            Deviation(
                block.section, key[0], origin, block.number, library.before, text, "" if untouched else author, day
            )
        )
        kept = [s.path for s in block.spans if s.path in result.values and s.path]
        for path in dict.fromkeys(kept):
            result.notes.append(
                f"{path}: they propose {result.values[path]}, but {block.number or block.section} still reads "
                f"as before; kept as their wording there: decide"
            )
    for key in sorted(touched):
        wording += added.get(key, [])
    return wording, {key for key in touched if not added.get(key)}


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
    document = sent_document(values_deal, review.filename, review.document)
    generated = read_returned(render_document(document))
    headings = clause_headings(review.sent)
    place(generated.blocks, headings)
    ours = {(b.clause, n): b for b, n in _sent(generated.blocks) if n}
    wording, emptied = _wording(review, result, ours, _origins(document), _current(raw, result.where))
    for key, cells in _cells(review.returned.blocks, "after").items():
        sent = _cells(generated.blocks, "before").get(key)
        if sent is not None and sent != cells:
            changed = next(c for c, s in zip(cells, sent, strict=False) if c != s) if len(cells) == len(sent) else ""
            result.unplaced.append(
                f"a change in the table of clause {key[0]} (paragraph {key[1]}) outside the deal's values "
                f"{f'({changed!r}) ' if changed else ''}cannot be carried into the next deal: edit it by hand"
            )
    result.data = applied(raw, result.values, {result.where: wording} if wording else {}, {result.where: emptied})
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
