"""The playbook's standard positions applied to a deal: what `redline --against standard`
compares the deal with."""

from __future__ import annotations

from typing import Any

from p2pdocs.deal.terms import Deal

STANDARD_MARGINS = {"projects": [20, 10], "saas": [25, 12.5], "licences": [25, 12.5]}


def standard_deal(deal: Deal) -> Deal:
    """``deal`` with every term the playbook has a standard position on set to it."""
    data: dict[str, Any] = deal.model_dump(mode="python")
    a = data["agreement"]
    for row in a["margins"]:
        row["by_year"] = STANDARD_MARGINS.get(row["revenue_type"], row["by_year"])
    if a["visibility"]:
        a["visibility"]["disclosure"] = "disclosed"
    if (
        a["support_services"]
        and a["support_services"]["in_scope"]
        and a["support_services"]["compensation_percent"] is None
    ):
        a["support_services"]["compensation_percent"] = 15
    a["engagement"] = {**(a["engagement"] or {}), "bidirectional": True, "deal_registration": True}
    a["engagement"].setdefault("protection_days", 90)
    governance = a["governance"] or {}
    for key, value in (
        ("agenda_owner", a["prime_partner"]),
        ("meetings", "monthly"),
        ("executive_review", "quarterly"),
        ("satisfaction_reviews", "quarterly"),
    ):
        governance[key] = governance.get(key) or value
    a["governance"] = governance
    a["disputes"] = a["disputes"] or {"process": "escalation_mediation", "tier1_days": 15, "tier2_days": 30}
    a["enablement"] = a["enablement"] or {"joint_training": True, "cross_certification": True, "due_days": 90}
    a["term"]["convenience_notice_days"] = a["term"]["convenience_notice_days"] or 90
    a["term"]["dormancy_months"] = a["term"]["dormancy_months"] or 6
    for stake in a["ownership"]:
        stake["review"] = stake["review"] or "quarterly"
        stake["dial_back"] = stake["dial_back"] or "ladder"
    return Deal.model_validate(data, context={"parties": set(a["parties"])})
