"""Statements of work: every term present, the right margin for the contract year, fees exact."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, EXAMPLE_ID, run_cli

from p2pdocs.documents.sow import milestone_amounts
from p2pdocs.word.render import docx_text


def generate(deal: Path, out: Path) -> dict[str, str]:
    result = run_cli("generate", str(deal), "-o", str(out), "--force")
    assert result.exit_code == 0, result.output
    return {p.name: " ".join(docx_text(p.read_bytes()).split()) for p in out.glob("*/*.docx")}


def test_reference_sow_has_every_term(tmp_path: Path) -> None:
    docs = generate(EXAMPLE, tmp_path)
    assert set(docs) == {"partnering-agreement.docx", "sow-SOW-001.docx", "partnership-plan.docx", "review-memo.docx"}
    t = docs["sow-SOW-001.docx"]
    for expected in (
        "Statement of Work SOW-001",
        "made under the Partnering Agreement CONTOSO-FABRIKAM-2027 dated 15 January 2027 between "
        "Contoso Consulting Ltd and Fabrikam Software GmbH",
        'the project "Point-of-sale modernisation" for Northwind Traders AB',
        "It runs from 1 February 2027 to 31 July 2027.",
        "the Parties agree that all work under this SoW falls in Contract Year 1 of the Customer contract",
        "Contoso is the Prime Partner for this project",
        "Replace the in-store point-of-sale software in 40 Northwind stores with Fabrikam Retail Cloud, "
        "including data migration and staff training.",
        "(a) Store hardware",
        "(b) Payment terminal certification",
        "Contoso | Project management Customer contract and invoicing First-line support",
        "Fabrikam | Platform configuration Data migration tooling Second-line support",
        "Contoso leads contact with the Customer",
        "Solution design | 1 March 2027",
        "Pilot in three stores | 30 April 2027",
        "Rollout to all stores | 15 July 2027",
        "within 10 Business Days",
        "fixed price of EUR 180,000.00",
        "Solution design accepted | 30% | EUR 54,000.00",
        "Pilot live | 30% | EUR 54,000.00",
        "Rollout complete | 40% | EUR 72,000.00",
        "Total | 100% | EUR 180,000.00",
        "Contoso, as Prime Partner, invoices the Customer",
        "SaaS subscriptions | Contoso | 1 | 25%",
        "Projects and assignments | Contoso | 1 | 22%",
        "Contoso gives the Customer first-line support and Fabrikam gives second-line support",
        "restates the Margin that applies to the project under Section 7 of the Agreement",
        "Name: Ana Silva",
        "Name: Dieter Braun",
    ):
        assert expected in t, expected
    assert "Fabrikam | 1 | 20%" not in t, "margins of the other seller do not apply to this SoW"
    for bad in ("{{", "{%", "None"):
        assert bad not in t


def test_agreement_sections_cited_by_the_sow_are_the_right_ones(tmp_path: Path) -> None:
    docs = generate(EXAMPLE, tmp_path)
    agreement, sow = docs["partnering-agreement.docx"], docs["sow-SOW-001.docx"]
    assert "7. Margins 7.1 Where a Seller" in agreement and "Under Section 7 of the Agreement" in sow
    assert "25. Intellectual property 25.1" in agreement and "follows Section 25 of the Agreement" in sow


@pytest.mark.parametrize(("year", "saas", "projects"), [(1, "25%", "22%"), (2, "12.5%", "12%"), (3, "12.5%", "12%")])
def test_contract_year_reads_the_schedule(
    year: int, saas: str, projects: str, write_deal: Callable[..., Path], tmp_path: Path
) -> None:
    def change(d: dict[str, Any]) -> None:
        d["statements_of_work"][0]["contract_year"] = year

    t = generate(write_deal(change), tmp_path / "out")["sow-SOW-001.docx"]
    assert f"SaaS subscriptions | Contoso | {year} | {saas}" in t
    assert f"Projects and assignments | Contoso | {year} | {projects}" in t


def test_prime_without_margin_rows(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["agreement"]["margins"] = [m for m in d["agreement"]["margins"] if m["seller"] == "contoso"]
        d["statements_of_work"][0]["prime"] = "fabrikam"

    t = generate(write_deal(change), tmp_path / "out")["sow-SOW-001.docx"]
    assert "gives Fabrikam no Margin as Seller, so no Margin applies" in t
    assert "Fabrikam, as Prime Partner, invoices the Customer" in t


def test_time_and_materials(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        sow = d["statements_of_work"][0]
        sow["fees"] = {
            "model": "time_and_materials",
            "estimate_days": 120.5,
            "expenses": "at_cost",
            "rate_card": [{"role": "Architect", "rate": 1450}, {"role": "Consultant", "rate": 980.5}],
        }
        sow["staffing"] = [{"role": "Architect", "party": "fabrikam", "name": "Jo Ng", "allocation_percent": 50}]
        sow["customer_lead"] = "fabrikam"
        sow["customer_contract"] = {"reference": "NW-2027-88", "flow_down": ["Customer security policy v3"]}

    t = generate(write_deal(change), tmp_path / "out")["sow-SOW-001.docx"]
    for expected in (
        "Architect | EUR 1,450.00",
        "Consultant | EUR 980.50",
        "estimate the effort at 120.5 days",
        "charged at cost",
        "Architect | Fabrikam | Jo Ng | 50%",
        "Fabrikam leads contact with the Customer for this project, on behalf of Contoso as Prime Partner",
        "(reference NW-2027-88)",
        "as they apply to its part of the work: Customer security policy v3 2.3",  # a list of one: no "(a)"
    ):
        assert expected in t, expected


@pytest.mark.parametrize(
    ("amount", "percents"),
    [
        ("100000", ["33.33", "33.33", "33.34"]),
        ("1000.01", ["50", "50"]),
        ("999999.99", ["12.5", "37.5", "50"]),
        ("10", ["33.33", "33.33", "33.34"]),
    ],
)
def test_milestone_amounts_add_up_exactly(amount: str, percents: list[str]) -> None:
    amounts = milestone_amounts(Decimal(amount), [Decimal(p) for p in percents])
    assert sum(amounts) == Decimal(amount)
    assert all(a == a.quantize(Decimal("0.01")) for a in amounts)


def test_golden_sow_text(tmp_path: Path) -> None:
    """Regenerate with: P2PDOCS_UPDATE_GOLDEN=1 pytest tests/test_sow.py"""
    import os

    from conftest import ROOT

    golden = ROOT / "tests" / "golden" / "contoso-fabrikam.sow-SOW-001.txt"
    assert run_cli("generate", str(EXAMPLE), "-o", str(tmp_path)).exit_code == 0
    text = docx_text((tmp_path / EXAMPLE_ID / "sow-SOW-001.docx").read_bytes()) + "\n"
    if os.environ.get("P2PDOCS_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
