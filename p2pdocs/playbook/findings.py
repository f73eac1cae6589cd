"""The reviewer playbook: rules as data, evaluated on a deal (or on a partial one).

Findings are departures from the partnering playbook a user may keep; they never stop a
document from being generated. Each names its rule, severity, the field it concerns and a
message with the figure and the guidance.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field

from p2pdocs.compose.textenv import Expression, Sandbox, Text, join_and, percent, words
from p2pdocs.deal.shortnames import party_name
from p2pdocs.deal.yamlsource import read

Severity = Literal["high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low", "info")
PLAYBOOK = Path(__file__).resolve().parent / "playbook.yaml"


class RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    severity: Severity
    title: str
    source: str
    when: str
    field: str
    message: str
    each: str | None = None
    as_: str = Field("item", alias="as")


@dataclass(frozen=True, order=True)
class Finding:
    """One departure from the playbook."""

    severity_rank: int
    rule: str
    field: str
    severity: Severity
    title: str
    message: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "field": self.field,
            "title": self.title,
            "message": self.message,
            "source": self.source,
        }


@dataclass(frozen=True)
class Rule:
    spec: RuleSpec
    when: Expression
    each: Expression | None
    field: Text
    message: Text


def _environment() -> SandboxedEnvironment:
    env = Sandbox(undefined=jinja2.Undefined, autoescape=False)
    env.filters.update(pct=percent, words=words, join_and=join_and)
    env.tests["mentioning"] = lambda text, word: str(word).lower() in str(text).lower()
    env.globals.clear()
    return env


@lru_cache(maxsize=4)
def load_rules(path: Path = PLAYBOOK) -> tuple[Rule, ...]:
    """The playbook's rules, compiled."""
    env = _environment()
    data = read(path).data
    rules = []
    for raw in data["rules"]:
        spec = RuleSpec.model_validate(raw)
        rules.append(
            Rule(
                spec,
                Expression(env, spec.when, undefined_to_none=True),
                Expression(env, spec.each, undefined_to_none=True) if spec.each else None,
                Text(env, " ".join(spec.field.split())),
                Text(env, " ".join(spec.message.split())),
            )
        )
    return tuple(rules)


def evaluate(data: Mapping[str, Any], rules: tuple[Rule, ...] | None = None) -> list[Finding]:
    """The findings of deal ``data`` (a deal as plain data: complete or partial)."""
    agreement = data.get("agreement") or {}
    name = functools.partial(party_name, agreement)
    base = {"a": agreement, "sows": data.get("statements_of_work") or [], "name": name}
    findings: set[Finding] = set()
    for rule in rules if rules is not None else load_rules():
        try:
            scopes: list[dict[str, Any]] = [{}]
            if rule.each is not None:
                items = rule.each(base)
                items = list(items) if isinstance(items, (list, tuple)) else []
                scopes = [{rule.spec.as_: item, "index": i} for i, item in enumerate(items)]
            for scope in scopes:
                context = {**base, **scope}
                if rule.when(context):
                    findings.add(
                        Finding(
                            SEVERITIES.index(rule.spec.severity),
                            rule.spec.id,
                            rule.field.render(context).strip(),
                            rule.spec.severity,
                            rule.spec.title,
                            rule.message.render(context).strip(),
                            rule.spec.source,
                        )
                    )
        except (jinja2.UndefinedError, TypeError, ValueError, AttributeError, IndexError):
            continue  # the partial deal does not decide this rule yet
    return sorted(findings)


def deal_findings(deal: Any) -> list[Finding]:
    """The findings of a validated :class:`~p2pdocs.deal.terms.Deal`, its negotiated
    wording in watched clauses included."""
    from p2pdocs.playbook.wording import wording_findings

    return sorted([*evaluate(deal.model_dump(mode="python")), *wording_findings(deal)])
