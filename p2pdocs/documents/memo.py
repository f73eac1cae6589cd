"""The review memo beside each deal's documents: key terms, playbook findings, every clause
used (with version, variant and why) and left out (and why), open items, and the documents
with their sha256. Written as review-memo.docx and review-memo.md."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from p2pdocs.compose.textenv import join_and, sentence, words
from p2pdocs.deal.terms import Deal, party_name
from p2pdocs.documents.builders import Document, _lines, cover_terms, deal_properties, sections_view
from p2pdocs.playbook.findings import Finding, deal_findings

MEMO_DOCX, MEMO_MD = "review-memo.docx", "review-memo.md"


@dataclass(frozen=True)
class Memo:
    deal: Deal
    findings: list[Finding]
    used: list[list[str]]  # document, section, clause id, version, variant, why
    left_out: list[list[str]]  # document, clause id, version, why
    open_items: list[str]
    files: list[list[str]]  # file, sha256


def open_items(deal: Deal) -> list[str]:
    """Optional terms the deal does not give, each a question for the reviewer."""
    a = deal.agreement
    items = []
    optional = {
        "engagement": "rules of engagement (deal registration, protection window)",
        "visibility": "visibility to the customer",
        "enablement": "joint readiness and certification",
        "governance": "governance cadence",
        "disputes": "dispute process (the courts of the governing law decide)",
        "plan": "partnership plan",
    }
    for key, label in optional.items():
        if getattr(a, key) is None:
            items.append(f"No {label} is given.")
    if not a.margins:
        items.append("No margin schedule is given.")
    if "referral" in a.models and a.referral is None:
        items.append("Referral is a model but no referral fee is given.")
    if a.support_services and a.support_services.in_scope and a.support_services.compensation_percent is None:
        items.append("Support is in scope but its compensation is not given.")
    for key, party in a.parties.items():
        for field, label in (
            ("sponsor", "executive sponsor"),
            ("partner_manager", "partner manager"),
            ("company_number", "company number"),
        ):
            if getattr(party, field) is None:
                items.append(f"{party_name(a, key)}: no {label} is given.")
    if a.term.convenience_notice_days is None:
        items.append("No exit without fault (convenience notice) is given.")
    if a.term.dormancy_months is None:
        items.append("No dormancy rule is given.")
    if a.governance and not a.governance.workspace:
        items.append("No shared workspace is named.")
    for sow in deal.statements_of_work:
        if sow.customer_contract is None or not sow.customer_contract.reference:
            items.append(f"SoW {sow.id}: no customer contract reference is given.")
        if not sow.staffing:
            items.append(f"SoW {sow.id}: no staffing is given.")
        if not sow.assumptions:
            items.append(f"SoW {sow.id}: no assumptions are recorded.")
        for m in sow.milestones:
            if m.due is None and m.on_acceptance_of is None:
                items.append(
                    f"SoW {sow.id}: milestone '{m.name}' names no deliverable or date; it falls due at the SoW's end."
                )
    return items


def build(
    deal: Deal, documents: list[Document], hashes: list[tuple[str, str]], findings: list[Finding] | None = None
) -> Memo:
    used, left = [], []
    for doc in documents:
        for d in doc.composition.decisions:
            if d.included:
                used.append(
                    [
                        doc.filename,
                        d.section or "-",
                        d.clause_id,
                        d.version,
                        words(d.variant) if d.variant else "-",
                        d.reason,
                    ]
                )
            else:
                left.append([doc.filename, d.clause_id, d.version, d.reason])
    findings = deal_findings(deal) if findings is None else findings
    return Memo(deal, findings, used, left, open_items(deal), [[f, h] for f, h in hashes])


def markdown(memo: Memo) -> str:
    a = memo.deal.agreement
    out = [
        f"# Review memo: {escape_md(a.title)} {escape_md(a.id)}",
        "",
        f"Parties: {escape_md(join_and(p.legal_name for p in a.parties.values()))}. Status: {escape_md(a.status)}.",
        "",
        "## Key terms",
        "",
        "| Term | Value |",
        "|---|---|",
    ]
    out += [f"| {escape_md(k)} | {escape_md(v)} |" for k, v in cover_terms(memo.deal)]
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


def escape_md(text: object) -> str:
    """``text`` as literal Markdown text on one line: every character that would be read as
    markup is escaped, so a value shows as typed and never breaks the memo's tables.
    The one escape for every value the memo shows."""
    line = " ".join(str(text).split())
    return _BLOCK.sub(r"\1\\\2", _MARKUP.sub(lambda m: "\\" + m.group(), line))


def _code(text: str) -> str:
    """``text`` as a code span in a table cell (a field path, a hash)."""
    ticks = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    span = f"{ticks} {text} {ticks}" if "`" in text else f"`{text}`"
    return span.replace("|", "\\|")


def memo_document(memo: Memo) -> Document:
    """The memo as a Word document for the review-memo template."""
    from p2pdocs.compose.assemble import Composition, Para, Section

    a = memo.deal.agreement

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
            "rows": [[r[0], r[1], f"{r[2]} {r[3]}" + (f" ({r[4]})" if r[4] != "-" else ""), r[5]] for r in memo.used],
        },
        "left_out": {
            "header": ["Document", "Clause", "Why"],
            "rows": [[r[0], f"{r[1]} {r[2]}", r[3]] for r in memo.left_out],
        },
        "files": {"header": ["File", "sha256"], "rows": memo.files},
    }
    context: dict[str, Any] = {
        "doc": {
            "id": a.id,
            "title": "Review memo",
            "draft": a.status == "draft",
            "subtitle": f"for the {a.title} {a.id} and its statements of work",
        },
        "cover": cover_terms(memo.deal),
        "sections": sections_view(Composition("agreement", sections, [])),
        "tables": {k: _lines(v) for k, v in tables.items()},
        "signatures": [],
    }
    properties = deal_properties(a, f"Review memo {a.id}", f"Review of {a.title} {a.id}")
    return Document(MEMO_DOCX, "review-memo.docx", Composition("agreement", sections, []), context, properties)
