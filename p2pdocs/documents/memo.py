"""The review memo beside each deal's documents: key terms, playbook findings, every clause
used (with version, variant and why) and left out (and why), open items, and the documents
with their sha256. Written as review-memo.docx and review-memo.md."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from p2pdocs.compose.context import agreement_context
from p2pdocs.compose.kinds import REVIEW_MEMO
from p2pdocs.compose.textenv import sentence, words
from p2pdocs.compose.view import DealView
from p2pdocs.deal.terms import Deal
from p2pdocs.documents.document import Document, contents, deal_properties, doc_header, sections_view, table_lines
from p2pdocs.documents.keyterms import cover_rows
from p2pdocs.documents.keyterms import open_items as field_open_items
from p2pdocs.playbook.findings import Finding, deal_findings

MEMO_DOCX = REVIEW_MEMO.filename()
MEMO_MD = MEMO_DOCX.removesuffix(".docx") + ".md"


class UsedClause(NamedTuple):
    """A clause in the documents: where, which version, which variant (in words, or "-"), why."""

    document: str
    section: str
    clause_id: str
    version: str
    variant: str
    why: str


class LeftOutClause(NamedTuple):
    """A clause of the library that is not in a document, and why."""

    document: str
    clause_id: str
    version: str
    why: str


@dataclass(frozen=True)
class Memo:
    view: DealView
    findings: list[Finding]
    used: list[UsedClause]
    left_out: list[LeftOutClause]
    open_items: list[str]
    files: list[list[str]]  # file, sha256
    cover: list[list[str]]  # the key terms, label then value (as the agreement's cover shows them)

    @property
    def deal(self) -> Deal:
        return self.view.deal


def open_items(view: DealView, context: dict[str, Any] | None = None) -> list[str]:
    """Optional terms the deal does not give, each a question for the reviewer; ``context``
    is the deal's agreement context when the caller has it."""
    items = field_open_items(agreement_context(view) if context is None else context, view.deal)
    for sow in view.deal.statements_of_work:
        for m in sow.milestones:
            if m.due is None and m.on_acceptance_of is None:
                items.append(
                    f"SoW {sow.id}: milestone '{m.name}' names no deliverable or date; it falls due at the SoW's end."
                )
    return items


def build(
    view: DealView, documents: list[Document], hashes: list[tuple[str, str]], findings: list[Finding] | None = None
) -> Memo:
    """The memo of the deal ``view`` shows, about ``documents`` (with their sha256 ``hashes``)."""
    used: list[UsedClause] = []
    left: list[LeftOutClause] = []
    for doc in documents:
        for d in doc.composition.decisions:
            if d.included:
                variant = words(d.variant) if d.variant else "-"
                used.append(UsedClause(doc.filename, d.section or "-", d.clause_id, d.version, variant, d.reason))
            else:
                left.append(LeftOutClause(doc.filename, d.clause_id, d.version, d.reason))
    findings = deal_findings(view.deal) if findings is None else findings
    context = agreement_context(view)
    files = [[f, h] for f, h in hashes]
    return Memo(view, findings, used, left, open_items(view, context), files, cover_rows(context))


def markdown(memo: Memo) -> str:
    a = memo.view.agreement
    out = [
        f"# Review memo: {escape_md(a.title)} {escape_md(a.id)}",
        "",
        f"Parties: {escape_md(memo.view.parties)}. Status: {escape_md(a.status)}.",
        "",
        "## Key terms",
        "",
        "| Term | Value |",
        "|---|---|",
    ]
    out += [f"| {escape_md(k)} | {escape_md(v)} |" for k, v in memo.cover]
    out += ["", "## Playbook findings", ""]
    if memo.findings:
        out += ["| Rule | Severity | Finding | Source | Field |", "|---|---|---|---|---|"]
        out += [
            "| "
            + " | ".join([*map(escape_md, (f.rule, f.severity, f.message)), f"article {escape_md(f.source)}"])
            + f" | {_code(f.field)} |"
            for f in memo.findings
        ]
    else:
        out.append("None: the deal follows the playbook.")
    out += [
        "",
        "## Clauses used",
        "",
        "| Document | Section | Clause | Version | Variant | Why |",
        "|---|---|---|---|---|---|",
    ]
    out += ["| " + " | ".join(escape_md(c) for c in row) + " |" for row in memo.used]
    out += ["", "## Clauses left out", "", "| Document | Clause | Version | Why |", "|---|---|---|---|"]
    out += ["| " + " | ".join(escape_md(c) for c in row) + " |" for row in memo.left_out]
    out += ["", "## Open items", ""] + ([f"- {escape_md(i)}" for i in memo.open_items] or ["None."])
    out += ["", "## Documents", "", "| File | sha256 |", "|---|---|"]
    out += [f"| {escape_md(f)} | {_code(h)} |" for f, h in memo.files]
    return "\n".join(out) + "\n"


#: what Markdown (CommonMark and GitHub's tables) would read as markup or HTML: backslash,
#: code, emphasis, links and images, tags and entities, headings, strikethrough, cell breaks
_MARKUP = re.compile(r"[\\`*\[\]<>&#~|]|(?<![^\W_])_|_(?![^\W_])")
#: at the start of a line: a list item or a quote
_BLOCK = re.compile(r"^(\d+(?=[.)])|)([-+.)])(?= )")
#: a line that holds none of these, and does not start as a list item, needs no escape
_SUSPECT = re.compile(r"[\\`*\[\]<>&#~|_]")


def escape_md(text: object) -> str:
    """``text`` as literal Markdown text on one line: every character that would be read as
    markup is escaped, so a value shows as typed and never breaks the memo's tables.
    The one escape for every value the memo shows."""
    line = " ".join(str(text).split())
    if not _SUSPECT.search(line) and not _BLOCK.match(line):  # most values: nothing to escape
        return line
    return _BLOCK.sub(r"\1\\\2", _MARKUP.sub(lambda m: "\\" + m.group(), line))


def _code(text: str) -> str:
    """``text`` as a code span in a table cell (a field path, a hash)."""
    ticks = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    span = f"{ticks} {text} {ticks}" if "`" in text else f"`{text}`"
    return span.replace("|", "\\|")


def memo_document(memo: Memo) -> Document:
    """The memo as a Word document for the review-memo template."""
    from p2pdocs.compose.assemble import Composition, Para, Section

    view = memo.view
    a = view.agreement

    def section(number: int, title: str, intro: str, table: str | None, items: list[str] | None = None) -> Section:
        paras = [Para("text", "", intro)]
        if table:
            paras.append(Para("table", "", "", table))
        paras += [Para("item", f"({i + 1})", text) for i, text in enumerate(items or [])]
        return Section(str(number), title, f"memo.{table or 'items'}", "1.0.0", "", paras)

    findings_intro = (
        f"{len(memo.findings)} departure{'s' if len(memo.findings) != 1 else ''} from the partnering "
        "playbook, most severe first."
        if memo.findings
        else "None: the deal follows the playbook."
    )
    sections = [
        section(1, "Playbook findings", findings_intro, "findings" if memo.findings else None),
        section(
            2, "Clauses used", "Every clause in the documents, with its version, variant and why it is in.", "used"
        ),
        section(
            3, "Clauses left out", "Every clause of the library that is not in the documents, and why.", "left_out"
        ),
        section(
            4,
            "Open items",
            "Optional terms the deal does not give." if memo.open_items else "None.",
            None,
            memo.open_items,
        ),
        section(5, "Documents", "The documents this memo reviews, as generated.", "files"),
    ]
    tables: dict[str, dict[str, list[Any]]] = {
        "findings": {
            "header": ["Rule", "Severity", "Finding", "Source"],
            "rows": [
                [f.rule, sentence(f.severity), f.message, f"Article {f.source}; {f.field}"] for f in memo.findings
            ],
        },
        "used": {
            "header": ["Document", "Section", "Clause", "Why"],
            "rows": [
                [
                    u.document,
                    u.section,
                    f"{u.clause_id} {u.version}" + (f" ({u.variant})" if u.variant != "-" else ""),
                    u.why,
                ]
                for u in memo.used
            ],
        },
        "left_out": {
            "header": ["Document", "Clause", "Why"],
            "rows": [[c.document, f"{c.clause_id} {c.version}", c.why] for c in memo.left_out],
        },
        "files": {"header": ["File", "sha256"], "rows": memo.files},
    }
    context: dict[str, Any] = {
        "doc": doc_header(view, "Review memo", f"for the {view.reference} and its statements of work"),
        "cover": memo.cover,
        "sections": sections_view(Composition(REVIEW_MEMO, sections, [])),
        "contents": contents(Composition(REVIEW_MEMO, sections, [])),
        "tables": {k: table_lines(v) for k, v in tables.items()},
        "signatures": [],
    }
    properties = deal_properties(view, REVIEW_MEMO.title(a, None), f"Review of {view.reference}")
    return Document(MEMO_DOCX, REVIEW_MEMO.template, Composition(REVIEW_MEMO, sections, []), context, properties)
