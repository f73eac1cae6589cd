"""Reading the deals of a run: a deal refused while it is read fails alone and is counted
once; an empty batch says so; pipes and process substitution are read once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLE, EXAMPLE_ID, example_data, run_cli


def deal(i: int) -> dict[str, Any]:
    data = example_data()
    del data["p2pdocs"]
    data["agreement"]["id"] = f"DEAL-{i}"
    return data


def manifest(out: Path) -> list[dict[str, Any]]:
    deals: list[dict[str, Any]] = json.loads((out / "manifest.json").read_text())["deals"]
    return deals


BOMB = (
    "[&b0 [x, x, x, x, x, x, x, x, x, x], "
    + ", ".join(f"&b{n} [{', '.join([f'*b{n - 1}'] * 10)}]" for n in range(1, 6))
    + "]"
)


@pytest.mark.parametrize(
    ("hostile", "says"),
    [
        ("[" * 150 + "]" * 150, "values are nested more than 100 levels deep; refused"),
        (BOMB, "aliases expand to more than 20,000 values; refused"),
    ],
)
def test_a_deal_refused_while_it_is_read_fails_alone(tmp_path: Path, hostile: str, says: str) -> None:
    lines = yaml.safe_dump({"p2pdocs": 1, "deals": [deal(i) for i in range(5)]}, sort_keys=False).splitlines()
    third = [n for n, text in enumerate(lines) if text.startswith("- agreement:")][2]
    lines[third + 1 : third + 1] = [f"    hostile: {hostile}"]
    path = tmp_path / "batch.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("generate", str(path), "-o", str(out), "-j", "1", "--no-progress")
    assert result.exit_code == 1, result.output
    assert says in result.output
    assert "[5/5]" in result.output and "[6/5]" not in result.output
    assert "not read" not in result.output
    assert [(d["id"], d["status"]) for d in manifest(out)] == [
        ("DEAL-0", "generated"),
        ("DEAL-1", "generated"),
        ("DEAL-2", "failed"),
        ("DEAL-3", "generated"),
        ("DEAL-4", "generated"),
    ]


def test_an_empty_batch_says_it_holds_no_deals(tmp_path: Path) -> None:
    path = tmp_path / "batch.yaml"
    path.write_text("p2pdocs: 1\ndeals: []\n", encoding="utf-8")
    result = run_cli("generate", str(path), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert f"{path}:2: deals: the batch file holds no deals" in result.output
    assert "no deal files" not in result.output


@pytest.mark.skipif(sys.platform == "win32", reason="pipes and FIFOs are POSIX")
def test_process_substitution_is_read_once(tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = f'exec {sys.executable} -m p2pdocs generate <(cat "{EXAMPLE}") -o "{out}" --no-progress -j 1'
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (out / EXAMPLE_ID / "partnering-agreement.docx").is_file()


@pytest.mark.skipif(sys.platform == "win32", reason="pipes and FIFOs are POSIX")
def test_a_fifo_is_read_once_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "deals.yaml"
    os.mkfifo(fifo)
    batch = yaml.safe_dump({"p2pdocs": 1, "deals": [deal(1), deal(2)]}, sort_keys=False)

    def feed() -> None:
        with fifo.open("w", encoding="utf-8") as handle:
            handle.write(batch)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "p2pdocs", "generate", str(fifo), "-o", str(out), "--no-progress", "-j", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    writer.join(timeout=5)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["DEAL-1", "DEAL-2"]
