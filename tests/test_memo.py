"""The review memo: key terms, findings, clauses used and left out with reasons, open
items, and the documents' hashes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import run_cli

from p2pdocs.render import docx_text

FOLDER = "CONTOSO-FABRIKAM-2027"


def risky(d: dict[str, Any]) -> None:
    d["agreement"]["margins"][1]["by_year"] = [15, 12]
    del d["agreement"]["disputes"]
    del d["agreement"]["parties"]["fabrikam"]["sponsor"]


def test_memo_in_markdown_and_word(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    result = run_cli("generate", str(write_deal(risky)), "-o", str(tmp_path), "--no-progress")
    assert result.exit_code == 0, result.output
    folder = tmp_path / FOLDER
    md = (folder / "review-memo.md").read_text(encoding="utf-8")
    word = " ".join(docx_text((folder / "review-memo.docx").read_bytes()).split())
    for text in (md, word):
        assert "Contoso keeps 15% on projects in year 1; the playbook expects at least 20%" in text
        assert "P27" in text and "P21" in text
        assert "roles.prime" in text and "resells" in text
        assert "The Parties resell, co-deliver or team, so one Party must hold each Customer contract." in text
        assert "disputes.resolution" in text
        assert "The deal sets no dispute process; the courts of the governing law decide disputes." in text
        assert "Fabrikam: no executive sponsor is given." in text
        assert "SoW SOW-001: no customer contract reference is given." in text
    for name in ("partnering-agreement.docx", "sow-SOW-001.docx"):
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        assert f"| {name} | `{digest}` |" in md
        assert f"{name} | {digest}" in word
    assert (
        "| partnering-agreement.docx | 6 | margins.schedule | 1.0.0 | - | The deal gives a margin schedule of 3" in md
    )
