"""The view of a deal the documents read, built once per deal.

Party short names, the legal names, the dates and the phrases every document and clause
uses are worked out here once, from the terms model, so that the builders, the memo, the
register and the clause context read them instead of reaching back into the terms (and
the rules of :mod:`p2pdocs.deal`) for each table cell and each clause.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from p2pdocs.compose.textenv import join_and, money
from p2pdocs.deal.dates import long_date
from p2pdocs.deal.rules import health_check, term_end, working_parties
from p2pdocs.deal.terms import Agreement, Deal, StatementOfWork, party_name
from p2pdocs.deal.values import RelationshipModel


@dataclass(frozen=True)
class DealView:
    """A deal as the documents see it."""

    deal: Deal
    names: dict[str, str]  # party key -> the short name the documents use
    legal_names: list[str]  # in the deal's order
    models: list[str]  # the relationship models in the format's order
    term_end: date
    health_check: date
    effective: str  # the effective date, written out
    money_flows: bool

    @property
    def agreement(self) -> Agreement:
        return self.deal.agreement

    @property
    def reference(self) -> str:
        """The agreement as documents cite it: title and id."""
        return f"{self.agreement.title} {self.agreement.id}"

    @property
    def parties(self) -> str:
        """The parties' legal names, ``A, B and C``."""
        return join_and(self.legal_names)

    @property
    def draft(self) -> bool:
        return self.agreement.status == "draft"

    @property
    def prime(self) -> str:
        return self.names[self.agreement.prime_partner]

    def name(self, key: str) -> str:
        """The short name of the party ``key``."""
        return self.names[key]

    def money(self, value: Decimal | int) -> str:
        """An amount in the agreement's currency."""
        return money(value, self.agreement.currency)

    def sow_margins(self, sow: StatementOfWork) -> list[tuple[str, int, Decimal]]:
        """The margins the SoW's prime keeps as seller: (revenue type, contract year, margin)."""
        year = sow.contract_year
        return [(m.revenue_type, year, m.at_year(year)) for m in self.agreement.margins if m.seller == sow.prime]


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


def deal_view(deal: Deal) -> DealView:
    """The view of ``deal`` (build it once, pass it on)."""
    a = deal.agreement
    return DealView(
        deal=deal,
        names={key: party_name(a, key) for key in a.parties},
        legal_names=[p.legal_name for p in a.parties.values()],
        models=ordered_models(a),
        term_end=term_end(a),
        health_check=health_check(a),
        effective=long_date(a.effective_date),
        money_flows=money_flows(a, deal.statements_of_work),
    )
