"""generate --scheduler: the deals on a dask.distributed cluster of real processes (a
scheduler and two worker processes on 127.0.0.1, one cluster for the module): the same
bytes as a local run, a worker killed mid-run, an interruption, a worker of another
p2pdocs refused, a scheduler lost mid-run (its own scheduler and worker, started as a user
starts them), and the messages when the cluster cannot be used."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli, soffice
from test_batch import batch_text, deal, tree

distributed = pytest.importorskip("distributed", reason="the distributed extra is not installed")

from p2pdocs.deal.inputs import Inputs  # noqa: E402
from p2pdocs.run.batch import run  # noqa: E402
from p2pdocs.run.cluster import WORKER_DIED_CLUSTER  # noqa: E402
from p2pdocs.run.outcomes import Outcome  # noqa: E402


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A scheduler and two single-threaded worker processes (each under a nanny that
    restarts it when it dies), and a client of the test's own to look at them."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
        ) as local,
        distributed.Client(local, set_as_default=False) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Twelve deals, one invalid; and their documents from a local run."""
    folder = tmp_path_factory.mktemp("cluster")
    deals = [deal(i) for i in range(12)]
    deals[5]["agreement"]["currency"] = "euro"
    for d in deals[6:]:  # the plan's register is the slowest document: half the deals without it
        del d["agreement"]["plan"]
    path = folder / "batch.yaml"
    path.write_text(batch_text(deals), encoding="utf-8")
    local = folder / "local"
    assert run_cli("generate", str(path), "-o", str(local), "-j", "1", "--no-progress").exit_code == 1
    return path, local


def _manifest(out: Path) -> list[dict[str, Any]]:
    deals: list[dict[str, Any]] = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["deals"]
    return deals


def test_a_cluster_run_writes_the_bytes_of_a_local_run(cluster: Any, batch: tuple[Path, Path], tmp_path: Path) -> None:
    path, local = batch
    out = tmp_path / "out"
    result = run_cli("generate", str(path), "-o", str(out), "--scheduler", cluster.scheduler.address, "--no-progress")
    assert result.exit_code == 1, result.output
    assert "generated 11 of 12 deals" in result.output
    assert "deals[5].agreement.currency: must be a three-letter ISO 4217 currency code" in result.output
    assert tree(out) == tree(local), "same files, same bytes, the manifest included"
    assert [d["id"] for d in _manifest(out)] == [f"DEAL-{i:03d}" for i in range(12)]
    assert not list(out.rglob("*.part"))


@pytest.mark.libreoffice
def test_pdf_on_a_cluster_converts_on_the_workers_and_gives_a_local_run_s_bytes(cluster: Any, tmp_path: Path) -> None:
    """--pdf with --scheduler: each deal's PDFs are made by the worker that ran it (its own
    LibreOffice, closed with the worker), and they are the bytes a local run writes."""
    soffice()
    path = tmp_path / "two.yaml"
    deals = [deal(i) for i in range(2)]
    for d in deals:
        del d["agreement"]["plan"]
    path.write_text(batch_text(deals), encoding="utf-8")
    local, out = tmp_path / "local", tmp_path / "out"
    assert run_cli("generate", str(path), "-o", str(local), "-j", "1", "--pdf", "--no-progress").exit_code == 0
    address = cluster.scheduler.address
    result = run_cli("generate", str(path), "-o", str(out), "--scheduler", address, "--pdf", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "generated 2 of 2 deals" in result.output and "PDFs" in result.output
    made = tree(out)
    assert sorted(n for n in made if n.endswith(".pdf")) == sorted(n for n in tree(local) if n.endswith(".pdf"))
    assert any(n.endswith("signing-packet.pdf") for n in made)
    assert made == tree(local), "the PDFs and the manifest a local run writes, byte for byte"


def _worker_pids(cluster: Any) -> list[int]:
    return sorted(cluster.run(os.getpid).values())


def test_a_worker_killed_mid_run(cluster: Any, batch: tuple[Path, Path], tmp_path: Path) -> None:
    """SIGKILL a worker process after the second deal: its deals run again on the other,
    and the run completes with the bytes of a local run (or names the deals it lost)."""
    path, local = batch
    out = tmp_path / "out"
    victim = _worker_pids(cluster)[0]
    seen: list[Outcome] = []

    def done(outcome: Outcome) -> None:
        seen.append(outcome)
        if len(seen) == 2:
            os.kill(victim, signal.SIGKILL)

    inputs = Inputs([path])
    report = run(iter(inputs), out, on_done=done, total=inputs.total, scheduler=cluster.scheduler.address)
    assert not report.interrupted
    assert victim not in _worker_pids(cluster), "the worker was killed (and its nanny started another)"
    lost = [o.entry.id for o in report.failed if o.errors == [WORKER_DIED_CLUSTER]]
    assert [o.entry.label for o in report.failed if o.entry.id not in lost] == ["DEAL-005"]
    assert report.generated + len(lost) == 11
    assert {k: v for k, v in tree(out).items() if k != "manifest.json" and k.split("/")[0] not in lost} == {
        k: v for k, v in tree(local).items() if k != "manifest.json" and k.split("/")[0] not in lost
    }
    assert [d["status"] for d in _manifest(out)] == [
        "failed" if i == 5 or f"DEAL-{i:03d}" in lost else "generated" for i in range(12)
    ]


def test_an_interrupted_cluster_run_reports_what_was_done(
    cluster: Any, batch: tuple[Path, Path], tmp_path: Path
) -> None:
    """Ctrl-C after the third deal: the deals under way are cancelled, none of them is
    written (then or later), and the manifest lists what was done."""
    path, _ = batch
    out = tmp_path / "out"
    seen: list[Outcome] = []

    def done(outcome: Outcome) -> None:
        seen.append(outcome)
        if len(seen) == 3:
            raise KeyboardInterrupt

    inputs = Inputs([path])
    report = run(iter(inputs), out, on_done=done, total=inputs.total, scheduler=cluster.scheduler.address)
    assert report.interrupted and report.exit_code == 130
    manifest = _manifest(out)
    statuses = [d["status"] for d in manifest]
    assert statuses.count("interrupted") >= 1 and "generated" in statuses
    written = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert written == sorted(d["id"] for d in manifest if d["status"] == "generated")
    time.sleep(0.5)  # a deal a worker was still running is not written after the run ended
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == written
    assert cluster.run(lambda: 1), "the cluster serves the next run"


def test_a_worker_of_another_p2pdocs_is_refused(cluster: Any, batch: tuple[Path, Path], tmp_path: Path) -> None:
    """A worker whose p2pdocs is another version (so another identity hash) refuses the
    run before any deal, named with both versions; nothing is generated."""
    path, _ = batch
    other = sorted(cluster.scheduler_info()["workers"])[0]

    def pretend(version: str) -> str:
        import p2pdocs
        from p2pdocs.run import cluster_worker

        previous, p2pdocs.__version__ = p2pdocs.__version__, version
        cluster_worker._STATE.sources = None  # the identity is computed again
        return previous

    real = cluster.run(pretend, "0.0.1-other", workers=[other])[other]
    try:
        out = tmp_path / "out"
        result = run_cli("generate", str(path), "-o", str(out), "--scheduler", cluster.scheduler.address)
    finally:
        cluster.run(pretend, real, workers=[other])
    assert result.exit_code == 1, result.output
    assert f"error: worker {other} runs p2pdocs 0.0.1-other with code, clause library or templates of hash" in (
        result.output
    )
    assert "not this client's (p2pdocs 0.1.0, hash" in result.output
    assert not [p for p in out.iterdir() if p.is_dir()] if out.exists() else True


def test_the_identity_follows_the_clause_library(tmp_path: Path) -> None:
    from p2pdocs.resources import Sources, clauses_dir, configure, current
    from p2pdocs.run.cluster_worker import identity

    mine = tmp_path / "clauses"
    mine.mkdir()
    first = next(p for p in sorted(clauses_dir().rglob("*.yaml")))
    (mine / first.name).write_bytes(first.read_bytes())
    before = current()
    try:
        configure(Sources(clauses=mine))
        same = identity(current())
        (mine / first.name).write_bytes(first.read_bytes() + b"\n# changed\n")
        changed = identity(current())
        configure(Sources())
        bundled = identity(current())
    finally:
        configure(before)
    assert len({same, changed, bundled}) == 3


def test_without_the_extra_the_message_says_what_to_install(
    batch: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = batch
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    result = run_cli("generate", str(path), "-o", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:1")
    assert result.exit_code == 1
    assert "error: --scheduler needs dask.distributed, which is not installed: pip install 'p2pdocs[distributed]'" in (
        result.output
    )


def test_an_unreachable_scheduler_and_jobs_with_a_scheduler(
    batch: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from p2pdocs.run import cluster

    path, _ = batch
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 0.5)
    result = run_cli("generate", str(path), "-o", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:1")
    assert result.exit_code == 1
    assert "error: cannot reach the dask scheduler at tcp://127.0.0.1:1: " in result.output
    both = run_cli("generate", str(path), "-o", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:1", "-j", "2")
    assert both.exit_code == 2
    assert "--jobs sets local worker processes; with --scheduler the cluster's workers run deals" in both.output


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.slow  # its own scheduler and worker processes (the module's cluster would not survive it): ~6 s
def test_a_lost_scheduler_fails_the_deals_left_and_the_manifest_lists_them(
    batch: tuple[Path, Path], tmp_path: Path
) -> None:
    """A scheduler and a worker started as a user starts them (`dask scheduler`, `dask
    worker`); the scheduler is killed after the second deal: the deals left fail, saying
    why, and the manifest lists every deal in input order."""
    import subprocess

    path, local = batch
    address = f"tcp://127.0.0.1:{_free_port()}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1]],
        **quiet,  # type: ignore[call-overload]
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "dask", "worker", address, "--nthreads", "1", "--no-dashboard"],
        **quiet,  # type: ignore[call-overload]
    )
    try:
        seen: list[Outcome] = []

        def done(outcome: Outcome) -> None:
            seen.append(outcome)
            if len(seen) == 2:
                scheduler.kill()

        inputs = Inputs([path])
        report = run(iter(inputs), tmp_path / "out", on_done=done, total=inputs.total, scheduler=address)
    finally:
        for process in (scheduler, worker):
            process.kill()
            process.wait(timeout=30)
    lost = f"not generated: the connection to the dask scheduler at {address} was lost; run again to complete"
    manifest = _manifest(tmp_path / "out")
    assert [d["id"] for d in manifest] == [f"DEAL-{i:03d}" for i in range(12)]
    generated = [d["id"] for d in manifest if d["status"] == "generated"]
    assert len(generated) >= 2 and report.exit_code == 1
    assert all(d["errors"] == [lost] for d in manifest if d["status"] == "failed" and d["id"] != "DEAL-005")
    assert len([d for d in manifest if d["errors"] == [lost]]) == 11 - len(generated)
    for deal_id in generated:
        assert tree(tmp_path / "out" / deal_id) == tree(local / deal_id)


def test_the_client_writes_only_the_files_the_worker_listed(tmp_path: Path) -> None:
    """What a worker sends is checked before it is written: each file's sha256 and its place
    (inside the deal's folder); a file that exists is kept without --force."""
    import hashlib

    from conftest import EXAMPLE, EXAMPLE_ID

    from p2pdocs.run.cluster import write_back
    from p2pdocs.run.cluster_worker import Shipped
    from p2pdocs.run.outcomes import DocumentRecord, Work

    entry = next(iter(Inputs([EXAMPLE])))
    data = b"the agreement"

    def shipped(path: str, sent: bytes = data) -> Shipped:
        record = DocumentRecord(path, hashlib.sha256(data).hexdigest(), len(data), "t.docx", [])
        return Shipped(Work([record], [], [], False), [sent], "tcp://10.0.0.7:4000")

    out = tmp_path / "out"
    for bad in (shipped(f"{EXAMPLE_ID}/agreement.docx", b"other bytes"), shipped("../escaped.docx")):
        work = write_back(out, entry, bad, force=False)
        assert work.errors == [
            f"{EXAMPLE_ID}: worker tcp://10.0.0.7:4000 sent other files than it listed; run again with --force"
        ]
    assert not out.exists() and not (tmp_path / "escaped.docx").exists()
    assert write_back(out, entry, shipped(f"{EXAMPLE_ID}/agreement.docx"), force=False).errors == []
    assert (out / EXAMPLE_ID / "agreement.docx").read_bytes() == data
    again = write_back(out, entry, shipped(f"{EXAMPLE_ID}/agreement.docx"), force=False)
    assert again.errors and again.errors[0].startswith("refusing to overwrite (use --force):")
