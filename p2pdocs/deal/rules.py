"""Rules across fields: what makes a well-formed deal wrong.

Each check yields ``(location, message)``; :mod:`p2pdocs.deal.validate` turns them into
located problems. These are errors (nothing is generated); departures from the
partnering playbook that a user may keep are findings, not errors.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from p2pdocs.deal import shortnames
from p2pdocs.deal.dates import OutOfRange, add_days, add_months, long_date, period_end
from p2pdocs.deal.terms import Agreement, Deliverable, Disputes, StatementOfWork
from p2pdocs.deal.yamlsource import Loc

Found = Iterator[tuple[Loc, str]]

_ZERO = Decimal(0)


def check(agreement: Agreement | None, sows: Sequence[StatementOfWork | None], raw_sows: Sequence[Any]) -> Found:
    """Every cross-field problem of the parts of a deal that validated on their own.

    ``sows`` holds None for a statement of work that did not validate; checks that need
    the agreement run only when it validated.
    """
    if agreement is not None:
        yield from _agreement(agreement)
        yield from _implied_dates(agreement)
    seen: dict[str, tuple[int, str]] = {}
    for i, raw in enumerate(raw_sows):
        sid = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(sid, str):
            first = seen.get(sid.casefold())  # sow-<id>.docx: one file on macOS and Windows
            if first is None:
                seen[sid.casefold()] = (i, sid)
            elif first[1] == sid:
                yield ("statements_of_work", i, "id"), f"duplicate SoW id '{sid}' (also statements_of_work[{first[0]}])"
            else:
                yield (
                    ("statements_of_work", i, "id"),
                    f"SoW id '{sid}' differs only in case from '{first[1]}' (statements_of_work[{first[0]}]); "
                    "their files would be one on macOS and Windows",
                )
    for i, sow in enumerate(sows):
        if sow is not None:
            yield from sow_problems(agreement, sow, ("statements_of_work", i))


def sow_problems(agreement: Agreement | None, sow: StatementOfWork, base: Loc = ()) -> Found:
    """The cross-field problems of one statement of work (its dates, deliverables, milestones
    and fees), and its dates against the agreement's when ``agreement`` is given (and the
    agreement's own dates are in the calendar); locations start with ``base``."""
    yield from _sow(sow, base)
    if agreement is not None and next(_implied_dates(agreement), None) is None:
        yield from _sow_in_term(agreement, sow, base)


def term_end(agreement: Agreement) -> date:
    """The last day of the initial term."""
    return period_end(agreement.effective_date, agreement.term.initial_months)


def health_check(a: Agreement) -> date:
    """The first health check: the plan's date, else six months after the effective date."""
    if a.plan and a.plan.first_health_check:
        return a.plan.first_health_check
    return add_months(a.effective_date, 6)


def nonrenewal_deadline(a: Agreement) -> date:
    """The last day to give notice that the agreement will not renew after its initial term."""
    return add_days(term_end(a), -a.term.nonrenewal_notice_days)


def dormancy_check(a: Agreement) -> date | None:
    """The first day the dormancy right can apply: the dormancy period after the effective date."""
    months = a.term.dormancy_months
    return add_months(a.effective_date, months) if months is not None else None


#: The dispute process of a deal that gives none: escalation, then the courts of the governing law.
DEFAULT_DISPUTES = Disputes(process="escalation_courts")


def dispute_process(a: Agreement) -> Disputes:
    """The dispute process the documents state: the deal's, else :data:`DEFAULT_DISPUTES`."""
    return a.disputes or DEFAULT_DISPUTES


def _implied_dates(a: Agreement) -> Found:
    """Every date the documents compute from the deal must be in the calendar: a deal
    that is valid here never fails later, when a document is written."""
    term = a.term
    checks: list[tuple[Loc, str, Any]] = [
        (("agreement", "effective_date"), "the first health check", lambda: health_check(a)),
        (("agreement", "term", "initial_months"), "the end of the initial term", lambda: term_end(a)),
        (
            ("agreement", "term", "nonrenewal_notice_days"),
            "the last day to give notice of non-renewal",
            lambda: nonrenewal_deadline(a),
        ),
        (("agreement", "term", "dormancy_months"), "the dormancy check", lambda: dormancy_check(a)),
    ]
    if term.auto_renew:
        checks.append(
            (
                ("agreement", "term", "renewal_months"),
                "the end of the first renewal term",
                lambda: period_end(a.effective_date, term.initial_months + term.renewal_months),
            )
        )
    if term.convenience_notice_days is not None:
        days = term.convenience_notice_days
        checks.append(
            (
                ("agreement", "term", "convenience_notice_days"),
                "the end of a notice of termination given on the effective date",
                lambda: add_days(a.effective_date, days),
            )
        )
    for loc, what, compute in checks:
        try:
            compute()
        except OutOfRange as exc:
            yield loc, f"{what} {exc}; check the effective date ({a.effective_date.isoformat()}) and the term"
            if loc[-1] == "initial_months":
                return  # the later dates follow from the term's end: one problem says it


def _agreement(a: Agreement) -> Found:
    for party, name, earlier in shortnames.clashes(a.parties):
        field = "short_name" if a.parties[party].short_name else "legal_name"
        yield (
            ("agreement", "parties", party, field),
            f"'{name}' is already the short name of agreement.parties.{earlier}; the documents could not tell "
            "the two parties apart: give one of them a distinct short_name",
        )
    seen: dict[tuple[str, str], int] = {}
    for i, margin in enumerate(a.margins):
        key = (margin.revenue_type, margin.seller)
        if key in seen:
            yield (
                ("agreement", "margins", i, "revenue_type"),
                f"{margin.seller} already has a {margin.revenue_type} margin (agreement.margins[{seen[key]}]); "
                "give one row per revenue type and seller",
            )
        else:
            seen[key] = i
    disputes = a.disputes
    if disputes and disputes.process == "escalation_arbitration":
        if disputes.arbitration_seat is None:
            yield ("agreement", "disputes", "arbitration_seat"), "missing: arbitration needs a seat (a city)"
        if disputes.arbitration_rules is None:
            yield (
                ("agreement", "disputes", "arbitration_rules"),
                "missing: arbitration needs rules (e.g. 'the LCIA Rules')",
            )
    support = a.support_services
    if support and support.in_scope and support.first_line is None:
        yield ("agreement", "support_services", "first_line"), "missing: say which party gives first-line support"
    rows = [i for i, m in enumerate(a.margins) if m.revenue_type == "support"]
    if support and support.compensation_percent is not None and rows:
        yield (
            ("agreement", "support_services", "compensation_percent"),
            f"support revenue is already split by agreement.margins[{rows[0]}]; give one mechanism for it: "
            "the support row in margins or compensation_percent, not both",
        )
    problem = health_check_problem(a.effective_date, a.plan.first_health_check) if a.plan else None
    if problem:
        yield ("agreement", "plan", "first_health_check"), problem
    if len(set(a.models)) != len(a.models):
        yield ("agreement", "models"), "lists a relationship model twice"


def health_check_problem(effective: date, check: date | None) -> str | None:
    """Why the first health check cannot be on ``check`` for an agreement from ``effective``."""
    if check is not None and check <= effective:
        return (
            f"the first health check ({long_date(check)}) must come after the effective date ({long_date(effective)})"
        )
    return None


def _sow_in_term(a: Agreement, sow: StatementOfWork, base: Loc) -> Found:
    problem = sow_start_problem(a, sow.start)
    if problem:
        yield (*base, "start"), problem
        return
    problem = sow_end_problem(a, sow.start, sow.end) if sow.end >= sow.start else None  # else: _sow says it
    if problem:
        yield (*base, "end"), problem


def sow_start_problem(a: Agreement, start: date) -> str | None:
    """Why a SoW cannot start on ``start`` under the agreement ``a``, or None."""
    if start < a.effective_date:
        return f"starts before the agreement's effective date ({long_date(a.effective_date)})"
    end_of_term = term_end(a)
    if start > end_of_term:
        return f"starts after the agreement's initial term ends ({long_date(end_of_term)})"
    return None


def sow_end_problem(a: Agreement | None, start: date, end: date) -> str | None:
    """Why a SoW that starts on ``start`` cannot end on ``end`` (under ``a`` when known)."""
    if end < start:
        return f"ends ({long_date(end)}) before it starts ({long_date(start)})"
    if a is not None and not a.term.auto_renew and end > term_end(a):
        return (
            f"ends after the agreement's term ({long_date(term_end(a))}), "
            "which does not renew; end the SoW earlier or extend the term"
        )
    return None


def due_problem(start: date, end: date, due: date) -> str | None:
    """Why a deliverable of a SoW from ``start`` to ``end`` cannot be due on ``due``."""
    if not start <= due <= end:
        return f"due {long_date(due)}, outside the SoW ({long_date(start)} to {long_date(end)})"
    return None


def milestones_problem(percents: Sequence[Decimal], complete: bool = True) -> str | None:
    """Why the milestones' shares are wrong: over 100% at any time, not 100% once complete."""
    total = sum(percents, start=_ZERO)
    if total > 100 or (complete and percents and total != 100):
        return f"milestone percentages add up to {total.normalize():f}%, not 100%"
    return None


def _sow(sow: StatementOfWork, base: Loc) -> Found:
    try:
        add_days(sow.end, sow.acceptance_days)
    except OutOfRange as exc:
        yield (*base, "end"), f"the acceptance period after the SoW's end {exc}"
    if sow.end < sow.start:
        yield (*base, "end"), sow_end_problem(None, sow.start, sow.end) or ""
    for i, deliverable in enumerate(sow.deliverables):
        problem = due_problem(sow.start, sow.end, deliverable.due)
        if problem:
            yield (*base, "deliverables", i, "due"), problem
    for i, milestone in enumerate(sow.milestones):
        if milestone.due is not None and not sow.start <= milestone.due <= sow.end:
            yield (*base, "milestones", i, "due"), f"due {long_date(milestone.due)}, outside the SoW"
    problem = milestones_problem([m.percent for m in sow.milestones])
    if problem:
        yield (*base, "milestones", len(sow.milestones) - 1, "percent"), problem
    fees = sow.fees
    if fees.model == "fixed" and fees.amount is None:
        yield (*base, "fees", "amount"), "missing: a fixed fee needs an amount"
    if fees.model == "time_and_materials":
        if not fees.rate_card:
            yield (*base, "fees", "rate_card"), "missing: time and materials needs a rate card (role, rate per day)"
        if fees.estimate_days is None:
            yield (*base, "fees", "estimate_days"), "missing: time and materials needs an estimate in days"
    roles = [r.role for r in fees.rate_card]
    for i, staff in enumerate(sow.staffing):
        if fees.model == "time_and_materials" and roles and staff.role not in roles:
            yield (*base, "staffing", i, "role"), f"'{staff.role}' is not on the rate card ({', '.join(roles)})"
    yield from _sow_triggers(sow, base)
    yield from _sow_fees(sow, base)
    ids: dict[str, int] = {}
    for i, deliverable in enumerate(sow.deliverables):
        if deliverable.name in ids:
            yield (
                (*base, "deliverables", i, "name"),
                f"deliverable named twice (also deliverables[{ids[deliverable.name]}])",
            )
        ids.setdefault(deliverable.name, i)


def go_live(sow: StatementOfWork) -> Deliverable | None:
    """The deliverable whose acceptance is go-live: the one named, else the last due."""
    named = [d for d in sow.deliverables if d.name == sow.go_live]
    return named[0] if named else max(sow.deliverables, key=lambda d: d.due, default=None)


def contract_year_start(sow: StatementOfWork) -> date | None:
    """The first day of the SoW's Contract Year, when the customer contract's start is given."""
    started = sow.customer_contract.start if sow.customer_contract else None
    return add_months(started, 12 * (sow.contract_year - 1)) if started else None


def _sow_triggers(sow: StatementOfWork, base: Loc) -> Found:
    names = [d.name for d in sow.deliverables]
    listed = ", ".join(f"'{n}'" for n in names) or "none"
    for i, milestone in enumerate(sow.milestones):
        if milestone.on_acceptance_of is None:
            continue
        if milestone.due is not None:
            yield (*base, "milestones", i, "due"), "give a date (due) or a deliverable (on_acceptance_of), not both"
        elif milestone.on_acceptance_of not in names:
            yield (
                (*base, "milestones", i, "on_acceptance_of"),
                f"'{milestone.on_acceptance_of}' is not a deliverable of this SoW (deliverables: {listed})",
            )
    if sow.go_live is not None and sow.go_live not in names:
        yield (*base, "go_live"), f"'{sow.go_live}' is not a deliverable of this SoW (deliverables: {listed})"
    live = go_live(sow)
    if sow.hypercare_days is not None and live is not None:
        try:
            ends = add_days(live.due, sow.hypercare_days)
        except OutOfRange as exc:
            yield (*base, "hypercare_days"), f"the end of hypercare {exc}"
            return
        if ends > sow.end:
            yield (
                (*base, "hypercare_days"),
                f"hypercare after go-live ('{live.name}', due {long_date(live.due)}) would run to {long_date(ends)}, "
                f"past the SoW's end ({long_date(sow.end)}); shorten it or end the SoW later",
            )
    started = sow.customer_contract.start if sow.customer_contract else None
    if started is not None:
        try:
            first, after = contract_year_start(sow), add_months(started, 12 * sow.contract_year)
        except OutOfRange as exc:
            yield (*base, "contract_year"), f"that Contract Year {exc}"
            return
        if first is not None and not first <= sow.start < after:
            yield (
                (*base, "contract_year"),
                f"the SoW starts on {long_date(sow.start)}, outside Contract Year {sow.contract_year} of a customer "
                f"contract that started on {long_date(started)} (that year runs {long_date(first)} to "
                f"{long_date(add_days(after, -1))}); give the Contract Year the SoW starts in",
            )


def working_parties(sow: StatementOfWork) -> list[str]:
    """The parties that work under a SoW: those with responsibilities, staff or a part of the fee."""
    return list(dict.fromkeys([*sow.responsibilities, *(s.party for s in sow.staffing), *sow.fees.by_party]))


def _sow_fees(sow: StatementOfWork, base: Loc) -> Found:
    fees, working = sow.fees, working_parties(sow)
    loc = (*base, "fees", "by_party")
    if fees.model == "time_and_materials":
        if fees.by_party:
            yield loc, "is for fixed fees; under time and materials each party invoices the days of its own staff"
        return
    for message in fee_split_problems(fees.amount, working, fees.by_party):
        yield loc, message


def fee_split_problems(amount: Decimal | None, working: Sequence[str], by_party: dict[str, Decimal]) -> list[str]:
    """Why the parts of a fixed price are wrong (the interview checks them as they are typed)."""
    if not by_party:
        if len(working) > 1:
            return [
                f"missing: several parties work under this SoW ({', '.join(working)}); give each one's part of the "
                "fixed price, summing to the amount"
            ]
        return []
    out = [
        f"missing: {key} works under this SoW; give its part of the fixed price"
        for key in working
        if key not in by_party
    ]
    total = sum(by_party.values(), start=_ZERO)
    if amount is not None and total != amount:
        out.append(f"the parts add up to {total.normalize():,f}, not the fixed price {amount.normalize():,f}")
    return out
