"""What ``review`` reports: one JSON object for tools, text for a person (grouped by
section, with the playbook's findings) and the negotiation memo (Markdown and DOCX)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from typing import Any

from p2pdocs.documents.memo import escape_md
from p2pdocs.run.nextround import Proposal
from p2pdocs.run.review import Change, Comment
from p2pdocs.word.fast_render import write_package


def as_json(p: Proposal) -> dict[str, Any]:
    r = p.review
    return {
        "document": str(r.document),
        "deal": r.deal.agreement.id,
        "deal_file": str(r.deal_file),
        "changes": [c.as_dict() for c in r.changes],
        "comments": [c.as_dict() for c in r.comments],
        "findings": p.findings,
        "deviations": [d.__dict__ for d in p.deviations],
        "unplaced": p.unplaced,
        "notes": [*r.notes, *p.notes],
    }


def _where(section: str, clause: str, number: str) -> str:
    place = f"Section {section}" if section and section[0].isdigit() else (section or "Title page")
    if number and number != section:
        place += f" ({number})"
    return f"{place}, {clause}" if clause else place


def _change_line(c: Change) -> str:
    who = f"{c.author or 'unknown'}{', ' + c.date[:10] if c.date else ''}{'' if c.tracked else ', untracked'}"
    if c.field:
        value = f"{c.old_value} -> {c.new_value}" if c.readable else f"cannot be read: {c.why}"
        return f"{c.field}: '{c.old}' -> '{c.new}' ({value}) [{who}]"
    if c.kind == "format":
        return f"formatting changed: '{c.new or c.after}' [{who}]"
    if c.kind == "move":
        return f"moved: '{c.old or c.new}' [{who}]"
    if c.kind == "deletion":
        return f"deleted '{c.old}' [{who}]"
    if c.kind == "insertion":
        return f"inserted '{c.new}' [{who}]"
    return f"{c.kind}: '{c.old}' -> '{c.new}' [{who}]"


def _comment_lines(c: Comment, indent: str = "  ") -> list[str]:
    lines = [f"{indent}comment by {c.author or 'unknown'} on '{c.anchor or c.paragraph[:60]}': {c.text}"]
    for reply in c.replies:
        lines.append(f"{indent}  reply by {reply.author or 'unknown'}: {reply.text}")
    return lines


def _groups(p: Proposal) -> list[tuple[str, list[str]]]:
    order: list[str] = []
    lines: dict[str, list[str]] = {}
    for c in p.review.changes:
        key = _where(c.section, c.clause, "")
        if key not in lines:
            order.append(key)
            lines[key] = []
        lines[key].append(f"{c.number + ': ' if c.number else ''}{_change_line(c)}")
    for comment in p.review.comments:
        key = _where(comment.section, comment.clause, "")
        if key not in lines:
            order.append(key)
            lines[key] = []
        lines[key] += [line.strip() for line in _comment_lines(comment)]
    return [(k, lines[k]) for k in order]


def as_text(p: Proposal) -> str:
    r = p.review
    out = [f"{r.document}: {len(r.changes)} changes, {len(r.comments)} comments (deal {r.deal.agreement.id})"]
    for key, lines in _groups(p):
        out.append(key)
        out += [f"  {line}" for line in lines]
    if p.findings:
        out.append("Playbook on the terms as proposed")
        out += [f"  [{f['status']}] {f['rule']} {f['severity']} {f['field']}: {f['message']}" for f in p.findings]
    for note in [*r.notes, *p.notes]:
        out.append(f"note: {note}")
    for item in p.unplaced:
        out.append(f"not placed: {item}")
    return "\n".join(out)


def as_markdown(p: Proposal) -> str:
    r = p.review
    e = escape_md
    out = [f"# Negotiation memo: {e(r.deal.agreement.id)}", ""]
    out += [f"Returned document: {e(r.document.name)}. Deal: {e(r.deal_file.name)}.", ""]
    out += ["## Changes and comments", ""]
    for key, lines in _groups(p):
        out += [f"### {e(key)}", ""] + [f"- {e(line)}" for line in lines] + [""]
    out += ["## Playbook on the terms as proposed", ""]
    out += ["| Status | Rule | Severity | Field | Finding |", "| --- | --- | --- | --- | --- |"]
    for f in p.findings:
        out.append(f"| {f['status']} | {f['rule']} | {f['severity']} | {e(f['field'])} | {e(f['message'])} |")
    out += ["", "## Negotiated wording (departs from the clause library)", ""]
    for d in p.deviations:
        place = f"a paragraph added after paragraph {d.paragraph}" if d.added else f"paragraph {d.paragraph}"
        out += [f"### {e(_where(d.section, d.clause, d.number))}, {place}", ""]
        proposed = f"- Proposed by {e(d.proposed_by or 'unknown')}: {e(d.text) or '(removed)'}"
        out += [f"- Library: {e(d.library) if not d.added else '(none: not in the clause library)'}", proposed, ""]
    if p.notes or p.unplaced or r.notes:
        out += ["## To decide", ""] + [f"- {e(n)}" for n in [*r.notes, *p.notes, *p.unplaced]] + [""]
    return "\n".join(out)


def memo_docx(p: Proposal) -> bytes:
    """The negotiation memo as a Word document (the same content as the Markdown memo),
    with the same bytes for the same review."""
    from docx import Document

    doc = Document()
    for raw in as_markdown(p).split("\n"):
        line = re.sub(r"\\(.)", r"\1", raw)  # Markdown's escapes are not Word's
        if line.startswith("# "):
            doc.add_heading(line[2:], level=0)
        elif line.startswith("## "):
            doc.add_heading(line[3:], level=1)
        elif line.startswith("### "):
            doc.add_heading(line[4:], level=2)
        elif line.startswith("- "):
            doc.add_paragraph(line[2:], style="List Bullet")
        elif line.startswith("| ") and not line.startswith("| ---"):
            doc.add_paragraph(" | ".join(cell.strip() for cell in line.strip("|").split("|")))
        elif line.strip() and not line.startswith("| ---"):
            doc.add_paragraph(line)
    stamp = datetime.combine(p.review.deal.agreement.effective_date, datetime.min.time(), tzinfo=UTC)
    core = doc.core_properties
    core.created = core.modified = core.last_printed = stamp
    core.author = core.last_modified_by = "p2pdocs"
    core.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        entries = [(i.filename, package.read(i.filename)) for i in package.infolist()]
    return write_package(entries)
