"""A clause of the library as text a reviewer reads: ``p2pdocs clauses show ID``."""

from __future__ import annotations

import difflib
import textwrap

from p2pdocs.compose.library import Library, Paragraph
from p2pdocs.errors import UnknownClause


def _paragraphs(paragraphs: list[Paragraph], indent: str) -> list[str]:
    lines: list[str] = []
    for p in paragraphs:
        if isinstance(p, str):
            lines.append(
                textwrap.fill(" ".join(p.split()), 88, initial_indent=indent + "- ", subsequent_indent=indent + "  ")
            )
            continue
        head = ""
        if p.when:
            head += f"[when {p.when}] "
        if p.each:
            head += f"[for each {p.as_ or 'item'} in {p.each}] "
        body = p.text or (f"## {p.heading}" if p.heading else f"<table: {p.table}>")
        lines.append(
            textwrap.fill(
                head + " ".join(body.split()), 88, initial_indent=indent + "- ", subsequent_indent=indent + "  "
            )
        )
        for item in p.items:
            text = item if isinstance(item, str) else (f"[when {item.when}] " if item.when else "") + item.text
            lines.append(
                textwrap.fill(
                    " ".join(text.split()),
                    88,
                    initial_indent=indent + "    (x) ",
                    subsequent_indent=indent + "        ",
                )
            )
    return lines


def suggestions(typed: str, ids: list[str], n: int = 3) -> list[str]:
    """The ids a user who typed ``typed`` probably meant, best first: those that end with it
    as a part (``referral`` -> ``compensation.referral``), then those that contain it, then
    those spelled alike, whole or by their last part."""
    key = typed.strip().lower()
    ends = [i for i in ids if i.endswith("." + key)]
    contains = [i for i in ids if key and key in i and i not in ends]
    last = {i.rsplit(".", 1)[-1]: i for i in reversed(ids)}
    alike = difflib.get_close_matches(key, ids, n=n) + [
        last[m] for m in difflib.get_close_matches(key.rsplit(".", 1)[-1], list(last), n=n)
    ]
    found: list[str] = []
    for i in ends + contains + alike:
        if i not in found:
            found.append(i)
    return found[:n]


def describe(library: Library, clause_id: str) -> str:
    """The clause ``clause_id`` with its condition, text, variants and reviewer note."""
    clause = library.clauses.get(clause_id)
    if clause is None:
        close = suggestions(clause_id, list(library.clauses))
        hint = f"; did you mean {', '.join(close)}?" if close else "; 'p2pdocs clauses' lists them"
        raise UnknownClause(f"no clause '{clause_id}'{hint}")
    spec = clause.spec
    lines = [
        f"{spec.id} {spec.version}: {spec.title}",
        f"file: {clause.path}",
        f"included when: {spec.include_when or 'always'}",
        "note: " + " ".join(spec.note.split()),
        "",
        "text:",
        *_paragraphs(spec.paragraphs, "  "),
    ]
    if spec.variants:
        lines.append(f"variants, chosen by {spec.variants.select}:")
        for name, option in spec.variants.options.items():
            lines.append(f"  {name}:")
            lines += _paragraphs(option.paragraphs, "    ")
        if spec.variants.shared:
            lines.append("  after every variant:")
            lines += _paragraphs(spec.variants.shared, "    ")
    return "\n".join(lines)
