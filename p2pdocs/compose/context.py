"""What clause text can refer to: the deal's terms and helpers that phrase them.

The helpers keep directions right whichever party is which: clause text says
``name(a.prime_partner)``, never a fixed party.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from p2pdocs.compose.textenv import HELPERS, join_and, money, place
from p2pdocs.deal.dates import long_date
from p2pdocs.deal.rules import dispute_process, health_check, term_end
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


def money_flows(a: Agreement) -> bool:
    """Whether any amount is payable between the parties under the agreement."""
    support = a.support_services
    return bool(
        a.margins
        or ("referral" in a.models and a.referral)
        or (support and support.in_scope and support.compensation_percent)
    )


#: The fixed floor of the liability cap when the deal gives none, in currencies where a round
#: figure reads naturally; in any other currency the floor is the equivalent of EUR 250,000.
_CAP_FLOOR = {"EUR": Decimal(250_000), "USD": Decimal(250_000), "CHF": Decimal(250_000), "GBP": Decimal(200_000)}


def liability_floor(a: Agreement) -> str:
    """The fixed amount the liability cap is never less than, as the clause states it."""
    amount = a.legal.liability_cap_amount
    if amount is None:
        amount = _CAP_FLOOR.get(a.currency)
        if amount is None:
            return (
                f"the amount in {a.currency} equal to {money(250_000, 'EUR')} at the European Central Bank's "
                "reference rate on the date the claim arises"
            )
    return money(amount, a.currency)


def dispute_summary(a: Agreement) -> str:
    """The dispute process the agreement states, in a line (the cover page, the memo):
    ``escalation, then the courts of England and Wales``."""
    d = dispute_process(a)
    courts = place(d.courts or a.governing_law) if d.process == "escalation_courts" else place(a.governing_law)
    return {
        "escalation": f"escalation, then the courts of {courts}",
        "escalation_mediation": f"escalation, then mediation, then the courts of {courts}",
        "escalation_arbitration": f"escalation, then arbitration under {d.arbitration_rules}, "
        f"seated in {place(d.arbitration_seat or '')}",
        "escalation_courts": f"escalation, then the courts of {courts}, with exclusive jurisdiction",
    }[d.process]


def english_law(a: Agreement) -> bool:
    """Whether the law of England and Wales governs (third parties have statutory rights there)."""
    return "england" in a.governing_law.casefold() or "english" in a.governing_law.casefold()


def number_words(a: Agreement) -> dict[str, str]:
    """Phrases that count the parties right: "the other Party" in a two-party agreement,
    "the other Parties" in one of three or more."""
    two = len(a.parties) == 2
    return {
        "other_party": "the other Party" if two else "the other Parties",
        "other_partys": "the other Party's" if two else "the other Parties'",
        "either_party": "either Party" if two else "any Party",
        "neither_party": "neither Party" if two else "no Party",
    }


def introducers(a: Agreement) -> tuple[list[str], list[str]]:
    """When selling runs one way: the parties that introduce Opportunities, and those they
    introduce them to (by default the others introduce to the Prime Partner)."""
    engagement = a.engagement
    source = engagement.introduced_by if engagement and engagement.introduced_by else None
    if source is None:
        return [k for k in a.parties if k != a.prime_partner], [a.prime_partner]
    return [source], [k for k in a.parties if k != source]


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

    sources, targets = introducers(a)
    return {
        **HELPERS,
        "a": a,
        "sows": deal.statements_of_work,
        "party_keys": list(a.parties),
        "models": ordered_models(a),
        "prime": name(a.prime_partner),
        "money_flows": money_flows(a),
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
        "named_sponsors": join_and(
            f"{p.sponsor.name} ({p.sponsor.title}) for {name(k)}" for k, p in a.parties.items() if p.sponsor
        ),
        "unnamed_sponsors": [name(k) for k, p in a.parties.items() if p.sponsor is None],
        "disputes": dispute_process(a),
        "dispute_summary": dispute_summary(a),
        "liability_floor": liability_floor(a),
        "english_law": english_law(a),
        "countries_differ": len({p.jurisdiction.casefold() for p in a.parties.values()}) > 1,
        "two_parties": len(a.parties) == 2,
        "introducers": [name(k) for k in sources],
        "introduced_to": [name(k) for k in targets],
        **number_words(a),
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
    )
    return context
