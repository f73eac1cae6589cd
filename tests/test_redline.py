"""Redlines: real tracked changes whose accept-all gives the new text and reject-all the old."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, odt_content, run_cli

from p2pdocs.redline import changes_in, texts

FOLDER = "CONTOSO-FABRIKAM-2027"


def margin(d: dict[str, Any]) -> None:
    d["agreement"]["margins"][1]["by_year"] = [24, 12]


def clause_on(d: dict[str, Any]) -> None:
    d["agreement"]["legal"] = {"non_solicitation_months": 0}  # the old round has no non-solicitation clause


def renamed(d: dict[str, Any]) -> None:
    d["agreement"]["parties"]["fabrikam"]["legal_name"] = "Fabrikam Cloud AG"


def document_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml")


@pytest.mark.parametrize(("change", "old_is_changed"), [(margin, False), (clause_on, True), (renamed, False)])
def test_accept_all_gives_new_and_reject_all_gives_old(
    change: Callable[[dict[str, Any]], None], old_is_changed: bool, write_deal: Callable[..., Path], tmp_path: Path
) -> None:
    changed = write_deal(change, name="changed.yaml")
    old, new = (changed, EXAMPLE) if old_is_changed else (EXAMPLE, changed)
    out = tmp_path / "redline.docx"
    result = run_cli("redline", str(old), str(new), "-o", str(out), "--author", "Legal Team")
    assert result.exit_code == 0, result.output
    for deal, name in ((old, "old"), (new, "new")):
        assert run_cli("generate", str(deal), "-o", str(tmp_path / name)).exit_code == 0
    old_text = texts(document_xml(tmp_path / "old" / FOLDER / "partnering-agreement.docx"))
    new_text = texts(document_xml(tmp_path / "new" / FOLDER / "partnering-agreement.docx"))
    redline = document_xml(out)
    assert texts(redline, accept=True) == new_text
    assert texts(redline, accept=False) == old_text
    kinds = {kind for kind, author in changes_in(out.read_bytes()) if author == "Legal Team"}
    assert kinds == {"ins", "del"}
    assert b'w:date="2027-01-15T00:00:00Z"' in redline


def test_margin_change_is_word_level(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "redline.docx"
    assert run_cli("redline", str(EXAMPLE), str(write_deal(margin)), "-o", str(out)).exit_code == 0
    xml = document_xml(out).decode("utf-8")
    assert '<w:delText xml:space="preserve">22%</w:delText>' in xml
    assert '<w:t xml:space="preserve">24%</w:t>' in xml
    assert xml.count("<w:del ") < 10, "only what changed is marked"


def test_sow_and_against_standard(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    def sow_change(d: dict[str, Any]) -> None:
        d["statements_of_work"][0]["fees"]["amount"] = 200000

    out = tmp_path / "sow.docx"
    result = run_cli("redline", str(EXAMPLE), str(write_deal(sow_change)), "--sow", "SOW-001", "-o", str(out))
    assert result.exit_code == 0, result.output
    new_texts = texts(document_xml(out), accept=True)
    assert any("EUR 200,000.00" in t for t in new_texts)
    assert any("EUR 180,000.00" in t for t in texts(document_xml(out), accept=False))
    standard = tmp_path / "standard.docx"
    assert run_cli("redline", str(EXAMPLE), "--against", "standard", "-o", str(standard)).exit_code == 0
    rejected = " ".join(texts(document_xml(standard), accept=False))
    assert "Projects and assignments | Contoso" not in rejected
    assert "20% / 10%" in rejected and "22% / 12%" in " ".join(texts(document_xml(standard), accept=True))
    assert run_cli("redline", str(EXAMPLE), "-o", str(standard)).exit_code == 2, "one deal needs --against"
    assert run_cli("redline", str(EXAMPLE), str(EXAMPLE), "-o", str(standard)).exit_code == 2, "exists: --force"


def test_libreoffice_shows_the_changes(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "redline.docx"
    assert run_cli("redline", str(EXAMPLE), str(write_deal(renamed)), "-o", str(out)).exit_code == 0
    content = odt_content(out, tmp_path)
    assert "<text:tracked-changes" in content
    assert "<text:insertion>" in content and "<text:deletion>" in content
