"""Seeded synthetic deals for benchmarks: realistic variety, valid by construction.

python benchmarks/synthetic.py 1000 --seed 1 > deals.yaml
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from typing import Any

import yaml

TYPES = ["isv", "systems_integrator", "msp", "csp", "consultancy"]
COUNTRIES = ["Germany", "France", "England and Wales", "Sweden", "Spain", "Italy", "Poland", "the Netherlands"]
WORDS = [
    "Alpha",
    "Borealis",
    "Cobalt",
    "Delta",
    "Ember",
    "Fjord",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Onyx",
    "Polar",
    "Quartz",
    "Summit",
    "Tundra",
    "Vertex",
]
SUFFIX = ["GmbH", "Ltd", "SAS", "AB", "BV", "S.p.A.", "Sp. z o.o."]
REVENUE = ["projects", "saas", "licences", "support", "managed"]


def party(rng: random.Random, key: str) -> dict[str, Any]:
    name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(SUFFIX)}"
    person = f"{rng.choice(['Ana', 'Ben', 'Carla', 'Dev', 'Eli', 'Fay'])} {rng.choice(['Ng', 'Ortiz', 'Park', 'Roy'])}"
    return {
        "legal_name": name,
        "short_name": key.capitalize(),
        "type": rng.choice(TYPES),
        "jurisdiction": rng.choice(COUNTRIES),
        "address": f"{rng.randint(1, 200)} Main Street, {rng.choice(COUNTRIES)}",
        "signatory": {"name": person, "title": "Managing Director"},
        "sponsor": {"name": person, "title": "Chief Operating Officer"},
        "partner_manager": {"name": person, "email": f"partners@{key}.example"},
    }


def deal(rng: random.Random, i: int) -> dict[str, Any]:
    keys = ["alpha", "beta", "gamma", "delta"][: rng.randint(2, 4)]
    start = date(2027, 1, 1) + timedelta(days=rng.randint(0, 300))
    margins = []
    for key in keys[:2]:
        for revenue in rng.sample(REVENUE, 2):
            first = rng.choice([18, 20, 22, 25, 28, 30])
            margins.append({"revenue_type": revenue, "seller": key, "by_year": [first, round(first / 2, 1)]})
    sows = []
    for k in range(rng.randint(1, 3)):
        s = start + timedelta(days=30 + 60 * k)
        e = s + timedelta(days=rng.randint(60, 200))
        prime = rng.choice(keys)
        sows.append(
            {
                "id": f"SOW-{k + 1:03d}",
                "title": f"{rng.choice(WORDS)} programme",
                "customer": f"{rng.choice(WORDS)} Retail",
                "prime": prime,
                "start": s,
                "end": e,
                "contract_year": rng.randint(1, 3),
                "scope": "Deliver the joint solution, including configuration, data migration and training. " * 3,
                "out_of_scope": ["Hardware"],
                "responsibilities": {key: ["Delivery", "Support"] for key in keys},
                "deliverables": [{"name": "Design", "due": s + timedelta(days=20)}, {"name": "Go-live", "due": e}],
                "fees": _fixed_fee(rng.randint(20, 400) * 1000, keys, prime),
                "milestones": [{"name": "Design", "percent": 30}, {"name": "Go-live", "percent": 70}],
            }
        )
    return {
        "agreement": {
            "id": f"SYN-{i:06d}",
            "status": rng.choice(["draft", "final"]),
            "effective_date": start,
            "governing_law": rng.choice(COUNTRIES),
            "currency": rng.choice(["EUR", "GBP", "USD", "SEK"]),
            "parties": {key: party(rng, key) for key in keys},
            "models": rng.sample(["referral", "resale", "co_sell", "co_delivery", "teaming"], 2),
            "prime_partner": keys[0],
            "margins": margins,
            "referral": {"fee_percent": rng.choice([5, 10, 15])},
            "support_services": {
                "in_scope": True,
                "first_line": keys[0],
                "second_line": keys[1],
                # one mechanism for support revenue: a support margin row or compensation, not both
                **({} if any(m["revenue_type"] == "support" for m in margins) else {"compensation_percent": 15}),
            },
            "engagement": {"bidirectional": True, "deal_registration": True, "protection_days": 90},
            "visibility": {"disclosure": rng.choice(["disclosed", "on_request"])},
            "governance": {
                "agenda_owner": keys[0],
                "meetings": "monthly",
                "satisfaction_reviews": "quarterly",
                "workspace": "a shared portal",
            },
            "disputes": {"process": rng.choice(["escalation", "escalation_mediation", "escalation_courts"])},
            "term": {"initial_months": 36, "auto_renew": True, "convenience_notice_days": 90, "dormancy_months": 6},
        },
        "statements_of_work": sows,
    }


def batch(n: int, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    return {"p2pdocs": 1, "deals": [deal(rng, i) for i in range(n)]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    yaml.safe_dump(batch(args.n, args.seed), sys.stdout, sort_keys=False)
    return 0


def _fixed_fee(amount: int, keys: list[str], prime: str) -> dict[str, Any]:
    """A fixed fee split evenly between the working parties, the prime taking the rest."""
    share = amount // len(keys) // 1000 * 1000
    by_party = dict.fromkeys(keys, share)
    by_party[prime] = amount - share * (len(keys) - 1)
    return {"model": "fixed", "amount": amount, "by_party": by_party}


if __name__ == "__main__":
    sys.exit(main())
