"""`p2pdocs check`: playbook findings per deal, as text or JSON, with an exit status for CI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import EXAMPLE, EXAMPLE_ID, run_cli


def risky(d: dict[str, Any]) -> None:
    d["agreement"]["margins"][1]["by_year"] = [15, 12]
    d["agreement"]["visibility"]["disclosure"] = "white_label"


def test_findings_as_json(write_deal: Callable[..., Path]) -> None:
    result = run_cli("check", str(write_deal(risky)), "--format", "json")
    assert result.exit_code == 0
    (deal,) = json.loads(result.output)
    assert deal["deal"] == EXAMPLE_ID and deal["valid"] is True
    by_rule = {f["rule"]: f for f in deal["findings"]}
    assert by_rule["P01"]["severity"] == "high"
    assert by_rule["P01"]["field"] == "agreement.margins[1].by_year[0]"
    assert by_rule["P01"]["message"].startswith(
        "Contoso keeps 15% on projects in year 1; the playbook expects at least 20%"
    )
    assert by_rule["P01"]["source"] == "001"
    assert by_rule["P11"]["severity"] == "medium"


def test_text_output_and_fail_on(write_deal: Callable[..., Path]) -> None:
    path = write_deal(risky)
    result = run_cli("check", str(path))
    assert "P01 high   agreement.margins[1].by_year[0]: Contoso keeps 15%" in result.output
    assert run_cli("check", str(path), "--fail-on", "high").exit_code == 1
    assert run_cli("check", str(EXAMPLE), "--fail-on", "high").exit_code == 0
    assert run_cli("check", str(EXAMPLE), "--fail-on", "info").exit_code == 0  # the reference example is clean
    assert run_cli("check", str(path), "--fail-on", "medium").exit_code == 1


def test_invalid_deal_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text().replace("currency: EUR", "currency: euro"))
    result = run_cli("check", str(bad), str(EXAMPLE))
    assert result.exit_code == 2
    assert f"{bad}:7: agreement.currency: must be a three-letter ISO 4217" in result.output


def test_generate_summary_shows_findings(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    result = run_cli("generate", str(write_deal(risky)), "-o", str(tmp_path / "out"), "--no-progress")
    assert result.exit_code == 0
    assert "CONTOSO-FABRIKAM-2027: P01 high: Contoso keeps 15% on projects in year 1" in result.output
    assert "playbook findings: 1 high, 1 medium" in result.output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert {f["rule"] for f in manifest["deals"][0]["findings"]} == {"P01", "P11"}
