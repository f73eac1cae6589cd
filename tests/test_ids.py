"""Ids become file and folder names: two that would be one file on macOS or Windows (they
differ only in case), or an agreement id that is a name the output folder itself uses,
are refused, naming both places; and so are duplicates however the id is given."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import example_data, run_cli


def deal(agreement_id: str | None) -> dict[str, Any]:
    data = example_data()
    del data["p2pdocs"]
    if agreement_id is None:
        del data["agreement"]["id"]
    else:
        data["agreement"]["id"] = agreement_id
    return data


def line_of(path: Path, fragment: str, nth: int = 0) -> int:
    return [n for n, text in enumerate(path.read_text().splitlines(), 1) if fragment in text][nth]


def statuses(out: Path) -> list[str]:
    return [d["status"] for d in json.loads((out / "manifest.json").read_text())["deals"]]


def test_sow_ids_that_differ_only_in_case(tmp_path: Path, write_deal: Callable[..., Path]) -> None:
    def two(data: dict[str, Any]) -> None:
        second = dict(data["statements_of_work"][0], id="sow-001")
        data["statements_of_work"].append(second)

    path = write_deal(two)
    out = tmp_path / "out"
    result = run_cli("generate", str(path), "-o", str(out))
    assert result.exit_code == 2, result.output
    line = line_of(path, "id: sow-001")
    assert (
        f"{path}:{line}: statements_of_work[1].id: SoW id 'sow-001' differs only in case from 'SOW-001' "
        "(statements_of_work[0]); their files would be one on macOS and Windows"
    ) in result.output
    assert not out.exists()


def test_agreement_ids_that_differ_only_in_case_fail_both(tmp_path: Path) -> None:
    path = tmp_path / "batch.yaml"
    path.write_text(yaml.safe_dump({"p2pdocs": 1, "deals": [deal("ACME-1"), deal("OTHER"), deal("acme-1")]}))
    first, second = line_of(path, "- agreement:", 0), line_of(path, "- agreement:", 2)
    out = tmp_path / "out"
    result = run_cli("generate", str(path), "-o", str(out), "-j", "1", "--no-progress")
    assert result.exit_code == 1, result.output
    assert (
        f"{path}:{first}: agreement.id: agreement id 'ACME-1' differs only in case from 'acme-1' ({path}:{second}); "
        "their folders would be one on macOS and Windows"
    ) in result.output
    assert (
        f"{path}:{second}: agreement.id: agreement id 'acme-1' differs only in case from 'ACME-1' ({path}:{first})"
        in (result.output)
    )
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["OTHER"]
    assert statuses(out) == ["failed", "generated", "failed"]


@pytest.mark.parametrize("agreement_id", ["manifest.json", "MANIFEST.JSON", "manifest.json.lock", "Manifest.Json.part"])
def test_an_agreement_id_the_output_folder_uses_is_refused(
    tmp_path: Path, write_deal: Callable[..., Path], agreement_id: str
) -> None:
    path = write_deal(lambda d: d["agreement"].update(id=agreement_id))
    out = tmp_path / "out"
    result = run_cli("generate", str(path), "-o", str(out))
    assert result.exit_code == 2, result.output
    line = line_of(path, f"id: {agreement_id}")
    assert f"{path}:{line}: agreement.id: '{agreement_id}' is a name p2pdocs uses in the output folder" in result.output
    assert not out.exists()


def _batch_json(tmp_path: Path, deals: list[dict[str, Any]], defaults: dict[str, Any]) -> Path:
    path = tmp_path / "batch.json"
    path.write_text(json.dumps({"p2pdocs": 1, "defaults": defaults, "deals": deals}, default=str))
    return path


def test_an_id_shared_through_the_defaults_fails_both_before_either_is_written(tmp_path: Path) -> None:
    """A JSON batch is one line: both deals take their id from the defaults."""
    path = _batch_json(tmp_path, [deal(None), deal("OWN-ID"), deal(None)], {"agreement": {"id": "SHARED"}})
    out = tmp_path / "out"
    result = run_cli("generate", str(path), "-o", str(out), "-j", "1", "--no-progress")
    assert result.exit_code == 1, result.output
    assert result.output.count(f"agreement id 'SHARED' is used twice in this run (also {path}:1)") == 2
    assert not (out / "SHARED").exists()
    assert statuses(out) == ["failed", "generated", "failed"]


def test_an_id_shared_through_an_alias_or_a_merge_key_fails_both(tmp_path: Path) -> None:
    agreement = yaml.safe_dump(deal("SHARED")["agreement"], sort_keys=False)
    body = "\n".join("      " + line for line in agreement.splitlines())
    text = (
        "p2pdocs: 1\ndeals:\n"
        f"  - agreement: &base\n{body}\n"
        "  - agreement: *base\n"
        "  - agreement:\n      <<: *base\n      status: final\n"
        "  - agreement:\n      <<: *base\n      id: OWN-ID\n"
    )
    path = tmp_path / "batch.yaml"
    path.write_text(text)
    out = tmp_path / "out"
    result = run_cli("generate", str(path), "-o", str(out), "-j", "2", "--no-progress")
    assert result.exit_code == 1, result.output
    assert result.output.count("agreement id 'SHARED' is used twice in this run") == 6  # each names the two others
    assert not (out / "SHARED").exists() and (out / "OWN-ID").is_dir()
    assert statuses(out) == ["failed", "failed", "failed", "generated"]
