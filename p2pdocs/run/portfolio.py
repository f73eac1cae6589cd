"""The portfolio of a programme: one row per agreement with its parties, economics, the
dates operations must not miss (from :mod:`p2pdocs.deal.rules`, the same rules the
documents use), its status and findings, and with a run's manifest the documents and their
sha256; written as a workbook with filters and a frozen header."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from p2pdocs.deal.cells import plain
from p2pdocs.deal.columns import letter
from p2pdocs.deal.inputs import Entry
from p2pdocs.deal.rules import dormancy_check, health_check, nonrenewal_deadline, term_end
from p2pdocs.deal.terms import Agreement, party_name
from p2pdocs.errors import InvalidInput, ManifestUnusable, Problem
from p2pdocs.playbook.findings import SEVERITIES, deal_findings

COLUMNS = [
    "Agreement",
    "Parties",
    "Prime partner",
    "Models",
    "Margins",
    "Effective date",
    "Initial term ends",
    "Renewal",
    "Non-renewal notice by",
    "Convenience notice",
    "Dormancy check",
    "Stake reviews",
    "First health check",
    "Status",
    *(severity.capitalize() for severity in SEVERITIES),
]
DOCUMENT_COLUMNS = ["Generation", "Documents", "SHA-256"]


@dataclass
class Line:
    """One agreement of the portfolio."""

    id: str
    source: str
    cells: list[Any]
    #: (kind, date, summary) of each deadline, for the calendar
    deadlines: list[tuple[str, date, str]] = field(default_factory=list)
    documents: list[tuple[str, str]] = field(default_factory=list)
    generation: str = ""


def lines(entries: Iterable[Entry]) -> list[Line]:
    """A line per valid deal; every problem of the invalid ones at once."""
    found: list[Line] = []
    problems: list[Problem] = []
    for entry in entries:
        if entry.deal is None:
            problems += entry.problems
            continue
        findings = deal_findings(entry.deal)
        counts = [sum(1 for f in findings if f.severity == s) for s in SEVERITIES]
        found.append(_line(entry.deal.agreement, f"{entry.file}:{entry.line}", counts))
        entry.deal = None
    if problems:
        raise InvalidInput(problems)
    return found


def _line(a: Agreement, source: str, counts: list[int]) -> Line:
    term = a.term
    name = {key: party_name(a, key) for key in a.parties}
    margins = "; ".join(
        f"{m.revenue_type} {name[m.seller]} " + "/".join(str(plain(p)) for p in m.by_year) + "%" for m in a.margins
    )
    stakes = "; ".join(
        f"{s.type} {s.scope} ({name[s.party]}): {s.review.replace('_', '-') if s.review else 'no review'}"
        for s in a.ownership
    )
    end, check, dormant = term_end(a), health_check(a), dormancy_check(a)
    notice = nonrenewal_deadline(a) if term.auto_renew else None
    cells = [
        a.id,
        "; ".join(name.values()),
        name[a.prime_partner],
        ", ".join(m.replace("_", "-") for m in a.models),
        margins,
        a.effective_date,
        end,
        f"automatic, {term.renewal_months} months at a time" if term.auto_renew else "none",
        notice,
        f"{term.convenience_notice_days} days" if term.convenience_notice_days else "",
        dormant,
        stakes,
        check,
        a.status,
        *counts,
    ]
    deadlines = [("term-end", end, f"{a.id}: the initial term ends")]
    if notice is not None:
        deadlines.append(("nonrenewal-notice", notice, f"{a.id}: last day to give notice of non-renewal"))
    deadlines.append(("health-check", check, f"{a.id}: first health check"))
    if dormant is not None:
        deadlines.append(("dormancy-check", dormant, f"{a.id}: dormancy check ({term.dormancy_months} months)"))
    return Line(a.id, source, cells, deadlines)


def add_manifest(found: list[Line], path: Path) -> None:
    """The documents a run's manifest lists for each agreement, with their sha256."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ManifestUnusable(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ManifestUnusable(f"{path}: not a p2pdocs manifest: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("deals"), list):
        raise ManifestUnusable(f"{path}: not a p2pdocs manifest (no list of deals)")
    if data.get("stale"):
        raise ManifestUnusable(f"{path}: {data['stale']}")
    by_id = {d.get("id"): d for d in data["deals"] if isinstance(d, dict)}
    for line in found:
        deal = by_id.get(line.id)
        if deal is None:
            line.generation = "not in the manifest"
            continue
        line.generation = str(deal.get("status", ""))
        line.documents = [(str(d.get("path", "")), str(d.get("sha256", ""))) for d in deal.get("documents", [])]


def portfolio_xlsx(found: list[Line], documents: bool) -> bytes:
    """The portfolio workbook: filters on every column, the header and ids frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    from p2pdocs.documents.workbook import fixed_bytes, header_row, text_cell

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Portfolio"
    names = [*COLUMNS, *(DOCUMENT_COLUMNS if documents else ()), "Source"]
    header_row(sheet, names, freeze="B2")
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, line in enumerate(found, start=2):
        extra = [line.generation, "\n".join(p for p, _ in line.documents), "\n".join(s for _, s in line.documents)]
        for col, value in enumerate([*line.cells, *(extra if documents else ()), line.source], start=1):
            cell = sheet.cell(row, col)
            if isinstance(value, str):
                text_cell(cell, value)
            else:
                cell.value = value
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = wrap
    last = sheet.cell(max(1, len(found) + 1), len(names)).coordinate
    sheet.auto_filter.ref = f"A1:{last}"
    widths = {"Agreement": 26, "Parties": 30, "Margins": 34, "Stake reviews": 34, "Documents": 44, "SHA-256": 66}
    for col, name in enumerate(names, start=1):
        sheet.column_dimensions[letter(col - 1)].width = widths.get(name, max(10, len(name) + 2))
    return fixed_bytes(book, "Partner portfolio", f"{len(found)} agreements")
