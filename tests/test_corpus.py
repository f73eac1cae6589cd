"""The corpus of hostile inputs (tests/corpus/expected.yaml): every command that reads user
files answers each with the expected outcome, a clear message and no traceback, and
writes nothing for an invalid one. Plus faults: a full disk, an unwritable directory,
symlinks in the output path, concurrent runs."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLE, EXAMPLE_ID, ROOT, run_cli

from p2pdocs.word.render import docx_text

CORPUS = ROOT / "tests" / "corpus"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
INVALID = [name for name, e in EXPECTED.items() if e["exit"] == 2]


def test_corpus_lists_every_file() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in CORPUS.glob("*.yaml") if p.name != "expected.yaml")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_generate(name: str, tmp_path: Path) -> None:
    expected = EXPECTED[name]
    out = tmp_path / "out"
    result = run_cli("generate", str(CORPUS / name), "-o", str(out), "--no-progress")
    assert result.exit_code == expected["exit"], result.output
    assert expected["says"] in result.output
    assert "Traceback" not in result.output
    if expected["exit"] == 2:
        assert not out.exists(), "nothing is written for an invalid input"
    if "literal" in expected:
        data = yaml.safe_load((CORPUS / name).read_text(encoding="utf-8"))
        value: Any = data
        for key in expected["literal"].split("."):
            value = value[key]
        (agreement,) = out.glob("*/partnering-agreement.docx")
        assert value in docx_text(agreement.read_bytes())


@pytest.mark.parametrize("name", INVALID)
def test_check_and_redline_refuse_the_same(name: str, tmp_path: Path) -> None:
    check = run_cli("check", str(CORPUS / name))
    assert check.exit_code == 2 and "Traceback" not in check.output
    assert EXPECTED[name]["says"].split(": ")[0].split(":")[0] in check.output
    out = tmp_path / "redline.docx"
    redline = run_cli("redline", str(CORPUS / name), str(EXAMPLE), "-o", str(out))
    assert redline.exit_code == 2 and "Traceback" not in redline.output and not out.exists()
    assert name in redline.output


@pytest.mark.parametrize("name", ["binary.yaml", "alias-bomb.yaml", "latin-1.yaml", "empty.yaml"])
def test_verify_and_lint_refuse_hostile_files(name: str, tmp_path: Path) -> None:
    verify = run_cli("verify", str(CORPUS / name))
    assert verify.exit_code == 2 and "not a readable .docx" in verify.output
    library = tmp_path / "lib"
    library.mkdir()
    (library / "odd.yaml").write_bytes((CORPUS / name).read_bytes())
    lint = run_cli("clauses", "lint", str(library))
    assert lint.exit_code == 2 and "Traceback" not in lint.output and "odd.yaml" in lint.output


def test_full_disk_leaves_nothing_half_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert run_cli("generate", str(EXAMPLE), "-o", str(out)).exit_code == 0
    target = out / EXAMPLE_ID / "partnering-agreement.docx"
    before = target.read_bytes()
    real_write = os.write

    def full(fd: int, data: Any) -> int:
        """The disk fills up half way through the first write of a document."""
        real_write(fd, bytes(data)[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    result = run_cli("generate", str(EXAMPLE), "-o", str(out), "--force", "--no-progress")
    assert (
        result.exit_code in (1, 2) and "No space left on device" in result.output and "Traceback" not in result.output
    )
    assert target.read_bytes() == before, "the old file is kept whole"
    assert not list(out.rglob("*.part")) and not list(out.rglob(".*.part"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permissions; the simulated test below covers it")
def test_unwritable_output_directory(tmp_path: Path) -> None:
    out = tmp_path / "locked"
    out.mkdir()
    out.chmod(0o555)
    result = run_cli("generate", str(EXAMPLE), "-o", str(out), "--no-progress")
    out.chmod(0o755)
    assert result.exit_code == 2 and "Permission denied" in result.output and "Traceback" not in result.output
    assert list(out.iterdir()) == []


def test_unwritable_output_directory_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "locked"
    real = os.open

    def refuse(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).startswith(str(out)) and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    result = run_cli("generate", str(EXAMPLE), "-o", str(out), "--no-progress")
    assert result.exit_code in (1, 2) and "Permission denied" in result.output and "Traceback" not in result.output
    assert not list(out.rglob("*.docx"))


def test_symlinks_in_the_output_path_are_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / EXAMPLE_ID).symlink_to(elsewhere, target_is_directory=True)
    result = run_cli("generate", str(EXAMPLE), "-o", str(out), "--no-progress")
    assert result.exit_code == 2 and "is a symbolic link; refusing" in result.output
    assert list(elsewhere.iterdir()) == []
    (out / EXAMPLE_ID).unlink()
    (out / EXAMPLE_ID).mkdir()
    (out / EXAMPLE_ID / "partnering-agreement.docx").symlink_to(elsewhere / "stolen.docx")
    result = run_cli("generate", str(EXAMPLE), "-o", str(out), "--force", "--no-progress")
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert not (elsewhere / "stolen.docx").exists()


def test_concurrent_runs_do_not_corrupt_each_other(tmp_path: Path) -> None:
    out = tmp_path / "out"
    batch = ROOT / "examples" / "programme" / "fabrikam-programme.yaml"
    command = [
        sys.executable,
        "-m",
        "p2pdocs",
        "generate",
        str(EXAMPLE),
        str(batch),
        "-o",
        str(out),
        "--force",
        "--no-progress",
        "-j",
        "2",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(3)]
    results = [run.communicate(timeout=300) for run in runs]
    busy = b"another p2pdocs run is writing into this folder"  # one run at a time: the others are refused
    for run, (_, err) in zip(runs, results, strict=True):
        assert run.returncode == 0 or (run.returncode == 2 and busy in err), err
    assert any(run.returncode == 0 for run in runs), [err for _, err in results]
    reference = tmp_path / "reference"
    assert run_cli("generate", str(EXAMPLE), str(batch), "-o", str(reference), "--no-progress").exit_code == 0
    for made in reference.rglob("*.docx"):
        assert (out / made.relative_to(reference)).read_bytes() == made.read_bytes()
    assert not list(out.rglob(".*.part"))


def test_many_harmless_aliases_are_accepted(tmp_path: Path) -> None:
    """PyYAML's dumper aliases repeated objects (here one date, 21,000 times): not a bomb."""
    import datetime

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    due = datetime.date(2027, 3, 1)
    sow = data["statements_of_work"][0]
    data["statements_of_work"] = [
        {
            **sow,
            "id": f"SOW-{n:03d}",
            "deliverables": [{"name": f"D{i}", "due": due} for i in range(1000)],
            "go_live": "D0",  # go-live and milestones name deliverables of the SoW
            "milestones": [{**m, "on_acceptance_of": "D0"} for m in sow["milestones"]],
        }
        for n in range(21)
    ]
    path = tmp_path / "aliased.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert path.read_text(encoding="utf-8").count("*id") > 20_000
    result = run_cli("check", str(path), "--format", "json")
    assert result.exit_code == 0, result.output[-500:]
