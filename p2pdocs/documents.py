"""From a validated deal to the documents it produces, in p2pdocs' own objects.

A :class:`Document` is what will be written: its file name, the composition (clauses,
numbering, reasons) and the values its Word template shows. Nothing here touches XML.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from p2pdocs.assemble import Composition, compose
from p2pdocs.context import agreement_context, ordered_models, sow_context, sow_margins
from p2pdocs.dates import long_date
from p2pdocs.library import Library
from p2pdocs.provenance import PREFIX
from p2pdocs.render import Properties
from p2pdocs.rules import term_end
from p2pdocs.terms import Agreement, Deal, StatementOfWork, party_name
from p2pdocs.textenv import cadence, count, join_and, money, number, percent, sentence, words

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Document:
    """One document to write: where, from which template, with what."""

    filename: str
    template: str
    composition: Composition
    context: dict[str, Any]
    properties: Properties


def sections_view(composition: Composition) -> list[dict[str, Any]]:
    """The numbered sections as plain data for the Word template."""
    return [
        {
            "number": s.number,
            "title": s.title,
            "heading": s.heading,
            "paragraphs": [
                {"kind": p.kind, "number": p.number, "text": p.text, "table": p.table} for p in s.paragraphs
            ],
        }
        for s in composition.sections
    ]


def margin_table(a: Agreement) -> dict[str, list[Any]]:
    """Revenue type x contract year; the last column reads "Year N and later"."""
    years = max(len(m.by_year) for m in a.margins)
    header = ["Revenue type", "Seller"]
    if years == 1:
        header.append("Every year")
    else:
        header += [f"Year {y}" for y in range(1, years)] + [f"Year {years} and later"]
    rows = []
    for m in a.margins:
        figures = list(m.by_year) + [m.by_year[-1]] * (years - len(m.by_year))
        rows.append([sentence(words(m.revenue_type)), party_name(a, m.seller), *map(percent, figures)])
    return {"header": header, "rows": rows}


def signature_blocks(a: Agreement) -> list[dict[str, str]]:
    """One signature block per party: legal name, signatory's name and title."""
    return [
        {"legal_name": p.legal_name, "name": p.signatory.name, "title": p.signatory.title} for p in a.parties.values()
    ]


def cover_terms(deal: Deal) -> list[list[str]]:
    """The key terms shown on the cover page, label then value."""
    a = deal.agreement
    term = a.term
    rows = [
        ["Agreement", f"{a.title} {a.id}"],
        ["Status", "Draft" if a.status == "draft" else "Final"],
    ]
    for key, party in a.parties.items():
        rows.append([f"Party: {party_name(a, key)}", f"{party.legal_name} ({words(party.type)}), {party.jurisdiction}"])
    renewal = (
        f", renewing for {count(term.renewal_months, 'month')} at a time"
        if term.auto_renew
        else ", no automatic renewal"
    )
    rows += [
        ["Relationship", sentence(join_and(words(m) for m in ordered_models(a)))],
        ["Prime Partner", party_name(a, a.prime_partner)],
        ["Effective date", long_date(a.effective_date)],
        ["Initial term", f"{count(term.initial_months, 'month')}, to {long_date(term_end(a))}{renewal}"],
        ["Governing law", a.governing_law],
        ["Currency", a.currency],
    ]
    for m in a.margins:
        rows.append(
            [
                f"Margin: {words(m.revenue_type)}, sold by {party_name(a, m.seller)}",
                " / ".join(percent(v) for v in m.by_year) + " (last figure for later years)",
            ]
        )
    if "referral" in a.models and a.referral:
        rows.append(
            [
                "Referral fee",
                f"{percent(a.referral.fee_percent)} of the first {count(a.referral.fee_months, 'month')}' Net Revenue",
            ]
        )
    if a.disputes:
        rows.append(["Disputes", sentence(words(a.disputes.process))])
    if a.governance and a.governance.meetings:
        rows.append(["Partner meetings", sentence(cadence(a.governance.meetings))])
    return rows


def agreement_document(deal: Deal, library: Library) -> Document:
    """The partnering agreement of ``deal``."""
    a = deal.agreement
    composition = compose(library, "agreement", agreement_context(deal))
    names = [p.legal_name for p in a.parties.values()]
    context: dict[str, Any] = {
        "doc": {
            "id": a.id,
            "title": a.title,
            "draft": a.status == "draft",
            "subtitle": f"between {join_and(names)}",
        },
        "cover": cover_terms(deal),
        "sections": sections_view(composition),
        "tables": {"margins": _lines(margin_table(a)) if a.margins else {"header": [], "rows": []}},
        "signatures": signature_blocks(a),
    }
    properties = Properties(
        title=f"{a.title} {a.id}",
        subject=f"{a.title} between {join_and(names)}",
        keywords="; ".join(names),
        created=a.effective_date,
        comments=f"Generated by p2pdocs from deal {a.id}",
    )
    return Document("partnering-agreement.docx", "partnering-agreement.docx", composition, context, properties)


def milestone_amounts(amount: Decimal, percents: list[Decimal]) -> list[Decimal]:
    """Each milestone's share of ``amount``, to the cent; the last takes the remainder so
    that the amounts add up to exactly ``amount``."""
    amounts = [(amount * p / 100).quantize(CENT, rounding=ROUND_HALF_UP) for p in percents[:-1]]
    return [*amounts, amount - sum(amounts, Decimal(0))] if percents else []


def _lines(table: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """A table for the template: every body cell a list of lines (each a paragraph)."""
    return {
        "header": table["header"],
        "rows": [[c if isinstance(c, list) else [c] for c in row] for row in table["rows"]],
    }


def sow_tables(deal: Deal, sow: StatementOfWork) -> dict[str, dict[str, list[Any]]]:
    """The tables of a statement of work, by the names its clauses use."""
    a = deal.agreement
    name = functools.partial(party_name, a)
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
                [d.name, long_date(d.due), *([d.description or ""] if described else [])] for d in sow.deliverables
            ],
        },
        "rates": {
            "header": ["Role", "Rate per day"],
            "rows": [[r.role, money(r.rate, a.currency)] for r in fees.rate_card],
        },
        "staffing": {
            "header": ["Role", "Party", "Name", "Allocation"],
            "rows": [
                [
                    s.role,
                    name(s.party),
                    s.name or "To be named",
                    percent(s.allocation_percent) if s.allocation_percent is not None else "As needed",
                ]
                for s in sow.staffing
            ],
        },
        "sow_margins": {
            "header": ["Revenue type", "Seller", "Contract year", "Margin"],
            "rows": [[sentence(words(t)), name(sow.prime), str(y), percent(m)] for t, y, m in sow_margins(a, sow)],
        },
    }
    due = [long_date(m.due) if m.due else "On acceptance" for m in sow.milestones]
    if fees.model == "fixed" and fees.amount is not None:
        amounts = milestone_amounts(fees.amount, [m.percent for m in sow.milestones])
        rows = [
            [m.name, percent(m.percent), money(x, a.currency), d]
            for m, x, d in zip(sow.milestones, amounts, due, strict=True)
        ]
        rows.append(["Total", "100%", money(fees.amount, a.currency), ""])
        tables["milestones"] = {"header": ["Milestone", "Share", "Amount", "Due"], "rows": rows}
    else:
        tables["milestones"] = {
            "header": ["Milestone", "Share", "Due"],
            "rows": [[m.name, percent(m.percent), d] for m, d in zip(sow.milestones, due, strict=True)],
        }
    return {name: _lines(table) for name, table in tables.items()}


def sow_cover(deal: Deal, sow: StatementOfWork) -> list[list[str]]:
    a = deal.agreement
    fees = sow.fees
    price = (
        f"Fixed price, {money(fees.amount, a.currency)}"
        if fees.model == "fixed" and fees.amount is not None
        else f"Time and materials, estimate {number(fees.estimate_days or 0)} days"
    )
    return [
        ["Statement of Work", f"{sow.id}: {sow.title}"],
        ["Under", f"{a.title} {a.id} dated {long_date(a.effective_date)}"],
        ["Status", "Draft" if a.status == "draft" else "Final"],
        ["Customer", sow.customer],
        ["Prime Partner", party_name(a, sow.prime)],
        ["Customer-facing lead", party_name(a, sow.customer_lead or sow.prime)],
        ["Dates", f"{long_date(sow.start)} to {long_date(sow.end)}"],
        ["Contract year", str(sow.contract_year)],
        ["Fees", price],
        ["Invoicing party", party_name(a, sow.prime)],
    ]


def sow_document(deal: Deal, sow: StatementOfWork, library: Library, agreement: Composition) -> Document:
    """The statement of work ``sow`` under ``deal``'s agreement (whose numbering it cites)."""
    a = deal.agreement
    numbers = {d.clause_id: d.section for d in agreement.decisions if d.included and d.section}
    composition = compose(library, "statement_of_work", sow_context(deal, sow, numbers))
    names = [p.legal_name for p in a.parties.values()]
    context: dict[str, Any] = {
        "doc": {
            "id": f"{a.id} / {sow.id}",
            "title": f"Statement of Work {sow.id}",
            "draft": a.status == "draft",
            "subtitle": f"{sow.title}, for {sow.customer}, under {a.title} {a.id}",
        },
        "cover": sow_cover(deal, sow),
        "sections": sections_view(composition),
        "tables": sow_tables(deal, sow),
        "signatures": signature_blocks(a),
    }
    properties = Properties(
        title=f"Statement of Work {sow.id}: {sow.title}",
        subject=f"Statement of Work {sow.id} under {a.title} {a.id}",
        keywords="; ".join([*names, sow.customer]),
        created=a.effective_date,
        comments=f"Generated by p2pdocs from deal {a.id}",
    )
    return Document(f"sow-{sow.id}.docx", "statement-of-work.docx", composition, context, properties)


def plan_tables(deal: Deal) -> dict[str, dict[str, list[Any]]]:
    """The tables of the partnership plan annex."""
    a = deal.agreement
    plan = a.plan
    assert plan is not None
    name = functools.partial(party_name, a)
    tables: dict[str, dict[str, list[Any]]] = {
        "contributions": {
            "header": ["Party", "Contributes"],
            "rows": [[name(k), v] for k, v in plan.contributions.items()],
        },
        "investment": {
            "header": ["Party", "Money", "People", "Assets"],
            "rows": [
                [
                    name(k),
                    money(i.money, a.currency) if i.money is not None else "None",
                    i.people or "None",
                    i.assets or "None",
                ]
                for k, i in plan.investment.items()
            ],
        },
        "risks": {
            "header": ["Risk", "How it is managed", "Owner"],
            "rows": [[r.risk, r.mitigation, name(r.owner)] for r in plan.risks],
        },
        "kpis": {
            "header": ["Indicator", "Target", "Period", "Owner"],
            "rows": [[k.name, k.target, sentence(cadence(k.period)), name(k.owner)] for k in plan.kpis],
        },
    }
    return {key: _lines(table) for key, table in tables.items()}


def plan_document(deal: Deal, library: Library) -> Document:
    """The partnership plan annex (only for a deal whose agreement has a plan)."""
    a = deal.agreement
    assert a.plan is not None
    context_values = agreement_context(deal)
    composition = compose(library, "partnership_plan", context_values)
    names = [p.legal_name for p in a.parties.values()]
    cover = [
        ["Partnership Plan", f"Annex to {a.title} {a.id}"],
        ["Dated", long_date(a.effective_date)],
        ["Parties", join_and(names)],
        ["Status", "Non-binding annex; the Agreement prevails"],
        ["First health check", long_date(context_values["health_check"])],
    ]
    if a.plan.maturity:
        cover.append(["Maturity", sentence(a.plan.maturity)])
    context: dict[str, Any] = {
        "doc": {
            "id": a.id,
            "title": "Partnership Plan",
            "draft": a.status == "draft",
            "subtitle": f"annex to the {a.title} {a.id} between {join_and(names)}",
        },
        "cover": cover,
        "sections": sections_view(composition),
        "tables": plan_tables(deal),
        "signatures": [],
    }
    properties = Properties(
        title=f"Partnership Plan {a.id}",
        subject=f"Partnership plan annexed to {a.title} {a.id}",
        keywords="; ".join(names),
        created=a.effective_date,
        comments=f"Generated by p2pdocs from deal {a.id}",
    )
    return Document("partnership-plan.docx", "partnership-plan.docx", composition, context, properties)


def terms_sha256(deal: Deal) -> str:
    """A hash of the deal's terms as validated (independent of YAML layout and comments)."""
    data = json.dumps(deal.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def documents(deal: Deal, library: Library) -> list[Document]:
    """Every document a deal produces: the agreement, each statement of work, and the
    partnership plan when the deal has one; each carries its provenance."""
    agreement = agreement_document(deal, library)
    sows = [sow_document(deal, sow, library, agreement.composition) for sow in deal.statements_of_work]
    plan = [plan_document(deal, library)] if deal.agreement.plan else []
    terms = terms_sha256(deal)
    return [_with_provenance(doc, deal, terms) for doc in (agreement, *sows, *plan)]


def _with_provenance(doc: Document, deal: Deal, terms: str) -> Document:
    from p2pdocs import __version__

    custom = (
        (f"{PREFIX}version", __version__),
        (f"{PREFIX}deal", deal.agreement.id),
        (f"{PREFIX}document", doc.filename),
        (f"{PREFIX}terms_sha256", terms),
        (f"{PREFIX}clauses", ", ".join(f"{s.clause_id}@{s.version}" for s in doc.composition.sections)),
    )
    return dataclasses.replace(doc, properties=dataclasses.replace(doc.properties, custom=custom))


def template_path(templates: Path, document: Document) -> Path:
    return templates / document.template
