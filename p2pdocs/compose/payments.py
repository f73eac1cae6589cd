"""How money terms read whatever the deal: late-payment interest under the governing law,
the reference rate of the currency, and the per-party split of a SoW's fixed price."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from p2pdocs.compose.textenv import money, percent
from p2pdocs.deal.rules import working_parties
from p2pdocs.deal.terms import Agreement, StatementOfWork

#: laws whose statute gives interest on late commercial payments, and the statute
_UK_ACT = "the Late Payment of Commercial Debts (Interest) Act 1998"
_UK = frozenset({"england and wales", "england", "wales", "scotland", "northern ireland", "united kingdom"})
_EU = frozenset(
    [
        "austria",
        "belgium",
        "bulgaria",
        "croatia",
        "cyprus",
        "czechia",
        "czech republic",
        "denmark",
        "estonia",
        "finland",
        "france",
        "germany",
        "greece",
        "hungary",
        "ireland",
        "italy",
        "latvia",
        "lithuania",
        "luxembourg",
        "malta",
        "netherlands",
        "the netherlands",
        "poland",
        "portugal",
        "romania",
        "slovakia",
        "slovenia",
        "spain",
        "sweden",
    ]
)
_RATES = {
    "EUR": "the main refinancing rate of the European Central Bank",
    "GBP": "the base rate of the Bank of England",
    "USD": "the upper limit of the federal funds target range of the US Federal Reserve",
    "CHF": "the policy rate of the Swiss National Bank",
}
#: the contractual rate where neither the deal nor the governing law sets one (conv.)
DEFAULT_LATE_INTEREST = Decimal(4)


def _law(governing_law: str) -> str:
    law = " ".join(governing_law.casefold().split())
    for prefix in ("the laws of ", "the law of ", "laws of ", "law of "):
        law = law.removeprefix(prefix)
    return law


def reference_rate(currency: str) -> str:
    return _RATES.get(currency, f"the main policy rate of the central bank that issues {currency}")


def late_interest(a: Agreement) -> str:
    """What a late payment carries, as the words after "carries": statutory where the
    governing law sets a rate for commercial debts and the deal gives none."""
    law, given = _law(a.governing_law), a.payment.late_interest_percent
    rate = reference_rate(a.currency)
    if given is not None:
        text = f"simple interest at {percent(given)} a year above {rate}, from the due date until payment"
        return text + (f", which the Parties agree is a substantial remedy under {_UK_ACT}" if law in _UK else "")
    if law in _UK:
        return f"interest and compensation under {_UK_ACT}, from the due date until payment"
    if law in _EU:
        return (
            f"interest at the statutory rate for late payment in commercial transactions under the law of "
            f"{a.governing_law}, from the due date until payment, and the fixed compensation for recovery costs "
            "that law provides"
        )
    return f"simple interest at {percent(DEFAULT_LATE_INTEREST)} a year above {rate}, from the due date until payment"


def cross_border(a: Agreement) -> bool:
    """Whether the parties are incorporated in more than one country."""
    return len({" ".join(p.jurisdiction.casefold().split()) for p in a.parties.values()}) > 1


def projects_margin(a: Agreement, sow: StatementOfWork) -> Decimal | None:
    """The Margin the SoW's prime keeps as Seller on projects in the SoW's Contract Year."""
    rows = [m for m in a.margins if m.seller == sow.prime and m.revenue_type == "projects"]
    return rows[0].at_year(sow.contract_year) if rows else None


def party_fee_rows(a: Agreement, sow: StatementOfWork, name: Callable[[str], str]) -> list[list[str]]:
    """Who invoices whom, how much, for a fixed price split between the working parties:
    the Prime Partner invoices the Customer the whole price; each other party invoices the
    Prime Partner its part less the Prime Partner's Margin on projects. ``name`` gives a
    party's short name (the deal's view)."""
    fees, prime = sow.fees, name(sow.prime)
    if fees.amount is None or not fees.by_party:
        return []
    margin = projects_margin(a, sow) or Decimal(0)
    rows = []
    for key in dict.fromkeys([sow.prime, *fees.by_party, *working_parties(sow)]):
        part = fees.by_party.get(key, Decimal(0))
        if key == sow.prime:
            rows.append([prime, money(part, a.currency), "The Customer", money(fees.amount, a.currency)])
            continue
        kept = (part * margin / 100).quantize(Decimal("0.01"))
        net = money(part - kept, a.currency)
        after = f"{net} (its part less {prime}'s Margin of {percent(margin)})" if margin else f"{net} (no Margin)"
        rows.append([name(key), money(part, a.currency), prime, after])
    rows.append(["Total", money(fees.amount, a.currency), "", ""])
    return rows
