"""Negotiated wording the playbook flags: a deal's agreed text that departs from the clause
library in a clause the playbook watches (one that discusses a field a playbook rule
checks) is a finding for a lawyer to read (W01)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from p2pdocs.compose.fields import clause_of

RULE = "W01"
TITLE = "Negotiated wording in a clause the playbook watches"


@lru_cache(maxsize=1)
def watched_clauses() -> frozenset[str]:
    """The clauses that discuss a field some playbook rule checks."""
    from p2pdocs.playbook.findings import load_rules

    found: set[str] = set()
    for rule in load_rules():
        found.update(clause_of(re.sub(r"\{\{.*?\}\}", "0", rule.spec.field)))
    return frozenset(found)


def wording_findings(deal: Any) -> list[Any]:
    """A W01 finding for each negotiated paragraph of a watched clause in ``deal``."""
    from p2pdocs.playbook.findings import SEVERITIES, Finding

    watched = watched_clauses()
    places = [("agreement", deal.agreement.wording)]
    places += [(f"statements_of_work[{i}]", s.wording) for i, s in enumerate(deal.statements_of_work)]
    out = []
    for where, wordings in places:
        for i, w in enumerate(wordings):
            if w.clause not in watched:
                continue
            who = f", proposed by {w.proposed_by}" if w.proposed_by else ""
            if w.inserted:
                what = f"adds a paragraph after paragraph {w.paragraph}"
            else:
                what = f"{'removes' if not w.text else 'rewords'} paragraph {w.paragraph}"
            message = (
                f"The deal {what} of clause {w.clause}{who}, departing from the "
                "clause library in a clause the playbook watches: a lawyer should review it."
            )
            rank = SEVERITIES.index("medium")
            out.append(Finding(rank, RULE, f"{where}.wording[{i}]", "medium", TITLE, message, "-"))
    return out
