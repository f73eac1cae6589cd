"""Batch runs: defaults, directories, errors per deal, parallel workers, manifest, interruption."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLE, EXAMPLE_ID, ROOT, example_data, run_cli

PROGRAMME = ROOT / "examples" / "programme" / "fabrikam-programme.yaml"


def batch_text(deals: list[dict[str, Any]], defaults: dict[str, Any] | None = None) -> str:
    doc: dict[str, Any] = {"p2pdocs": 1}
    if defaults is not None:
        doc["defaults"] = defaults
    doc["deals"] = deals
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def deal(i: int) -> dict[str, Any]:
    data = example_data()
    del data["p2pdocs"]
    data["agreement"]["id"] = f"DEAL-{i:03d}"
    return data


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_twenty_four_deals_three_invalid(tmp_path: Path) -> None:
    deals = [deal(i) for i in range(24)]
    deals[7]["agreement"]["currency"] = "euro"
    deals[21]["agreement"]["margins"][0]["by_year"] = [25, 150]
    deals[23]["statements_of_work"][0]["prime"] = "nobody"
    path = tmp_path / "batch.yaml"
    path.write_text(batch_text(deals), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    out = tmp_path / "out"
    result = run_cli("generate", str(path), "-o", str(out), "--jobs", "2", "--no-progress")
    assert result.exit_code == 1, result.output
    assert len([d for d in out.iterdir() if d.is_dir()]) == 21
    assert not (out / "DEAL-007").exists() and not (out / "DEAL-021").exists() and not (out / "DEAL-023").exists()
    for bad_id, field, fragment in (
        ("DEAL-007", "deals[7].agreement.currency", "currency: euro"),
        ("DEAL-021", "deals[21].agreement.margins[0].by_year[1]", "- 150"),
        ("DEAL-023", "deals[23].statements_of_work[0].prime", "prime: nobody"),
    ):
        line = next(n for n, text in enumerate(lines, 1) if fragment in text)
        assert f"{bad_id} ({path}:" in result.output
        assert f"{path}:{line}: {field}: " in result.output, (bad_id, line)
    assert "generated 21 of 24 deals (126 documents)" in result.output  # 4 documents and the memo, twice
    first = tree(out)
    again = run_cli("generate", str(path), "-o", str(out), "--jobs", "2", "--no-progress", "--force")
    assert again.exit_code == 1
    assert tree(out) == first, "a re-run with --force gives byte-identical files and manifest"


def test_defaults_merge_and_errors_point_into_the_defaults(tmp_path: Path) -> None:
    base = deal(0)
    defaults = {"agreement": {k: base["agreement"][k] for k in ("effective_date", "currency", "term", "disputes")}}
    defaults["agreement"]["disputes"] = {"process": "escalation_mediation", "tier1_days": 0}
    deals = []
    for i in range(2):
        d = deal(i)
        for k in ("effective_date", "currency", "term", "disputes"):
            del d["agreement"][k]
        deals.append(d)
    deals[1]["agreement"]["disputes"] = {"process": "escalation", "tier1_days": 20}
    path = tmp_path / "batch.yaml"
    path.write_text(batch_text(deals, defaults), encoding="utf-8")
    tier_line = next(n for n, t in enumerate(path.read_text().splitlines(), 1) if "tier1_days: 0" in t)
    out = tmp_path / "out"
    result = run_cli("generate", str(path), "-o", str(out), "--no-progress", "-j", "1")
    assert result.exit_code == 1, result.output
    assert f"{path}:{tier_line}: defaults.agreement.disputes.tier1_days: must be greater than or equal to 1" in (
        result.output
    )
    # deal 1 replaced tier1_days (mapping merge: its own value wins) and kept the defaults' other terms
    assert (out / "DEAL-001" / "partnering-agreement.docx").exists()
    from p2pdocs.word.render import docx_text

    text = " ".join(docx_text((out / "DEAL-001" / "partnering-agreement.docx").read_bytes()).split())
    assert "within 20 days of the notice" in text and "initial term of 24 months" in text


def test_lists_in_a_deal_replace_the_defaults(tmp_path: Path) -> None:
    d = deal(0)
    defaults = {"agreement": {"models": ["referral", "resale", "co_delivery", "teaming"]}}
    d["agreement"]["models"] = ["co_sell"]
    path = tmp_path / "batch.yaml"
    path.write_text(batch_text([d], defaults), encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("generate", str(path), "-o", str(out), "-j", "1", "--no-progress").exit_code == 0
    from p2pdocs.word.render import docx_text

    text = docx_text((out / "DEAL-000" / "partnering-agreement.docx").read_bytes())
    assert "in the following ways: co-selling." in text


def test_directory_input_sorted_and_duplicate_ids(tmp_path: Path) -> None:
    folder = tmp_path / "deals"
    (folder / "sub").mkdir(parents=True)
    (folder / "b.yaml").write_text(EXAMPLE.read_text())
    (folder / "sub" / "a.yml").write_text(EXAMPLE.read_text())
    (folder / "notes.txt").write_text("ignored")
    ok = deal(5)
    (folder / "c.yaml").write_text(batch_text([ok]))
    out = tmp_path / "out"
    result = run_cli("generate", str(folder), "-o", str(out), "-j", "1", "--no-progress")
    assert result.exit_code == 1
    assert f"agreement id 'CONTOSO-FABRIKAM-2027' is used twice in this run (also {folder / 'sub' / 'a.yml'}:1)" in (
        result.output
    )
    assert f"(also {folder / 'b.yaml'}:1)" in result.output
    assert not (out / EXAMPLE_ID).exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert [d["source"]["file"] for d in manifest["deals"]] == [
        str(folder / "b.yaml"),
        str(folder / "c.yaml"),
        str(folder / "sub" / "a.yml"),
    ]
    assert [d["status"] for d in manifest["deals"]] == ["failed", "generated", "failed"]


def test_manifest_records_every_document(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("generate", str(PROGRAMME), "-o", str(out), "--no-progress").exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["p2pdocs"] == "0.1.0"
    assert len(manifest["deals"]) == 20
    import hashlib

    for entry in manifest["deals"]:
        assert entry["status"] == "generated" and entry["errors"] == []
        assert entry["source"]["file"] == str(PROGRAMME) and entry["source"]["line"] > 30
        for doc in entry["documents"]:
            data = (out / doc["path"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == doc["sha256"] and len(data) == doc["size"]
            if doc["template"] in ("partnering-agreement.docx", "statement-of-work.docx"):
                assert any(c.startswith(("margins.schedule@", "sow.margins@")) for c in doc["clauses"])


def _run_and_kill(tmp_path: Path, sig: int, target: str) -> tuple[Path, int, str]:
    """Start a 60-deal run in a real process, kill it (or a worker) once some documents exist
    (long enough that the run is still going when the signal comes)."""
    deals = [deal(i) for i in range(60)]
    for d in deals:  # the plan's register workbook is the slowest document; these deals test interruption
        del d["agreement"]["plan"]
    path = tmp_path / "batch.yaml"
    path.write_text(batch_text(deals), encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "p2pdocs", "generate", str(path), "-o", str(out), "-j", "2", "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        # a shell starts background jobs with SIGINT ignored, and a child inherits that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*/sow-*.docx"))) < 5:
        time.sleep(0.02)
    if target == "main":
        proc.send_signal(sig)
    else:
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        assert children, "no worker process found"
        os.kill(int(children[0]), sig)
    _, err = proc.communicate(timeout=120)
    return out, proc.returncode, err.decode()


def _assert_only_complete_documents(out: Path) -> None:
    import zipfile

    from docx import Document

    assert not list(out.rglob("*.part")), "temporary files left behind"
    for docx in out.rglob("*.docx"):
        with zipfile.ZipFile(docx) as z:
            assert z.testzip() is None
        Document(str(docx))


@pytest.mark.parametrize(
    ("sig", "target"),
    [(signal.SIGTERM, "main"), (signal.SIGINT, "main"), (signal.SIGKILL, "worker"), (signal.SIGKILL, "main")],
)
def test_interrupted_run_leaves_only_complete_documents(tmp_path: Path, sig: int, target: str) -> None:
    out, code, err = _run_and_kill(tmp_path, sig, target)
    if sig == signal.SIGKILL and target == "main":
        time.sleep(2)  # orphaned workers finish the document they are writing, then exit
    _assert_only_complete_documents(out)
    assert "Traceback" not in err
    if sig == signal.SIGKILL and target == "main":
        assert code == -signal.SIGKILL
    elif target == "worker":
        assert code == 1 and "a worker process died" in err
    else:
        assert code == 130 and "interrupted" in err
        manifest = json.loads((out / "manifest.json").read_text())
        done = [d for d in manifest["deals"] if d["status"] == "generated"]
        assert 0 < len(done) < 60
        assert {d["status"] for d in manifest["deals"]} == {"generated", "interrupted"}
        for entry in done:
            for doc in entry["documents"]:
                assert (out / doc["path"]).exists()
    if sig == signal.SIGKILL:  # what a killed process leaves (stale manifest, lock, orphans) does not block a re-run
        rerun = run_cli("generate", str(tmp_path / "batch.yaml"), "-o", str(out), "--force", "--no-progress")
        assert rerun.exit_code == 0
        assert len(list(out.glob("*/partnering-agreement.docx"))) == 60


def test_a_yaml_error_late_in_a_batch_stops_it_before_anything_is_written(tmp_path: Path) -> None:
    """The first pass reads the whole file: deal 30's broken YAML is found before deal 0 is generated."""
    path = tmp_path / "batch.yaml"
    text = batch_text([deal(i) for i in range(40)])
    lines = text.splitlines()
    broken = next(n for n, line in enumerate(lines) if "DEAL-030" in line) + 1
    lines[broken] = lines[broken].split(":")[0] + ": [unclosed"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("generate", str(path), "-o", str(out), "-j", "2", "--no-progress")
    assert result.exit_code == 2
    # libyaml names the line where it noticed: the broken one or the next
    assert any(f"{path}:{n}: not valid YAML" in result.output for n in (broken + 1, broken + 2)), result.output
    assert not out.exists() or not any(out.iterdir())


def test_defaults_and_format_may_follow_the_deals(tmp_path: Path) -> None:
    """Key order in a batch file does not matter: the header is read in the first pass."""
    deals = [deal(i) for i in range(3)]
    for d in deals:
        del d["agreement"]["currency"]
    text = yaml.safe_dump(
        {"deals": deals, "defaults": {"agreement": {"currency": "USD"}}, "p2pdocs": 1}, sort_keys=False
    )
    path = tmp_path / "batch.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("generate", str(path), "-o", str(out), "-j", "1", "--no-progress")
    assert result.exit_code == 0, result.output
    from p2pdocs.word.render import docx_text

    assert "USD" in docx_text((out / "DEAL-002" / "partnering-agreement.docx").read_bytes())


def test_duplicate_ids_within_one_batch_are_both_refused(tmp_path: Path) -> None:
    deals = [deal(i) for i in range(5)]
    deals[3]["agreement"]["id"] = "DEAL-001"
    path = tmp_path / "batch.yaml"
    path.write_text(batch_text(deals), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("generate", str(path), "-o", str(out), "-j", "2", "--no-progress")
    assert result.exit_code == 1
    assert result.output.count("agreement id 'DEAL-001' is used twice in this run") == 2
    assert not (out / "DEAL-001").exists() and (out / "DEAL-004").is_dir()
    manifest = json.loads((out / "manifest.json").read_text())
    assert [d["status"] for d in manifest["deals"]] == ["generated", "failed", "generated", "failed", "generated"]


def test_aliases_across_deals_and_merge_keys(tmp_path: Path) -> None:
    """PyYAML's dumper aliases objects shared between deals; a merge key pulls in a mapping."""
    shared = deal(0)["agreement"]["parties"]
    deals = [deal(i) for i in range(3)]
    for d in deals:
        d["agreement"]["parties"] = shared  # dumped once with an anchor, then as aliases
    text = batch_text(deals)
    assert "&id001" in text and "*id001" in text
    text = text.replace("  agreement:\n", "  agreement:\n    <<: {status: final}\n", 1)
    path = tmp_path / "batch.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("generate", str(path), "-o", str(out), "-j", "1", "--no-progress")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["DEAL-000", "DEAL-001", "DEAL-002"]


def test_no_memo_writes_the_documents_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("generate", str(EXAMPLE), "-o", str(out), "--no-memo", "--no-progress")
    assert result.exit_code == 0, result.output
    folder = out / EXAMPLE_ID
    assert not (folder / "review-memo.docx").exists() and not (folder / "review-memo.md").exists()
    listed = [d["path"] for d in json.loads((out / "manifest.json").read_text())["deals"][0]["documents"]]
    assert sorted(listed) == sorted(p.relative_to(out).as_posix() for p in folder.iterdir())
