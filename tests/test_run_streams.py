"""A run's main process at any size: the manifest copied from its spool in blocks, never
read whole, and no more worker processes started than there are deals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, EXAMPLE_ID


def test_the_manifest_is_copied_from_its_spool_in_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from p2pdocs.deal.inputs import Entry
    from p2pdocs.run.manifest import ManifestWriter
    from p2pdocs.run.outcomes import Outcome

    writer = ManifestWriter()
    reads: list[int] = []
    spool_read = writer.spool.read

    def read(size: int = -1) -> bytes:
        assert size > 0, "the whole spool read at once"
        reads.append(size)
        return spool_read(size)

    monkeypatch.setattr(writer.spool, "read", read)
    for i in range(3000):  # about 0.6 MB of manifest
        entry = Entry(f"deal {i}", "deals.yaml", i + 1, None, [], f"DEAL-{i}")
        writer.add(i, Outcome(entry, "failed", errors=["x" * 150]))
    assert writer.close(tmp_path) is None
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [d["id"] for d in manifest["deals"]] == [f"DEAL-{i}" for i in range(3000)]
    assert reads and max(reads) <= 1 << 20


def test_one_deal_starts_no_worker_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import p2pdocs.run.batch
    from p2pdocs.deal.inputs import read_all

    def no_pool(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("worker processes started for one deal")

    monkeypatch.setattr(p2pdocs.run.batch, "parallel", no_pool)
    entries, _ = read_all([EXAMPLE])
    report = p2pdocs.run.batch.run(entries, tmp_path / "out", jobs=4, total=1)
    assert report.generated == 1
    assert (tmp_path / "out" / EXAMPLE_ID / "partnering-agreement.docx").exists()
