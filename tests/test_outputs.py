"""What a run leaves in its output folder: every target checked before the first is
written, only this run's outputs in a deal's folder, a manifest that never describes
other files, and one run at a time."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import EXAMPLE, run_cli

FOLDER = "CONTOSO-FABRIKAM-2027"


def cheaper(d: dict[str, Any]) -> None:
    d["agreement"]["referral"]["fee_percent"] = 8


def test_a_refused_deal_is_not_partly_overwritten(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("generate", str(EXAMPLE), "-o", str(out), "--no-progress").exit_code == 0
    folder = out / FOLDER
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    elsewhere = tmp_path / "notes.md"
    elsewhere.write_text("my notes\n", encoding="utf-8")
    (folder / "review-memo.md").unlink()
    (folder / "review-memo.md").symlink_to(elsewhere)
    result = run_cli("generate", str(write_deal(cheaper)), "-o", str(out), "--force", "--no-progress")
    assert result.exit_code == 2
    assert f"{folder / 'review-memo.md'}: is a symbolic link; refusing to write through it" in result.output
    for name in ("partnering-agreement.docx", "sow-SOW-001.docx", "review-memo.docx"):
        assert (folder / name).read_bytes() == before[name], name
    assert elsewhere.read_text(encoding="utf-8") == "my notes\n"
