"""A statement of work under a deal's agreement: its composition (citing the agreement's
numbering), key terms and tables."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from p2pdocs.compose.assemble import Composition, compose
from p2pdocs.compose.context import sow_context
from p2pdocs.compose.kinds import STATEMENT_OF_WORK
from p2pdocs.compose.library import Library
from p2pdocs.compose.marks import mark
from p2pdocs.compose.payments import party_fee_rows
from p2pdocs.compose.textenv import number, percent, sentence, words
from p2pdocs.compose.view import DealView
from p2pdocs.deal.dates import long_date
from p2pdocs.deal.terms import Milestone, StatementOfWork
from p2pdocs.documents.document import (
    Document,
    contents,
    deal_properties,
    doc_header,
    sections_view,
    signature_blocks,
    table_lines,
)
from p2pdocs.word.provenance import PREFIX

CENT = Decimal("0.01")


def milestone_amounts(amount: Decimal, percents: list[Decimal]) -> list[Decimal]:
    """Each milestone's share of ``amount``, to the cent; the last takes the remainder so
    that the amounts add up to exactly ``amount``."""
    amounts = [(amount * p / 100).quantize(CENT, rounding=ROUND_HALF_UP) for p in percents[:-1]]
    return [*amounts, amount - sum(amounts, Decimal(0))] if percents else []


def milestone_due(sow: StatementOfWork, milestone: Milestone) -> str:
    """When a milestone falls due: on a date, on the acceptance of a named deliverable, or
    (the deal giving neither) at the end of the SoW."""
    if milestone.due is not None:
        return long_date(milestone.due)
    if milestone.on_acceptance_of is not None:
        return f"On acceptance of {milestone.on_acceptance_of}"
    return f"{long_date(sow.end)} (end of this SoW)"


def _marker(view: DealView, sow: StatementOfWork) -> Callable[[str, str], str]:
    """``m(field, text)``: ``text`` marked with the SoW's field ``field`` (for Word)."""
    index = next(i for i, s in enumerate(view.deal.statements_of_work) if s is sow)
    return lambda path, text: mark(f"statements_of_work[{index}].{path}", text)


def _unmarked(path: str, text: str) -> str:
    return text


def sow_tables(view: DealView, sow: StatementOfWork, *, marks: bool = False) -> dict[str, dict[str, list[Any]]]:
    """The tables of a statement of work, by the names its clauses use; with ``marks``,
    the deal's values marked with their fields (for Word)."""
    name, money = view.name, view.money
    m = _marker(view, sow) if marks else _unmarked
    fees = sow.fees
    described = any(d.description for d in sow.deliverables)
    tables: dict[str, dict[str, list[Any]]] = {
        "responsibilities": {
            "header": ["Party", "Responsibilities"],
            "rows": [[name(k), v] for k, v in sow.responsibilities.items()],
        },
        "deliverables": {
            "header": ["Deliverable", "Due", *(["Description"] if described else [])],
            "rows": [
                [
                    m(f"deliverables[{i}].name", d.name),
                    m(f"deliverables[{i}].due", long_date(d.due)),
                    *([m(f"deliverables[{i}].description", d.description or "")] if described else []),
                ]
                for i, d in enumerate(sow.deliverables)
            ],
        },
        "rates": {
            "header": ["Role", "Rate per day"],
            "rows": [
                [m(f"fees.rate_card[{i}].role", r.role), m(f"fees.rate_card[{i}].rate", money(r.rate))]
                for i, r in enumerate(fees.rate_card)
            ],
        },
        "staffing": {
            "header": ["Role", "Party", "Name", "Allocation"],
            "rows": [
                [
                    m(f"staffing[{i}].role", s.role),
                    name(s.party),
                    m(f"staffing[{i}].name", s.name) if s.name else "To be named",
                    m(f"staffing[{i}].allocation_percent", percent(s.allocation_percent))
                    if s.allocation_percent is not None
                    else "As needed",
                ]
                for i, s in enumerate(sow.staffing)
            ],
        },
        "sow_margins": {
            "header": ["Revenue type", "Seller", "Contract year", "Margin"],
            "rows": [[sentence(words(t)), name(sow.prime), str(y), percent(m)] for t, y, m in view.sow_margins(sow)],
        },
    }
    tables["party_fees"] = {
        "header": ["Party", "Part of the fee", "Invoices", "Amount invoiced"],
        "rows": party_fee_rows(view.agreement, sow, view.name),
    }
    due = [milestone_due(sow, milestone) for milestone in sow.milestones]
    if fees.model == "fixed" and fees.amount is not None:
        amounts = milestone_amounts(fees.amount, [m.percent for m in sow.milestones])
        rows = [
            [m(f"milestones[{i}].name", ms.name), m(f"milestones[{i}].percent", percent(ms.percent)), money(x), d]
            for i, (ms, x, d) in enumerate(zip(sow.milestones, amounts, due, strict=True))
        ]
        rows.append(["Total", "100%", money(fees.amount), ""])
        tables["milestones"] = {"header": ["Milestone", "Share", "Amount", "Due"], "rows": rows}
    else:
        tables["milestones"] = {
            "header": ["Milestone", "Share", "Due"],
            "rows": [
                [m(f"milestones[{i}].name", ms.name), m(f"milestones[{i}].percent", percent(ms.percent)), d]
                for i, (ms, d) in enumerate(zip(sow.milestones, due, strict=True))
            ],
        }
    return {key: table_lines(table) for key, table in tables.items()}


def sow_cover(view: DealView, sow: StatementOfWork) -> list[list[str]]:
    """The key terms on a statement of work's cover page."""
    fees = sow.fees
    price = (
        f"Fixed price, {view.money(fees.amount)}"
        if fees.model == "fixed" and fees.amount is not None
        else f"Time and materials, estimate {number(fees.estimate_days or 0)} days"
    )
    return [
        ["Statement of Work", f"{sow.id}: {sow.title}"],
        ["Under", f"{view.reference} dated {view.effective}"],
        ["Status", "Draft" if view.draft else "Final"],
        ["Customer", sow.customer],
        ["Prime Partner", view.name(sow.prime)],
        ["Customer-facing lead", view.name(sow.customer_lead or sow.prime)],
        ["Dates", f"{long_date(sow.start)} to {long_date(sow.end)}"],
        ["Contract year", str(sow.contract_year)],
        ["Fees", price],
        ["Invoicing party", view.name(sow.prime)],
    ]


def sow_document(view: DealView, sow: StatementOfWork, library: Library, agreement: Composition) -> Document:
    """The statement of work ``sow`` under the deal's agreement (whose numbering it cites)."""
    a = view.agreement
    numbers = {d.clause_id: d.section for d in agreement.decisions if d.included and d.section}
    base = sow_context(view, sow, numbers, marks=True)
    cited: dict[str, str] = {}  # references to the agreement: typed, not fields (another file)

    def agreement_ref(clause_id: str) -> str:
        text = str(base["agreement_ref"](clause_id))
        cited[clause_id] = text
        return text

    composition = compose(library, STATEMENT_OF_WORK, {**base, "agreement_ref": agreement_ref}, sow.wording)
    context: dict[str, Any] = {
        "doc": doc_header(
            view,
            f"Statement of Work {sow.id}",
            f"{sow.title}, for {sow.customer}, under {view.reference}",
            f"{a.id} / {sow.id}",
        ),
        "cover": sow_cover(view, sow),
        "sections": sections_view(composition),
        "contents": contents(composition),
        "tables": sow_tables(view, sow, marks=True),
        "signatures": signature_blocks(view),
    }
    properties = deal_properties(
        view,
        STATEMENT_OF_WORK.title(view.agreement, sow),
        f"Statement of Work {sow.id} under {view.reference}",
        (sow.customer,),
    )
    agreement_refs = ", ".join(f"{text} ({clause})" for clause, text in sorted(cited.items()))
    properties = dataclasses.replace(properties, custom=((f"{PREFIX}agreement_references", agreement_refs),))
    return Document(STATEMENT_OF_WORK.filename(sow), STATEMENT_OF_WORK.template, composition, context, properties)
