"""The partnership plan: the annex, the agreement's references to it, the deal register,
validation, playbook rules and the interview section."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from conftest import EXAMPLE, EXAMPLE_ID, run_cli
from openpyxl import load_workbook
from test_interview import Scripted
from wizard_script import EXAMPLE_ANSWERS

from p2pdocs.interview.interview import Interview
from p2pdocs.playbook.findings import evaluate
from p2pdocs.word.render import docx_text

FOLDER = EXAMPLE_ID
PLAN: dict[str, Any] = {
    "objectives": ["Win 12 joint retail customers in the Nordics in 2027", "Certify 10 consultants on Retail Cloud"],
    "segments": {"industries": ["Retail", "Hospitality"], "regions": ["Nordics"], "customer_sizes": ["Mid-market"]},
    "pitch": "Fabrikam's retail cloud, delivered by Contoso's Nordic team: live in 90 days.",
    "contributions": {"contoso": ["Nordic retail customers", "Delivery team"], "fabrikam": ["Retail Cloud platform"]},
    "maturity": "developing",
    "risks": [
        {
            "risk": "Fabrikam direct sales compete for the same stores",
            "mitigation": "Deal registration",
            "owner": "fabrikam",
        }
    ],
    "kpis": [
        {"name": "Leads passed each way", "target": "10 per quarter", "period": "quarterly", "owner": "contoso"},
        {"name": "Return on investment", "target": "3x in year 2", "period": "annual", "owner": "fabrikam"},
    ],
    "investment": {
        "contoso": {"money": 50000, "people": "Two architects half-time"},
        "fabrikam": {"assets": "Demo environment"},
    },
    "first_health_check": "2027-06-30",
}


def without_plan(d: dict[str, Any]) -> None:
    del d["agreement"]["plan"]


def with_plan(d: dict[str, Any]) -> None:
    d["agreement"]["plan"] = copy.deepcopy(PLAN)


def generate(path: Path, out: Path) -> dict[str, Path]:
    result = run_cli("generate", str(path), "-o", str(out), "--no-progress")
    assert result.exit_code == 0, result.output
    return {p.name: p for p in (out / FOLDER).iterdir()}


def test_plan_annex_has_every_value(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    files = generate(write_deal(with_plan), tmp_path / "out")
    assert {"partnering-agreement.docx", "sow-SOW-001.docx", "partnership-plan.docx", "deal-register.xlsx"} <= set(
        files
    )
    text = " ".join(docx_text(files["partnership-plan.docx"].read_bytes()).split())
    for expected in (
        "Partnership Plan",
        "Annex to Partnering Agreement CONTOSO-FABRIKAM-2027",
        "does not create binding obligations",
        "Win 12 joint retail customers in the Nordics in 2027",
        "Certify 10 consultants on Retail Cloud",
        "Retail and Hospitality",
        "Nordics",
        "Mid-market",
        "live in 90 days",
        "Contoso | Nordic retail customers Delivery team",
        "Fabrikam | Retail Cloud platform",
        "developing",
        "Fabrikam direct sales compete for the same stores | Deal registration | Fabrikam",
        "Leads passed each way | 10 per quarter | Every quarter | Contoso",
        "Return on investment | 3x in year 2 | Every year | Fabrikam",
        "Contoso | EUR 50,000.00 | Two architects half-time | Not stated",
        "Fabrikam | Not stated | Not stated | Demo environment",
        "30 June 2027",
    ):
        assert expected in text, expected
    assert "Signature" not in text, "the plan is a non-binding annex"


def test_agreement_refers_to_the_plan(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    files = generate(write_deal(with_plan), tmp_path / "out")
    text = " ".join(docx_text(files["partnering-agreement.docx"].read_bytes()).split())
    assert "The Parties have agreed the Partnership Plan dated 15 January 2027, annexed to this Agreement" in text
    assert "key performance indicators set out in the Partnership Plan dated 15 January 2027" in text
    assert "against the Partnership Plan by 30 June 2027" in text


def test_register_has_columns_validations_and_parties(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    files = generate(write_deal(with_plan), tmp_path / "out")
    book = load_workbook(files["deal-register.xlsx"])
    sheet = book["Register"]
    assert [c.value for c in sheet[1]] == [
        "Referred by",
        "Referred to",
        "Date",
        "Customer",
        "Opportunity",
        "Stage",
        "Protected until",
        "Outcome",
        "Revenue",
        "Notes",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet["G2"].value == '=IF(C2="","",C2+90)'
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert any("A2:A501" in ref and formula == '"Contoso,Fabrikam"' for ref, formula in lists.items())
    assert any("F2:F501" in ref and "Negotiation" in formula for ref, formula in lists.items())
    assert any("H2:H501" in ref and "Won" in formula and "Lost" in formula for ref, formula in lists.items())
    kpis = book["KPIs"]
    assert [c.value for c in kpis[2]][:4] == ["Leads passed each way", "10 per quarter", "Every quarter", "Contoso"]
    assert kpis.max_row == 3


def test_register_is_reproducible(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    path = write_deal(with_plan)
    first = generate(path, tmp_path / "a")["deal-register.xlsx"].read_bytes()
    assert generate(path, tmp_path / "b")["deal-register.xlsx"].read_bytes() == first


def test_without_a_plan_no_annex_and_the_agreement_reads_correctly(
    write_deal: Callable[..., Path], tmp_path: Path
) -> None:
    files = generate(write_deal(without_plan), tmp_path / "out")
    assert "partnership-plan.docx" not in files and "deal-register.xlsx" not in files
    text = docx_text(files["partnering-agreement.docx"].read_bytes())
    assert "The Parties agree and keep in writing a business plan for the relationship" in text
    assert "Partnership Plan dated" not in text


def test_plan_validation(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    def bad(d: dict[str, Any]) -> None:
        with_plan(d)
        d["agreement"]["plan"]["objectives"] = []
        d["agreement"]["plan"]["kpis"][0]["owner"] = "nobody"
        d["agreement"]["plan"]["first_health_check"] = "2026-12-01"

    result = run_cli("generate", str(write_deal(bad)), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "agreement.plan.objectives: list should have at least 1 item" in result.output.replace("List", "list")
    assert "agreement.plan.kpis[0].owner: 'nobody' is not a party" in result.output


def test_playbook_rules_on_the_plan() -> None:
    deal = yaml.safe_load(EXAMPLE.read_text())
    assert evaluate(deal) == []
    del deal["agreement"]["plan"]
    assert "P40" in {f.rule for f in evaluate(deal)}
    deal["agreement"]["plan"] = {
        "objectives": ["x"],
        "investment": {"contoso": {"money": 1}},
        "kpis": [{"name": "Partner-sourced revenue", "target": "1", "period": "annual", "owner": "contoso"}],
    }
    rules = {f.rule for f in evaluate(deal)}
    assert {"P41", "P42", "P43"} <= rules and "P40" not in rules


def plan_script() -> dict[str, list[Any]]:
    """The reference deal's answers, its partnership plan included."""
    return copy.deepcopy(EXAMPLE_ANSWERS)


def test_interview_asks_for_the_plan_with_defaults() -> None:
    ui = Scripted(plan_script())
    interview = Interview()
    interview.run(ui)
    assert interview.problems() == []
    plan = interview.deal()["agreement"]["plan"]
    expected = copy.deepcopy(PLAN)
    assert plan["objectives"] == expected["objectives"] and plan["kpis"][1]["name"] == "Return on investment"
    assert plan["kpis"][0]["name"] == "Leads passed each way", "the first proposed KPI is the default"
    assert str(plan["first_health_check"]) == "2027-06-30"
    health = next(p for p in ui.asked if p.message == "First health check (YYYY-MM-DD)")
    assert health.default == "2027-07-15", "six months after the effective date"
    assert "business plan, but for partnerships" in next(p.help for p in ui.asked if p.message.startswith("Write"))
