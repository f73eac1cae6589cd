"""What clause text can refer to: the deal's terms and helpers that phrase them.

The helpers keep directions right whichever party is which: clause text says
``name(a.prime_partner)``, never a fixed party. Names, dates and phrases come from the
deal's view (:mod:`p2pdocs.compose.view`), worked out once per deal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from p2pdocs.compose.marks import marked_once
from p2pdocs.compose.payments import cross_border, late_interest, party_fee_rows, projects_margin
from p2pdocs.compose.phrases import dispute_summary, english_law, introducers, liability_floor, number_words
from p2pdocs.compose.textenv import HELPERS, join_and
from p2pdocs.compose.view import DealView
from p2pdocs.deal.rules import contract_year_start, dispute_process, go_live, working_parties
from p2pdocs.deal.terms import Stake, StatementOfWork
from p2pdocs.errors import TemplateError

_ARTICLE = {
    "isv": "an independent software vendor",
    "systems_integrator": "a systems integrator",
    "msp": "a managed service provider",
    "csp": "a cloud solution provider",
    "consultancy": "a consultancy",
    "other": "a company",
}
_STAKE_RIGHT = {"exclusive": "an exclusive", "preferred": "a preferred", "non_exclusive": "a non-exclusive"}


def agreement_context(view: DealView, *, marks: bool = False) -> dict[str, Any]:
    """The names clause text of an agreement may use (besides ``ref`` and ``has``); with
    ``marks``, the terms' values write themselves marked with their fields (for Word)."""
    a = view.agreement

    def manager(key: str) -> str:
        pm = a.parties[key].partner_manager
        if pm is None:
            return "the person it names in writing to the other Parties"
        return f"{pm.name} ({pm.email})"

    sources, targets = introducers(a)
    return {
        **HELPERS,
        "a": marked_once(a, "agreement") if marks else a,
        "sows": view.deal.statements_of_work,
        "party_keys": list(a.parties),
        "models": view.models,
        "prime": view.prime,
        "money_flows": view.money_flows,
        "term_end": view.term_end,
        "health_check": view.health_check,
        "plan_title": f"the Partnership Plan dated {view.effective}" if a.plan else "",
        "party_list": view.parties,
        "name": view.name,
        "legal": lambda key: a.parties[key].legal_name,
        "article": lambda key: _ARTICLE[a.parties[key].type],
        "manager": manager,
        "stake_right": lambda stake: _STAKE_RIGHT[stake.exclusivity] if isinstance(stake, Stake) else "",
        "money": view.money,
        "named_sponsors": join_and(
            f"{p.sponsor.name} ({p.sponsor.title}) for {view.name(k)}" for k, p in a.parties.items() if p.sponsor
        ),
        "unnamed_sponsors": [view.name(k) for k, p in a.parties.items() if p.sponsor is None],
        "disputes": dispute_process(a),
        "dispute_summary": dispute_summary(a),
        "liability_floor": liability_floor(a),
        "english_law": english_law(a),
        "countries_differ": len({p.jurisdiction.casefold() for p in a.parties.values()}) > 1,
        "two_parties": len(a.parties) == 2,
        "introducers": [view.name(k) for k in sources],
        "introduced_to": [view.name(k) for k in targets],
        **number_words(a),
        "late_interest": late_interest(a),
        "cross_border": cross_border(a),
        "support_row": any(m.revenue_type == "support" for m in a.margins),
        "resale_offer": [{"party": view.name(k), "products": join_and(v)} for k, v in a.resale.products.items() if v],
    }


def sow_context(
    view: DealView, sow: StatementOfWork, agreement_numbers: Mapping[str, str], *, marks: bool = False
) -> dict[str, Any]:
    """The names clause text of a statement of work may use.

    ``agreement_numbers`` maps the agreement's clause ids to their section numbers, so a
    SoW can cite "Section 6 of the Agreement" exactly as the agreement numbers it.
    """
    context = agreement_context(view, marks=marks)
    index = next((i for i, s in enumerate(view.deal.statements_of_work) if s is sow), None)

    def agreement_ref(clause_id: str) -> str:
        number = agreement_numbers.get(clause_id)
        if number is None:
            raise TemplateError(f"a SoW clause cites '{clause_id}', which is not in the agreement")
        return f"Section {number}"

    context.update(
        sow=marked_once(sow, f"statements_of_work[{index}]") if marks and index is not None else sow,
        prime=view.name(sow.prime),
        lead=view.name(sow.customer_lead or sow.prime),
        sow_margins=view.sow_margins(sow),
        agreement_ref=agreement_ref,
        has_agreement=agreement_numbers.__contains__,
        go_live=go_live(sow),
        contract_year_start=contract_year_start(sow),
        working=[view.name(k) for k in working_parties(sow)],
        party_fees=bool(party_fee_rows(view.agreement, sow, view.name)),
        projects_margin=projects_margin(view.agreement, sow),
    )
    return context
