"""The partnership plan annex of a deal whose agreement has a plan."""

from __future__ import annotations

from typing import Any

from p2pdocs.compose.assemble import compose
from p2pdocs.compose.context import agreement_context
from p2pdocs.compose.kinds import PARTNERSHIP_PLAN
from p2pdocs.compose.library import Library
from p2pdocs.compose.marks import mark
from p2pdocs.compose.textenv import cadence, sentence
from p2pdocs.compose.view import DealView
from p2pdocs.deal.dates import long_date
from p2pdocs.documents.document import Document, contents, deal_properties, doc_header, sections_view, table_lines

#: a table cell for a value the deal does not give (never "None", which reads as "nothing")
NOT_STATED = "Not stated"


def plan_tables(view: DealView, *, marks: bool = False) -> dict[str, dict[str, list[Any]]]:
    """The tables of the partnership plan annex; with ``marks``, the deal's values marked
    with their fields (for Word)."""
    plan = view.agreement.plan
    assert plan is not None
    name = view.name

    def m(path: str, text: str) -> str:
        return mark(f"agreement.plan.{path}", text) if marks else text

    tables: dict[str, dict[str, list[Any]]] = {
        "contributions": {
            "header": ["Party", "Contributes"],
            "rows": [
                [name(k), [m(f"contributions.{k}[{j}]", item) for j, item in enumerate(v)]]
                for k, v in plan.contributions.items()
            ],
        },
        "investment": {
            "header": ["Party", "Money", "People", "Assets"],
            "rows": [
                [
                    name(k),
                    m(f"investment.{k}.money", view.money(i.money)) if i.money is not None else NOT_STATED,
                    m(f"investment.{k}.people", i.people) if i.people else NOT_STATED,
                    m(f"investment.{k}.assets", i.assets) if i.assets else NOT_STATED,
                ]
                for k, i in plan.investment.items()
            ],
        },
        "risks": {
            "header": ["Risk", "How it is managed", "Owner"],
            "rows": [
                [m(f"risks[{n}].risk", r.risk), m(f"risks[{n}].mitigation", r.mitigation), name(r.owner)]
                for n, r in enumerate(plan.risks)
            ],
        },
        "kpis": {
            "header": ["Indicator", "Target", "Period", "Owner"],
            "rows": [
                [
                    m(f"kpis[{n}].name", k.name),
                    m(f"kpis[{n}].target", k.target),
                    m(f"kpis[{n}].period", sentence(cadence(k.period))),
                    name(k.owner),
                ]
                for n, k in enumerate(plan.kpis)
            ],
        },
    }
    return {key: table_lines(table) for key, table in tables.items()}


def plan_document(view: DealView, library: Library) -> Document:
    """The partnership plan annex (only for a deal whose agreement has a plan)."""
    a = view.agreement
    assert a.plan is not None
    composition = compose(library, PARTNERSHIP_PLAN, agreement_context(view, marks=True))
    check = long_date(view.health_check)  # the deal's date, or six months on from the effective date
    if a.plan.first_health_check:
        check = mark("agreement.plan.first_health_check", check)
    cover = [
        ["Partnership Plan", f"Annex to {view.reference}"],
        ["Dated", view.effective],
        ["Parties", view.parties],
        ["Status", "Non-binding annex; the Agreement prevails"],
        ["First health check", check],
    ]
    if a.plan.maturity:
        cover.append(["Maturity", mark("agreement.plan.maturity", sentence(a.plan.maturity))])
    context: dict[str, Any] = {
        "doc": doc_header(view, "Partnership Plan", f"annex to the {view.reference} between {view.parties}"),
        "cover": cover,
        "sections": sections_view(composition),
        "contents": contents(composition),
        "tables": plan_tables(view, marks=True),
        "signatures": [],
    }
    properties = deal_properties(view, PARTNERSHIP_PLAN.title(a, None), f"Partnership plan annexed to {view.reference}")
    return Document(PARTNERSHIP_PLAN.filename(), PARTNERSHIP_PLAN.template, composition, context, properties)
