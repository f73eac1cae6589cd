"""Bundled starting deals for ``p2pdocs new --from-template NAME``: complete deals (each
validates and generates) whose deal-specific answers (the id, the dates, who the parties
are, the statements of work) are left for the interview to ask."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from p2pdocs.deal.writing import load_answers
from p2pdocs.errors import InvalidInput, Problem
from p2pdocs.interview.questions import delete, parse_path

STARTS = Path(__file__).resolve().parent / "starts"
# What every deal gives for itself: asked, never taken from a starting deal.
OWN = ["agreement.id", "agreement.effective_date", "statements_of_work"]
OWN_PER_PARTY = ["legal_name", "short_name", "jurisdiction", "address", "signatory", "sponsor", "partner_manager"]


def starting_deals() -> list[tuple[str, str]]:
    """(name, what it is) of every bundled starting deal, by name."""
    out = []
    for path in sorted(STARTS.glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        out.append((path.stem, first.lstrip("# ").strip()))
    return out


def path_of(name: str) -> Path:
    names = [n for n, _ in starting_deals()]
    if name not in names:
        message = f"no starting deal '{name}'; choose one of: {', '.join(names)} (p2pdocs new --list-templates)"
        raise InvalidInput([Problem("--from-template", 0, "", message)])
    return STARTS / f"{name}.yaml"


def starting_answers(name: str) -> dict[str, Any]:
    """The answers a starting deal gives, without those every deal gives for itself."""
    answers = load_answers(path_of(name))
    for path in OWN:
        delete(answers, parse_path(path))
    for party in answers.get("agreement", {}).get("parties", {}).values():
        for key in OWN_PER_PARTY:
            party.pop(key, None)
    return answers
