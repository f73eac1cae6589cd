"""Phrases clause text uses that follow from the agreement's terms: the floor of the
liability cap, the dispute process in a line, whether English law governs, words that
count the parties right, and who introduces opportunities to whom when selling runs one
way. Worked out once per document context (:mod:`p2pdocs.compose.context`)."""

from __future__ import annotations

from decimal import Decimal

from p2pdocs.compose.textenv import money, place
from p2pdocs.deal.rules import dispute_process
from p2pdocs.deal.terms import Agreement

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
