"""Rules across fields, applied to an answer as soon as the other answers they need are
known: a SoW's dates against the agreement's, a deliverable's date against the SoW's, the
running total of the milestones. The rules themselves are :mod:`p2pdocs.deal.rules`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from p2pdocs.compose.textenv import percent
from p2pdocs.deal import rules
from p2pdocs.deal.dates import OutOfRange
from p2pdocs.interview.answers import Answers, working_parties
from p2pdocs.interview.questions import Part, get

Check = Callable[[Any], str | None]


def cross_check(state: Answers, parts: list[Part]) -> Check | None:
    """The rule across fields for the answer at ``parts``, or None."""
    effective = get(state.answers, ["agreement", "effective_date"])
    if parts == ["agreement", "plan", "first_health_check"] and isinstance(effective, date):
        return lambda v: rules.health_check_problem(effective, v)
    if len(parts) < 3 or parts[0] != "statements_of_work":
        return None
    sow = get(state.answers, parts[:2]) or {}
    rest = parts[2:]
    start, end = sow.get("start"), sow.get("end")
    agreement = state.agreement()
    if rest == ["start"] and agreement is not None:
        known = agreement
        return _safe(lambda v: rules.sow_start_problem(known, v))
    if rest == ["end"] and isinstance(start, date):
        return _safe(lambda v: rules.sow_end_problem(agreement, start, v))
    if rest[:1] == ["deliverables"] and rest[2:] == ["due"] and isinstance(start, date) and isinstance(end, date):
        return lambda v: rules.due_problem(start, end, v)
    if rest == ["fees", "by_party"]:
        amount = (sow.get("fees") or {}).get("amount")
        working = working_parties(sow)
        price = amount if isinstance(amount, Decimal) else None
        return lambda v: next(iter(rules.fee_split_problems(price, working, v)), None)
    if len(rest) == 3 and rest[0] == "milestones" and rest[2] == "percent":
        others = _other_shares(sow, rest[1])
        return lambda v: rules.milestones_problem([*others, v], complete=False)
    return None


def running_total(state: Answers, parts: list[Part]) -> tuple[str, Decimal | None]:
    """For a milestone's share: the total so far (said in its help) and what remains (its
    default), else ("", None)."""
    if len(parts) != 5 or parts[0] != "statements_of_work" or parts[2:5:2] != ["milestones", "percent"]:
        return "", None
    others = _other_shares(get(state.answers, parts[:2]) or {}, parts[3])
    total = sum(others, start=Decimal(0))
    remains = Decimal(100) - total
    said = f"So far {percent(total)}; {percent(max(remains, Decimal(0)))} remains." if others else ""
    return said, (remains if remains > 0 else None)


def _other_shares(sow: dict[str, Any], index: Part) -> list[Decimal]:
    milestones = sow.get("milestones") or []
    return [
        m["percent"]
        for i, m in enumerate(milestones)
        if i != index and isinstance(m, dict) and isinstance(m.get("percent"), Decimal)
    ]


def _safe(check: Check) -> Check:
    def checked(value: Any) -> str | None:
        try:
            return check(value)
        except OutOfRange:
            return None  # the agreement's own dates are out of the calendar: it says so itself

    return checked


def item_problems(state: Answers, parts: list[Part]) -> list[tuple[list[Part], str]]:
    """The problems of a finished SoW (its fields, then the rules across them), located
    within the SoW."""
    if parts[0] != "statements_of_work" or len(parts) != 2:
        return []
    from p2pdocs.deal.terms import StatementOfWork
    from p2pdocs.deal.validate import field_problems

    raw = state.clean(get(state.answers, parts))
    sow, problems = field_problems(StatementOfWork, raw, {"parties": set(state.parties())})
    if sow is None:
        return [(list(loc), message) for loc, message in problems]
    return [(list(loc), message) for loc, message in rules.sow_problems(state.agreement(), sow)]
