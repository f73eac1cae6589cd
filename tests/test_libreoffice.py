"""LibreOffice opens the documents and reads the same text: numbers, tables, fields."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from conftest import EXAMPLE, EXAMPLE_ID, libreoffice_convert, run_cli, soffice


def libreoffice_text(docx: Path, work: Path) -> str:
    """The text LibreOffice reads from ``docx`` (one file per call: a first start on a
    fresh profile may restart soffice and drop the files after the first)."""
    text = libreoffice_convert(docx, "txt:Text (encoded):UTF8", work).read_text(encoding="utf-8-sig")
    return " ".join(text.split())


def test_libreoffice_reads_the_agreement_and_sow(tmp_path: Path) -> None:
    soffice()
    assert run_cli("generate", str(EXAMPLE), "-o", str(tmp_path)).exit_code == 0
    folder = tmp_path / EXAMPLE_ID
    text = libreoffice_text(folder / "partnering-agreement.docx", tmp_path)
    for expected in (
        "Contoso Consulting Ltd",
        "Fabrikam Software GmbH",
        "the Prime Partner is Contoso",
        "SaaS subscriptions",
        "25%",
        "12.5%",
        "22%",
        "Year 2 and later",
        "Name: Ana Silva",
        "Title: Geschaeftsfuehrer",
    ):
        assert expected in text, expected
    margins = re.search(r"\b(\d+)\. Margins\b", text)
    assert margins and f"{margins[1]}.1" in text, "numbered sections and clauses"
    assert re.search(r"\b\d+\. General terms\b", text)
    for bad in ("{{", "{%", "None", "Error! Reference"):
        assert bad not in text
    sow = libreoffice_text(folder / "sow-SOW-001.docx", tmp_path)
    for expected in (
        "Statement of Work SOW-001",
        "Northwind Traders AB",
        "EUR 180,000.00",
        "EUR 54,000.00",
        "EUR 72,000.00",
        "22%",
        "25%",
    ):
        assert expected in sow, expected
    assert f"Under Section {margins[1]} of the Agreement" in sow, "the SoW cites the agreement's Margins section"


def test_libreoffice_calc_opens_the_register(tmp_path: Path, write_deal: Callable[..., Path]) -> None:
    from test_plan import with_plan

    soffice()
    assert run_cli("generate", str(write_deal(with_plan)), "-o", str(tmp_path / "out")).exit_code == 0
    register = tmp_path / "out" / EXAMPLE_ID / "deal-register.xlsx"
    first = libreoffice_convert(register, "csv", tmp_path).read_text(encoding="utf-8").splitlines()[0]
    assert first == "Referred by,Referred to,Date,Customer,Opportunity,Stage,Protected until,Outcome,Revenue,Notes"
