"""Provenance in every document, and `p2pdocs verify` telling what changed and where."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import EXAMPLE, run_cli
from docx import Document

from p2pdocs.provenance import read_properties

FOLDER = "CONTOSO-FABRIKAM-2027"


def generated(tmp_path: Path) -> Path:
    assert run_cli("generate", str(EXAMPLE), "-o", str(tmp_path)).exit_code == 0
    return tmp_path / FOLDER / "partnering-agreement.docx"


def test_documents_carry_their_provenance(tmp_path: Path) -> None:
    props = read_properties(generated(tmp_path).read_bytes())
    assert props["p2pdocs.version"] == "0.1.0"
    assert props["p2pdocs.deal"] == "CONTOSO-FABRIKAM-2027"
    assert props["p2pdocs.document"] == "partnering-agreement.docx"
    assert props["p2pdocs.template"] == "partnering-agreement.docx"
    assert len(props["p2pdocs.terms_sha256"]) == 64 and len(props["p2pdocs.template_sha256"]) == 64
    assert "margins.schedule@1.0.0" in props["p2pdocs.clauses"]
    assert len(props["p2pdocs.text_sha256"]) == 64 and '"6. Margins"' in props["p2pdocs.sections"]
    sow = read_properties((tmp_path / FOLDER / "sow-SOW-001.docx").read_bytes())
    assert sow["p2pdocs.document"] == "sow-SOW-001.docx" and "sow.margins@1.0.0" in sow["p2pdocs.clauses"]


def test_untouched_document_verifies_clean(tmp_path: Path) -> None:
    path = generated(tmp_path)
    result = run_cli("verify", str(path), "--deal", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert "the text is as generated" in result.output and "matches what" in result.output


def test_an_edit_in_word_is_found_with_its_section(tmp_path: Path) -> None:
    path = generated(tmp_path)
    doc = Document(str(path))
    for paragraph in doc.paragraphs:
        if paragraph.text.startswith("6.3"):
            paragraph.runs[-1].text = paragraph.runs[-1].text.replace("rewards", "does not reward")
    doc.save(str(path))  # python-docx keeps the custom properties, as Word does
    result = run_cli("verify", str(path))
    assert result.exit_code == 1
    assert "the text was changed after generation, in: 6. Margins (changed)" in result.output


def test_a_changed_deal_is_reported(tmp_path: Path, write_deal: Callable[..., Path]) -> None:
    path = generated(tmp_path)

    def cheaper(d: dict[str, Any]) -> None:
        d["agreement"]["referral"]["fee_percent"] = 8

    result = run_cli("verify", str(path), "--deal", str(write_deal(cheaper)))
    assert result.exit_code == 1
    assert "differs from what" in result.output and "8. Referral fees (changed)" in result.output
    assert "the deal's terms changed" in result.output


def test_a_foreign_document(tmp_path: Path) -> None:
    plain = tmp_path / "plain.docx"
    Document().save(str(plain))
    result = run_cli("verify", str(plain))
    assert result.exit_code == 1 and "no p2pdocs provenance" in result.output
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"not a zip")
    result = run_cli("verify", str(junk))
    assert result.exit_code == 2 and "not a readable .docx" in result.output
