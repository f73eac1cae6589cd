"""What a run leaves in its output folder: every target checked before the first is
written, only this run's outputs in a deal's folder, a manifest that never describes
other files, and one run at a time."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, EXAMPLE_ID, run_cli

FOLDER = EXAMPLE_ID


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
    made = ["deal-register.xlsx", "partnering-agreement.docx", "partnership-plan.docx", "sow-SOW-001.docx"]
    assert sorted(listed) == [f"{FOLDER}/{name}" for name in made]
    assert {p.name for p in folder.iterdir()} == {*made, *mine}
    assert all((folder / name).read_bytes() == data for name, data in mine.items())


def test_a_run_marks_the_old_manifest_stale_before_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Were the run killed while it writes the deal's files, the manifest would not list the
    files of the run before."""
    import p2pdocs.run.batch

    out = tmp_path / "out"
    assert run_cli("generate", str(EXAMPLE), "-o", str(out), "--no-progress").exit_code == 0
    assert "review-memo.md" in (out / "manifest.json").read_text(encoding="utf-8")
    seen: list[dict[str, Any]] = []
    real = p2pdocs.run.batch.generate

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(json.loads((out / "manifest.json").read_text(encoding="utf-8")))
        return real(*args, **kwargs)

    monkeypatch.setattr(p2pdocs.run.batch, "generate", watched)
    result = run_cli("generate", str(EXAMPLE), "-o", str(out), "--no-memo", "--force", "-j", "1", "--no-progress")
    assert result.exit_code == 0, result.output
    assert seen and seen[0]["deals"] == [] and "has not finished" in seen[0]["stale"]
    final = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "stale" not in final and [d["status"] for d in final["deals"]] == ["generated"]


def _full_disk_for(monkeypatch: pytest.MonkeyPatch, out: Path, names: tuple[str, ...]) -> None:
    """Creating a file under ``out`` whose name holds one of ``names`` fails: disk full."""
    real = os.open

    def full(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).startswith(str(out)) and flags & os.O_CREAT and any(n in str(path) for n in names):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", full)


def test_an_unwritable_manifest_still_reports_every_deal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    _full_disk_for(monkeypatch, out, ("manifest.json",))
    result = run_cli("generate", str(EXAMPLE), "-o", str(out), "-j", "1", "--no-progress")
    assert result.exit_code == 1
    assert "[1/1] generated CONTOSO-FABRIKAM-2027: 6 documents" in result.output
    assert "generated 1 of 1 deals (6 documents)" in result.output
    assert "error: the manifest could not be written: " in result.output and "No space left on device" in result.output
    assert (out / FOLDER / "partnering-agreement.docx").exists() and not (out / "manifest.json").exists()


def test_nothing_generated_and_no_manifest_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    _full_disk_for(monkeypatch, out, (".part",))  # every file is written through a temporary one
    result = run_cli("generate", str(EXAMPLE), "-o", str(out), "-j", "1", "--no-progress")
    assert result.exit_code == 2
    assert EXAMPLE_ID in result.output and "No space left on device" in result.output
    assert "generated 0 of 1 deals (0 documents) in " in result.output and "; 1 failed" in result.output
    assert "error: the manifest could not be written: " in result.output
    assert "Traceback" not in result.output


def test_a_second_run_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    with (out / ".p2pdocs.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a first run, under way
        result = run_cli("generate", str(EXAMPLE), "-o", str(out), "--no-progress")
    assert result.exit_code == 2
    assert f"error: {out}: another p2pdocs run is writing into this folder" in result.output
    assert not (out / FOLDER).exists() and not (out / "manifest.json").exists()
    assert run_cli("generate", str(EXAMPLE), "-o", str(out), "--no-progress").exit_code == 0  # once it has ended
