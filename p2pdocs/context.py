"""What clause text can refer to: the deal's terms and helpers that phrase them.

The helpers keep directions right whichever party is which: clause text says
``name(a.prime_partner)``, never a fixed party.
"""

from __future__ import annotations

from typing import Any

from p2pdocs.dates import add_months
from p2pdocs.rules import term_end
from p2pdocs.terms import Agreement, Deal, Stake, party_name
from p2pdocs.textenv import money

_ARTICLE = {
    "isv": "an independent software vendor",
    "systems_integrator": "a systems integrator",
    "msp": "a managed service provider",
    "csp": "a cloud solution provider",
    "consultancy": "a consultancy",
    "other": "a company",
}
_STAKE_RIGHT = {"exclusive": "an exclusive", "preferred": "a preferred", "non_exclusive": "a non-exclusive"}


def money_flows(a: Agreement) -> bool:
    """Whether any amount is payable between the parties under the agreement."""
    support = a.support_services
    return bool(
        a.margins
        or ("referral" in a.models and a.referral)
        or (support and support.in_scope and support.compensation_percent)
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
        "a": a,
        "sows": deal.statements_of_work,
        "party_keys": list(a.parties),
        "prime": name(a.prime_partner),
        "money_flows": money_flows(a),
        "term_end": term_end(a),
        "health_check": add_months(a.effective_date, 6),
        "name": name,
        "legal": lambda key: a.parties[key].legal_name,
        "article": lambda key: _ARTICLE[a.parties[key].type],
        "manager": manager,
        "stake_right": lambda stake: _STAKE_RIGHT[stake.exclusivity] if isinstance(stake, Stake) else "",
        "money": lambda value: money(value, a.currency),
    }
