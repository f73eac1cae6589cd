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


def two_sows(d: dict[str, Any]) -> None:
    d["statements_of_work"].append({**d["statements_of_work"][0], "id": "SOW-002"})


def test_a_deal_folder_holds_only_what_this_run_wrote(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("generate", str(write_deal(two_sows)), "-o", str(out), "--no-progress").exit_code == 0
    folder = out / FOLDER
    assert {"review-memo.md", "review-memo.docx", "sow-SOW-002.docx"} <= {p.name for p in folder.iterdir()}
    mine = {"notes.md": b"my notes\n", "sow-ideas.docx": b"not p2pdocs", "review-memo.pdf": b"%PDF-1.4 mine"}
    for name, data in mine.items():
        (folder / name).write_bytes(data)
    # without --force nothing is removed, and the deal is refused
    result = run_cli("generate", str(EXAMPLE), "-o", str(out), "--no-memo", "--no-progress")
    assert result.exit_code == 2 and "refusing to overwrite (use --force)" in result.output
    assert (folder / "review-memo.md").exists()
    result = run_cli("generate", str(EXAMPLE), "-o", str(out), "--no-memo", "--force", "--no-progress")
    assert result.exit_code == 0, result.output
    listed = [d["path"] for d in json.loads((out / "manifest.json").read_text())["deals"][0]["documents"]]
    assert sorted(listed) == [f"{FOLDER}/partnering-agreement.docx", f"{FOLDER}/sow-SOW-001.docx"]
    assert {p.name for p in folder.iterdir()} == {"partnering-agreement.docx", "sow-SOW-001.docx", *mine}
    assert all((folder / name).read_bytes() == data for name, data in mine.items())
