"""What clause text can refer to: the deal's terms and helpers that phrase them.

The helpers keep directions right whichever party is which: clause text says
``name(a.prime_partner)``, never a fixed party.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from p2pdocs.compose.payments import cross_border, late_interest, party_fee_rows, projects_margin
from p2pdocs.compose.textenv import HELPERS, join_and, money
from p2pdocs.deal.dates import long_date
from p2pdocs.deal.rules import contract_year_start, go_live, health_check, term_end, working_parties
from p2pdocs.deal.terms import Agreement, Deal, Stake, StatementOfWork, party_name
from p2pdocs.deal.values import RelationshipModel
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


def ordered_models(a: Agreement) -> list[str]:
    """The relationship models in the format's order, whatever order the deal lists them in."""
    order = list(typing.get_args(RelationshipModel))
    return sorted(set(a.models), key=order.index)


def money_flows(a: Agreement, sows: Sequence[StatementOfWork] = ()) -> bool:
    """Whether any amount is payable between the parties under the agreement (or its SoWs,
    where several parties share a SoW's fees)."""
    support = a.support_services
    return bool(
        a.margins
        or ("referral" in a.models and a.referral)
        or (support and support.in_scope and support.compensation_percent)
        or any(len(working_parties(sow)) > 1 for sow in sows)
    )


def agreement_context(deal: Deal) -> dict[str, Any]:
    """The names clause text of an agreement may use (besides ``ref`` and ``has``)."""
    a = deal.agreement

    def name(key: str) -> str:
        return party_name(a, key)

    def manager(key: str) -> str:
        pm = a.parties[key].partner_manager
        if pm is None:
            return "the person it names in writing to the other Parties"
        return f"{pm.name} ({pm.email})"

    return {
        **HELPERS,
        "a": a,
        "sows": deal.statements_of_work,
        "party_keys": list(a.parties),
        "models": ordered_models(a),
        "prime": name(a.prime_partner),
        "money_flows": money_flows(a, deal.statements_of_work),
        "term_end": term_end(a),
        "health_check": health_check(a),
        "plan_title": f"the Partnership Plan dated {long_date(a.effective_date)}" if a.plan else "",
        "party_list": join_and(p.legal_name for p in a.parties.values()),
        "name": name,
        "legal": lambda key: a.parties[key].legal_name,
        "article": lambda key: _ARTICLE[a.parties[key].type],
        "manager": manager,
        "stake_right": lambda stake: _STAKE_RIGHT[stake.exclusivity] if isinstance(stake, Stake) else "",
        "money": lambda value: money(value, a.currency),
        "late_interest": late_interest(a),
        "cross_border": cross_border(a),
        "support_row": any(m.revenue_type == "support" for m in a.margins),
        "resale_offer": [{"party": name(k), "products": join_and(v)} for k, v in a.resale.products.items() if v],
    }


def sow_margins(a: Agreement, sow: StatementOfWork) -> list[tuple[str, int, Decimal]]:
    """The margins the SoW's prime keeps as seller: (revenue type, contract year, margin)."""
    return [
        (m.revenue_type, sow.contract_year, m.at_year(sow.contract_year)) for m in a.margins if m.seller == sow.prime
    ]


def sow_context(deal: Deal, sow: StatementOfWork, agreement_numbers: Mapping[str, str]) -> dict[str, Any]:
    """The names clause text of a statement of work may use.

    ``agreement_numbers`` maps the agreement's clause ids to their section numbers, so a
    SoW can cite "Section 6 of the Agreement" exactly as the agreement numbers it.
    """
    context = agreement_context(deal)
    a = deal.agreement

    def agreement_ref(clause_id: str) -> str:
        number = agreement_numbers.get(clause_id)
        if number is None:
            raise TemplateError(f"a SoW clause cites '{clause_id}', which is not in the agreement")
        return f"Section {number}"

    context.update(
        sow=sow,
        prime=party_name(a, sow.prime),
        lead=party_name(a, sow.customer_lead or sow.prime),
        sow_margins=sow_margins(a, sow),
        agreement_ref=agreement_ref,
        has_agreement=agreement_numbers.__contains__,
        go_live=go_live(sow),
        contract_year_start=contract_year_start(sow),
        working=[party_name(a, k) for k in working_parties(sow)],
        party_fees=bool(party_fee_rows(a, sow)),
        projects_margin=projects_margin(a, sow),
    )
    return context
