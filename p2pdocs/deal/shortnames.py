"""A party's short name: the one rule the agreement, the statements of work, the memo, the
playbook findings, the Word comments and the interview all use.

A party's ``short_name`` in the deal file is its short name. Without one, the short name is
the legal name with its company form ("Ltd", "GmbH", ", Inc."...) removed from the end,
accents and capitals kept: "Café Numérique SAS" is "Café Numérique". A legal name that is
nothing but a company form is kept whole, so a short name is never empty. Only a partial
deal (the interview, before the legal name is given) falls back to the party's key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

#: Company forms removed from the end of a legal name, with the comma or space before them.
#: Matched without regard to case, except the short forms in ``_EXACT_CASE`` (see there).
# fmt: off
COMPANY_FORMS = (
    # English-speaking countries
    "Inc.", "Inc", "Incorporated", "LLC", "L.L.C.", "LLP", "LP", "L.P.", "Ltd", "Ltd.", "Limited",
    "plc", "Corp.", "Corp", "Corporation", "Co.", "Co., Ltd.", "Co., Ltd", "Co. Ltd.", "Co. Ltd",
    "Company Limited", "Pty Ltd", "Pty. Ltd.", "Pty Ltd.", "Pty Limited",
    "Pte Ltd", "Pte. Ltd.", "DAC", "ULC",
    # German-speaking countries, the Netherlands, Belgium
    "GmbH", "gGmbH", "AG", "KG", "KGaA", "GmbH & Co. KG", "GmbH & Co KG", "AG & Co. KG", "UG",
    "UG (haftungsbeschränkt)", "e.K.", "e.V.", "BV", "B.V.", "NV", "N.V.", "BVBA", "SRL", "SE",
    # France, Spain, Italy, Portugal, Latin America
    "SA", "S.A.", "SAS", "S.A.S.", "SASU", "SARL", "S.à r.l.", "S.à.r.l.", "SNC", "SCS", "SL", "S.L.",
    "SLU", "S.L.U.", "S.p.A.", "SpA", "S.r.l.", "Srl", "Lda", "Lda.", "Ltda", "Ltda.",
    "S.A. de C.V.", "SA de CV",
    # Nordic countries
    "Oy", "Oyj", "AB", "AB (publ)", "ApS", "A/S", "AS", "ASA", "hf.", "ehf.",
    # Central and Eastern Europe
    "Sp. z o.o.", "s.r.o.", "a.s.", "Kft.", "Kft", "Zrt.", "Nyrt.", "d.o.o.", "OÜ",
    # Asia
    "KK", "K.K.", "Pvt Ltd", "Pvt. Ltd.", "Private Limited", "Sdn Bhd", "Sdn. Bhd.", "Bhd",
)
# fmt: on
#: Forms of three letters or fewer without a dot are also ordinary words or initials
#: ("AS", "SA", "AG", "SE"): they are removed only as written here or in capitals.
_EXACT_CASE = frozenset(f for f in COMPANY_FORMS if len(f) <= 3 and "." not in f)


def _form_pattern() -> re.Pattern[str]:
    def one(form: str) -> str:
        text = r"\s*".join(re.escape(part) for part in form.split())
        if form in _EXACT_CASE:
            return f"(?-i:{text}|{re.escape(form.upper())})"
        return text

    forms = sorted(set(COMPANY_FORMS), key=len, reverse=True)  # "Pty Ltd" before "Ltd"
    return re.compile(r"(?:\s*,\s*|\s+)(?:" + "|".join(one(f) for f in forms) + r")\s*$", re.IGNORECASE)


_FORM = _form_pattern()
_KEY_WORDS = re.compile(r"[_\-.]+")


def without_company_form(legal_name: str) -> str:
    """``legal_name`` without the company form at its end; the whole name when nothing
    but a company form (or punctuation) would remain."""
    name = " ".join(legal_name.split())
    short = _FORM.sub("", name).rstrip(" ,")
    return short if any(c.isalnum() for c in short) else name


def short_name(key: str, party: Any) -> str:
    """The short name of the party ``key``: its ``short_name``, else its legal name without
    the company form, else (a party not described yet) its key in words.

    ``party`` is a :class:`~p2pdocs.deal.terms.Party` or a party as plain data (a mapping), as the
    playbook and the interview see partial deals; None when nothing is known of it.
    """
    given = _value(party, "short_name")
    if given:
        return given
    legal = _value(party, "legal_name")
    if legal:
        return without_company_form(legal)
    return " ".join(w.capitalize() for w in _KEY_WORDS.split(str(key)) if w) or str(key)


def party_name(agreement: Any, key: Any) -> str:
    """The short name of the party ``key`` of ``agreement``, by the rule of :func:`short_name`:
    what every document, finding, comment and question calls the party.

    ``agreement`` is an :class:`~p2pdocs.deal.terms.Agreement` or an agreement as plain data,
    complete or partial (the playbook, the interview); None when nothing is known of it.
    """
    parties = _field(agreement, "parties")
    party = parties.get(key) if isinstance(parties, Mapping) else None
    return short_name(str(key), party)


class Clash(NamedTuple):
    """A party whose short name an earlier party of the agreement already has."""

    key: str
    name: str
    earlier: str


def clashes(parties: Mapping[str, Any]) -> list[Clash]:
    """Parties whose short name another party already has; names compare without regard
    to case."""
    seen: dict[str, str] = {}
    found = []
    for key, party in parties.items():
        name = short_name(key, party)
        folded = name.casefold()
        if folded in seen:
            found.append(Clash(key, name, seen[folded]))
        else:
            seen[folded] = key
    return found


def _field(data: Any, name: str) -> Any:
    """The field ``name`` of ``data``: a model, plain data, or None."""
    return data.get(name) if isinstance(data, Mapping) else getattr(data, name, None)


def _value(party: Any, field: str) -> str | None:
    value = _field(party, field)
    return value.strip() or None if isinstance(value, str) else None
