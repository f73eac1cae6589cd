"""`p2pdocs review`: read the counterparty's returned document and say what they changed.

The deal the document was generated from (its properties name it; ``--deal`` gives it) is
generated again to know what was sent. Each paragraph of the returned document is read as
sent (tracked changes rejected) and as proposed (accepted), and placed: its section as the
reader sees it, its clause, its place in the clause. A changed value the deal supplied is
tied to its field through the document's value bookmarks and read with the field's type;
other changes are wording. Edits made without tracking show as differences between what
was sent and what the deal generates. The playbook is run on the terms as proposed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from p2pdocs.compose.kinds import AGREEMENT
from p2pdocs.deal.terms import Deal
from p2pdocs.deal.validate import load_deal
from p2pdocs.documents.builders import Document, documents
from p2pdocs.errors import CannotRead, InvalidInput, NotGenerated, Problem
from p2pdocs.run.generate import library, render_document
from p2pdocs.run.proposals import Reading, read_value, value_at
from p2pdocs.word.package import Unreadable, load
from p2pdocs.word.returned import Block, Note, Returned, Span, place, read_returned


@dataclass
class Change:
    """One change the counterparty made, placed in the document."""

    section: str
    clause: str
    paragraph: int
    number: str
    kind: str  # insertion, deletion, replacement, move, format
    author: str
    date: str
    old: str
    new: str
    before: str  # the whole paragraph as sent
    after: str  # and as proposed
    tracked: bool = True
    field: str | None = None
    old_value: Any = None
    new_value: Any = None
    readable: bool = True
    why: str = ""

    def as_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("section", "clause", "paragraph", "number", "kind", "author", "date")}
        out |= {"old": self.old, "new": self.new, "before": self.before, "after": self.after, "tracked": self.tracked}
        out |= {"field": self.field, "old_value": _json(self.old_value), "new_value": _json(self.new_value)}
        if self.field is not None and not self.readable:
            out["unreadable"] = self.why
        return out


@dataclass
class Comment:
    section: str
    clause: str
    author: str
    date: str
    text: str
    anchor: str
    paragraph: str  # the paragraph's text as proposed
    number: str = ""  # the paragraph's number as shown ("12.2", "(a)")
    replies: list[Comment] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        keys = ("section", "clause", "number", "author", "date", "text", "anchor", "paragraph")
        out = {k: getattr(self, k) for k in keys}
        out["replies"] = [r.as_dict() for r in self.replies]
        return out


@dataclass
class Review:
    document: Path
    deal_file: Path
    deal: Deal
    filename: str  # the document of the deal it is (partnering-agreement.docx, sow-X.docx)
    returned: Returned
    sent: Document
    changes: list[Change] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    findings: list[dict[str, str]] = field(default_factory=list)

    @property
    def values(self) -> dict[str, Any]:
        """The proposed value of each field changed (the readable ones)."""
        return {c.field: c.new_value for c in self.changes if c.field is not None and c.readable}


def _json(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def _read(path: Path) -> Returned:
    try:
        return read_returned(load(path))
    except Unreadable as exc:
        raise CannotRead(path, str(exc)) from None


def find_deal(document: Path, deal_id: str) -> Path | None:
    """The deal file of agreement ``deal_id`` beside the document, in its parent folders
    (up to two) or in the current folder."""
    from p2pdocs.deal.yamlsource import read

    folders = [document.resolve().parent, *list(document.resolve().parents)[1:3], Path.cwd()]
    for folder in dict.fromkeys(folders):
        for candidate in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            try:
                data = read(candidate).data
            except Exception:  # not a deal file: look at the next one
                continue
            agreement = data.get("agreement") if isinstance(data, dict) else None
            if isinstance(agreement, dict) and agreement.get("id") == deal_id:
                return candidate
    return None


def clause_headings(doc: Document) -> dict[str, str]:
    """Heading text -> clause id, for the headings of a document's composition."""
    out: dict[str, str] = {}
    for s in doc.composition.sections:
        out.setdefault(s.heading, s.clause_id)
        out.setdefault(s.title, s.clause_id)
    return out


def sent_document(deal: Deal, filename: str, where: Path) -> Document:
    found = next((d for d in documents(deal, library()) if d.filename == filename), None)
    if found is None or not found.composition.kind.redlinable:
        raise InvalidInput([Problem(str(where), 0, "", f"the deal makes no {filename} to review against")])
    return found


def review(path: Path, deal_path: Path | None = None) -> Review:
    """What the counterparty changed in the returned document at ``path``."""
    returned = _read(path)
    props = returned.properties
    deal_id = props.get("p2pdocs.deal")
    if deal_path is None:
        if not deal_id:
            raise NotGenerated(
                f"{path}: was not generated by p2pdocs (it has no p2pdocs properties); "
                "give the deal it answers with --deal DEAL.yaml"
            )
        deal_path = find_deal(path, deal_id)
        if deal_path is None:
            raise NotGenerated(
                f"{path}: was generated from deal {deal_id}, whose deal file is not beside it or in the "
                "current folder; give it with --deal DEAL.yaml"
            )
    deal = load_deal(deal_path)
    filename = props.get("p2pdocs.document") or (path.name if path.name.startswith("sow-") else AGREEMENT.filename())
    sent = sent_document(deal, filename, path)
    result = Review(path, deal_path, deal, filename, returned, sent)
    if deal_id and deal_id != deal.agreement.id:
        result.notes.append(f"the document was generated from deal {deal_id}, not {deal.agreement.id}")
    original = read_returned(render_document(sent))
    headings = clause_headings(sent)
    place(returned.blocks, headings)
    place(original.blocks, headings)
    pairs = _pair(original.blocks, returned.blocks)
    for block, was in pairs:
        result.changes += changes_in(block, was, deal, returned.modified_by)
    result.comments, unplaced = _comments(returned.notes, returned.blocks)
    result.unplaced += unplaced
    return result


def _pair(original: list[Block], returned: list[Block]) -> list[tuple[Block, Block | None]]:
    """Each returned block with the block of what was sent it stands for (None: added)."""
    matcher = difflib.SequenceMatcher(None, [b.before for b in original], [b.before for b in returned], autojunk=False)
    out: list[tuple[Block, Block | None]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            out += [(returned[j], original[i]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
        else:
            out += [(returned[j], None) for j in range(j1, j2)]
    return out


def _overlaps(start: int, length: int, span: list[int]) -> bool:
    """Whether a tracked piece at ``start`` in the text touches the value at ``span``."""
    if length == 0 or span[0] == span[1]:
        return span[0] <= start <= span[1]
    return start < span[1] and start + length > span[0]


def _outside(text: str, spans: list[Span]) -> str:
    """``text`` without the deal's values in it (each value's span as sent): the wording."""
    kept, at = [], 0
    for span in sorted((s for s in spans if s.path), key=lambda s: s.before[0]):
        kept.append(text[at : span.before[0]])
        at = max(at, span.before[1])
    kept.append(text[at:])
    return "\u0000".join(kept)


def changes_in(block: Block, was: Block | None, deal: Deal, modified_by: str) -> list[Change]:
    """The changes of one returned paragraph: its values, then its wording."""
    out: list[Change] = []
    where = (block.section, block.clause, block.paragraph, block.number)
    claimed: set[int] = set()
    sent_spans = {s.name: was.before[s.before[0] : s.before[1]] for s in was.spans} if was is not None else {}
    for span in block.spans:
        if span.path is None:
            continue
        old = sent_spans.get(span.name, block.before[span.before[0] : span.before[1]])
        new = block.after[span.after[0] : span.after[1]]
        if old == new:
            continue
        pieces = [
            i
            for i, p in enumerate(block.pieces)
            if p.kind != "format" and _overlaps(p.start, len(p.text), span.before if p.deleted else span.after)
        ]
        claimed.update(pieces)
        author = block.pieces[pieces[0]].author if pieces else modified_by
        day = block.pieces[pieces[0]].date if pieces else ""
        try:
            old_value = value_at(deal, span.path)
        except (KeyError, IndexError, AttributeError, TypeError):
            old_value = None
        reading = read_value(old, old_value, new) if old_value is not None else Reading(False, why="no such field")
        out.append(
            Change(
                *where,
                "replacement",
                author,
                day,
                old,
                new,
                block.before,
                block.after,
                bool(pieces),
                span.path,
                old_value,
                reading.value,
                reading.ok,
                reading.why,
            )
        )
    groups: dict[int, list[int]] = {}
    for i, p in enumerate(block.pieces):
        if i not in claimed:
            groups.setdefault(p.change, []).append(i)
    merged: list[list[int]] = []
    for number in sorted(groups):  # a deletion right before an insertion is one replacement
        last = merged[-1] if merged else None
        if (
            last is not None
            and block.pieces[last[-1]].deleted
            and not block.pieces[groups[number][0]].deleted
            and (block.pieces[last[-1]].author == block.pieces[groups[number][0]].author)
            and all(block.pieces[i].deleted for i in last)
        ):
            last += groups[number]
        else:
            merged.append(list(groups[number]))
    for group in merged:
        run = [block.pieces[i] for i in group]
        old = "".join(p.text for p in run if p.deleted)
        new = "".join(p.text for p in run if not p.deleted)
        kind = (
            run[0].kind
            if run[0].kind in ("move", "format")
            else ("replacement" if old and new else "deletion" if old else "insertion")
        )
        out.append(Change(*where, kind, run[0].author, run[0].date, old, new, block.before, block.after))
    reworded = was is not None and _outside(was.before, was.spans) != _outside(block.before, block.spans)
    if (
        was is not None
        and not block.pieces
        and block.before != was.before
        and (reworded or not any(c.field for c in out))
    ):
        out.append(
            Change(*where, "replacement", modified_by, "", was.before, block.before, was.before, block.after, False)
        )
    elif was is None and not block.pieces:
        out.append(Change(*where, "insertion", modified_by, "", "", block.before, "", block.after, False))
    return out


def _comments(notes: list[Note], blocks: list[Block]) -> tuple[list[Comment], list[str]]:
    made: dict[str, Comment] = {}
    unplaced: list[str] = []
    for note in notes:
        block = blocks[note.block] if note.block is not None else None
        made[note.id] = Comment(
            block.section if block else "",
            block.clause if block else "",
            note.author,
            note.date,
            note.text,
            note.anchor,
            block.after if block else "",
            block.number if block else "",
        )
        if block is None and note.parent is None:
            unplaced.append(f"comment by {note.author or 'someone'} not anchored in the text: {note.text}")
    top: list[Comment] = []
    for note in notes:
        if note.parent and note.parent in made:
            made[note.parent].replies.append(made[note.id])
        else:
            top.append(made[note.id])
    return top, unplaced
