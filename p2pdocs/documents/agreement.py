"""The partnering agreement of a deal: its composition, key terms, margin table and
signature blocks."""

from __future__ import annotations

from typing import Any

from p2pdocs.compose.assemble import compose
from p2pdocs.compose.context import agreement_context
from p2pdocs.compose.kinds import AGREEMENT
from p2pdocs.compose.library import Library
from p2pdocs.compose.marks import mark
from p2pdocs.compose.textenv import percent, sentence, words
from p2pdocs.compose.view import DealView
from p2pdocs.documents.document import (
    Document,
    contents,
    deal_properties,
    doc_header,
    sections_view,
    signature_blocks,
    table_lines,
)
from p2pdocs.documents.keyterms import cover_rows


def margin_table(view: DealView, *, marks: bool = False) -> dict[str, list[Any]]:
    """Revenue type x contract year; the last column reads "Year N and later". With
    ``marks``, each figure is marked with its field (for Word)."""
    margins = view.agreement.margins
    years = max(len(m.by_year) for m in margins)
    header = ["Revenue type", "Seller"]
    if years == 1:
        header.append("Every year")
    else:
        header += [f"Year {y}" for y in range(1, years)] + [f"Year {years} and later"]
    rows = []
    for i, m in enumerate(margins):
        figures = list(m.by_year) + [m.by_year[-1]] * (years - len(m.by_year))
        cells = [percent(f) for f in figures]
        if marks:
            last = len(m.by_year) - 1
            cells = [mark(f"agreement.margins[{i}].by_year[{min(j, last)}]", c) for j, c in enumerate(cells)]
        rows.append([sentence(words(m.revenue_type)), view.name(m.seller), *cells])
    return {"header": header, "rows": rows}


def agreement_document(view: DealView, library: Library) -> Document:
    """The partnering agreement of the deal."""
    a = view.agreement
    terms = agreement_context(view, marks=True)
    composition = compose(library, AGREEMENT, terms, a.wording)
    context: dict[str, Any] = {
        "doc": doc_header(view, a.title, f"between {view.parties}"),
        "cover": cover_rows(terms),
        "sections": sections_view(composition),
        "contents": contents(composition),
        "tables": {"margins": table_lines(margin_table(view, marks=True)) if a.margins else {"header": [], "rows": []}},
        "signatures": signature_blocks(view),
    }
    properties = deal_properties(view, AGREEMENT.title(view.agreement, None), f"{a.title} between {view.parties}")
    return Document(AGREEMENT.filename(), AGREEMENT.template, composition, context, properties)
