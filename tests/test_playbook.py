"""Each playbook rule fires on a deal made to trip it, and stays quiet on the reference
example (which departs from the playbook only by having no partnership plan)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml
from conftest import EXAMPLE

from p2pdocs.deal.validate import validate_deal
from p2pdocs.playbook.findings import evaluate, load_rules


def example() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def a(d: dict[str, Any]) -> dict[str, Any]:
    return d["agreement"]


PLAN = {
    "objectives": ["x"],
    "kpis": [
        {"name": "Win rate", "target": "30%", "period": "quarterly", "owner": "contoso"},
        {"name": "Return on investment", "target": "3x", "period": "annual", "owner": "fabrikam"},
    ],
    "investment": {"contoso": {"money": 1}, "fabrikam": {"people": "1 architect"}},
}

TRIPS: dict[tuple[str, str], Callable[[dict[str, Any]], None]] = {
    ("P01", "high"): lambda d: a(d)["margins"][1].update(by_year=[15, 10]),
    ("P02", "medium"): lambda d: a(d)["margins"][1].update(by_year=[22, 8]),
    ("P03", "high"): lambda d: a(d)["margins"][0].update(by_year=[18, 12]),
    ("P03", "info"): lambda d: a(d)["margins"][0].update(by_year=[32, 12]),
    ("P04", "medium"): lambda d: a(d)["margins"][0].update(by_year=[25, 8]),
    ("P04", "low"): lambda d: a(d)["margins"][0].update(by_year=[25, 18]),
    ("P06", "high"): lambda d: a(d)["support_services"].pop("compensation_percent"),
    ("P07", "high"): lambda d: a(d).update(models=["co_sell", "referral"]),
    ("P08", "high"): lambda d: d.pop("statements_of_work"),
    ("P09", "medium"): lambda d: a(d)["engagement"].update(bidirectional=False),
    ("P11", "medium"): lambda d: a(d)["visibility"].update(disclosure="white_label"),
    ("P12", "high"): lambda d: a(d)["governance"].pop("satisfaction_reviews"),
    ("P13", "high"): lambda d: a(d)["governance"].pop("agenda_owner"),
    ("P16", "high"): lambda d: a(d)["ownership"][0].pop("targets"),
    ("P17", "medium"): lambda d: a(d)["ownership"][0].pop("review"),
    ("P19", "medium"): lambda d: a(d).pop("enablement"),
    ("P21", "medium"): lambda d: a(d)["parties"]["fabrikam"].pop("sponsor"),
    ("P23", "high"): lambda d: a(d)["engagement"].update(deal_registration=False),
    ("P26", "medium"): lambda d: a(d)["term"].pop("dormancy_months"),
    ("P27", "medium"): lambda d: a(d).pop("disputes"),
    ("P31", "medium"): lambda d: (
        a(d).update(margins=[m for m in a(d)["margins"] if m["seller"] == "contoso"]),
        d["statements_of_work"][0].update(prime="fabrikam"),
    ),
    ("P32", "medium"): lambda d: a(d).pop("referral"),
    ("P41", "low"): lambda d: a(d).update(plan={**PLAN, "kpis": [{**PLAN["kpis"][0], "name": "Revenue"}]}),
    ("P42", "medium"): lambda d: a(d).update(plan={**PLAN, "kpis": PLAN["kpis"][:1]}),
    ("P43", "medium"): lambda d: a(d).update(plan={**PLAN, "investment": {"contoso": {"money": 1}}}),
}


def test_every_rule_of_the_playbook_is_tested() -> None:
    assert {(r.spec.id, r.spec.severity) for r in load_rules()} == set(TRIPS) | {("P40", "medium")}


@pytest.mark.parametrize(("rule", "severity"), list(TRIPS), ids=[f"{r}-{s}" for r, s in TRIPS])
def test_rule_fires_on_a_deal_made_to_trip_it(rule: str, severity: str) -> None:
    deal = example()
    TRIPS[(rule, severity)](deal)
    body = {k: v for k, v in deal.items() if k != "p2pdocs"}
    validated = validate_deal(body, lambda loc: ("deal", 0, ()))  # the tripping deal is still a valid deal
    found = {(f.rule, f.severity) for f in evaluate(validated.model_dump(mode="python"))}
    assert (rule, severity) in found
    quiet = {(f.rule, f.severity) for f in evaluate(example())}
    assert (rule, severity) not in quiet


def test_reference_example_follows_the_playbook() -> None:
    assert evaluate(example()) == []
    deal = example()
    del a(deal)["plan"]
    assert [(f.rule, f.field) for f in evaluate(deal)] == [("P40", "agreement.plan")]
    a(deal)["plan"] = PLAN
    assert evaluate(deal) == []
