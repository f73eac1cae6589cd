"""The answers of an interview and what they make: the parties so far, the scope the
questionnaire's expressions see, the agreement, the playbook's findings and the deal file.

The answers are the deal file itself, plus the interview's own ``_wizard`` answers, which
drafts keep and deal files do not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from p2pdocs.compose.textenv import percent, words
from p2pdocs.deal.dates import OutOfRange, add_months
from p2pdocs.deal.shortnames import party_name
from p2pdocs.deal.terms import Agreement, StatementOfWork
from p2pdocs.errors import InvalidInput
from p2pdocs.interview.questions import (
    Part,
    Question,
    Questionnaire,
    delete,
    get,
    load_questions,
    parse_path,
)
from p2pdocs.playbook.findings import Finding, evaluate


@dataclass
class Answers:
    """The answers so far, read as a (partial) deal."""

    answers: dict[str, Any] = field(default_factory=dict)
    questions: Questionnaire = field(default_factory=load_questions)

    def parties(self) -> list[str]:
        parties = get(self.answers, ["agreement", "parties"])
        return [str(k) for k in parties] if isinstance(parties, dict) else []

    def name(self, key: str | None) -> str:
        return party_name(get(self.answers, ["agreement"]), key or "")

    def scope(self, item: Mapping[str, Any] | None, prefix: list[Part]) -> dict[str, Any]:
        index = prefix[-1] if prefix and isinstance(prefix[-1], int) else 0
        effective = get(self.answers, ["agreement", "effective_date"])
        return {
            "deal": self.answers,
            "a": self.answers.get("agreement", {}),
            "item": item or {},
            "parties": self.parties(),
            "names": [self.name(p) for p in self.parties()],
            "index": index,
            "health_check_default": _six_months_after(effective),
            "suppliers": self.suppliers(),
            "working": working_parties(item or {}),
        }

    def suppliers(self) -> list[str]:
        """The parties whose products others resell: all but those keeping a margin on SaaS or
        licences (they resell), or every party when that leaves none; a party that already
        lists products stays one."""
        margins = get(self.answers, ["agreement", "margins"]) or []
        resellers = {
            m.get("seller") for m in margins if isinstance(m, dict) and m.get("revenue_type") in ("saas", "licences")
        }
        listed = get(self.answers, ["agreement", "resale", "products"]) or {}
        parties = self.parties()
        found = [p for p in parties if p not in resellers or listed.get(p)]
        return found or parties

    def margin_help(self, item: Mapping[str, Any] | None) -> str:
        prime = (item or {}).get("prime")
        margins = get(self.answers, ["agreement", "margins"]) or []
        rows = [m for m in margins if isinstance(m, dict) and m.get("seller") == prime and m.get("by_year")]
        if not rows:
            return ""
        year = (item or {}).get("contract_year") or 1
        text = ", ".join(
            f"{words(m['revenue_type'])} {percent(m['by_year'][min(int(year), len(m['by_year'])) - 1])}" for m in rows
        )
        return f"Margins for {self.name(prime)} as seller in year {year}: {text}."

    def current(self, q: Question, parts: list[Part]) -> Any:
        """The answer already given at ``parts`` (for a list's tail, the items from there)."""
        if q.type == "percent_list":
            start = parts[-1]
            whole = get(self.answers, parts[:-1]) or []
            return whole[start:] if isinstance(start, int) and len(whole) > start else None
        return get(self.answers, parts)

    def clean(self, data: Any) -> Any:
        """``data`` without the interview's own answers (keys starting with ``_``)."""
        if isinstance(data, dict):
            return {k: self.clean(v) for k, v in data.items() if not str(k).startswith("_")}
        if isinstance(data, list):
            return [self.clean(v) for v in data]
        return data

    def agreement(self) -> Agreement | None:
        try:
            return Agreement.model_validate(
                self.clean(self.answers.get("agreement")), context={"parties": set(self.parties())}
            )
        except Exception:
            return None

    def findings(self) -> list[Finding]:
        return evaluate(self.deal())

    def deal(self) -> dict[str, Any]:
        """The deal file the answers make (format 1), in the format's order of keys."""
        body = self.clean(self.answers)
        self._omit_defaults(body)
        deal: dict[str, Any] = {"p2pdocs": 1}
        if "agreement" in body:
            deal["agreement"] = _ordered(body["agreement"], list(Agreement.model_fields))
        if body.get("statements_of_work"):
            deal["statements_of_work"] = [
                _ordered(s, list(StatementOfWork.model_fields)) for s in body["statements_of_work"]
            ]
        return deal

    def _omit_defaults(self, body: dict[str, Any]) -> None:
        for section in self.questions.sections:
            for entry in section.items:
                if isinstance(entry, Question) and entry.omit_default:
                    parts = parse_path(entry.id)
                    if get(body, parts) == entry.default:
                        delete(body, parts)
                        parent = get(body, parts[:-1])
                        if parent == {}:
                            delete(body, parts[:-1])

    def problems(self) -> list[str]:
        """What still stops the deal from validating (empty when it is complete)."""
        from p2pdocs.deal.validate import validate_deal

        body = {k: v for k, v in self.deal().items() if k != "p2pdocs"}
        try:
            validate_deal(body, lambda loc: ("answers", 0, ()))
        except InvalidInput as exc:
            return [f"{p.path}: {p.message}" for p in exc.problems]
        return []


def working_parties(sow: Mapping[str, Any]) -> list[str]:
    """The parties with responsibilities in a SoW being answered (they work under it)."""
    responsibilities = sow.get("responsibilities")
    return [str(k) for k, v in responsibilities.items() if v] if isinstance(responsibilities, dict) else []


def _ordered(data: dict[str, Any], order: list[str]) -> dict[str, Any]:
    return {k: data[k] for k in [*order, *data] if k in data} if isinstance(data, dict) else data


def _six_months_after(effective: Any) -> date | None:
    """The default first health check, when the effective date allows one."""
    if not isinstance(effective, date):
        return None
    try:
        return add_months(effective, 6)
    except OutOfRange:
        return None
