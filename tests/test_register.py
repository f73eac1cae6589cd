"""The deal register keeps what the user typed as text: a value that looks like a formula
is never stored as one."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import EXAMPLE_ID, run_cli
from openpyxl import load_workbook
from test_plan import with_plan

FOLDER = EXAMPLE_ID
LINK = '=HYPERLINK("http://attacker.example/x","Open")'


def formula_like(d: dict[str, Any]) -> None:
    with_plan(d)
    d["agreement"]["plan"]["kpis"][0]["name"] = LINK
    d["agreement"]["plan"]["kpis"][0]["target"] = "=1+1"
    d["agreement"]["plan"]["kpis"][1]["name"] = "@SUM(A1:A2)"


def test_user_text_that_looks_like_a_formula_stays_text(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    result = run_cli("generate", str(write_deal(formula_like)), "-o", str(tmp_path / "out"), "--no-progress")
    assert result.exit_code == 0, result.output
    path = tmp_path / "out" / FOLDER / "deal-register.xlsx"
    kpis = load_workbook(path)["KPIs"]
    assert [kpis["A2"].value, kpis["B2"].value, kpis["A3"].value] == [LINK, "=1+1", "@SUM(A1:A2)"]
    assert all(kpis[ref].data_type == "s" for ref in ("A2", "B2", "A3", "D2"))
    assert kpis["A2"].quotePrefix and kpis["B2"].quotePrefix
    with zipfile.ZipFile(path) as package:
        sheet = package.read("xl/worksheets/sheet2.xml").decode("utf-8")
    assert "<f>" not in sheet  # no formula on the sheet: every value is a string
