"""The PDF step and its LibreOffice processes: a converter that hangs or crashes, a run
stopped by SIGTERM or Ctrl-C, and what the user is shown meanwhile. A fake converter,
chosen the way p2pdocs finds LibreOffice (P2PDOCS_SOFFICE), stands in where the real one
cannot be made to misbehave."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import EXAMPLE, EXAMPLE_ID, ROOT, soffice

FOLDER = EXAMPLE_ID

FAKE = """#!{python}
import os, signal, subprocess, sys, time

args = sys.argv[1:]
if "--terminate_after_init" in args:
    sys.exit(0)
mode = os.environ["FAKE_SOFFICE"]
if mode == "hang":  # and a child of its own that hangs too
    child = subprocess.Popen(["sleep", "300"])
    with open(os.environ["FAKE_SOFFICE_PIDS"], "a") as pids:
        pids.write(f"{{os.getpid()}} {{child.pid}}\\n")
    time.sleep(300)
elif mode == "crash":
    sys.stderr.write("fake soffice: the Writer import filter crashed on page 3\\n")
    sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGSEGV)
else:  # slow: a blank PDF per document, one every FAKE_SOFFICE_DELAY seconds
    from pypdf import PdfWriter

    outdir = args[args.index("--outdir") + 1]
    for source in [a for a in args if a.endswith(".docx")]:
        time.sleep(float(os.environ["FAKE_SOFFICE_DELAY"]))
        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        with open(os.path.join(outdir, os.path.basename(source)[:-5] + ".pdf"), "wb") as pdf:
            writer.write(pdf)
"""


@pytest.fixture(autouse=True)
def no_fake_left(tmp_path: Path) -> Iterator[None]:
    """Whatever a test shows, it leaves no fake converter running (were p2pdocs to fail to stop one)."""
    yield
    for pid in fake_pids(tmp_path):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def fake_env(tmp_path: Path, mode: str, **extra: str) -> dict[str, str]:
    """The environment of a run with the fake converter, its temporary files under tmp_path/tmp."""
    fake = tmp_path / "fake-soffice"
    fake.write_text(FAKE.format(python=sys.executable))
    fake.chmod(0o755)
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "P2PDOCS_SOFFICE": str(fake),
        "P2PDOCS_UNO_PYTHON": "",  # the fake speaks --convert-to, not UNO: one LibreOffice per deal
        "FAKE_SOFFICE": mode,
        "FAKE_SOFFICE_PIDS": str(tmp_path / "pids"),
        "TMPDIR": str(tmp_path / "tmp"),
        **extra,
    }


def command(out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "p2pdocs", "generate", str(EXAMPLE), "-o", str(out), "--pdf", "--no-progress", *extra]


def alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting for its parent does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def running_under(folder: Path) -> list[str]:
    """Command lines of the processes that name ``folder`` (the profiles live there)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and alive(int(proc.name)):
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if str(folder) in cmdline:
                found.append(cmdline)
    return found


def fake_pids(tmp_path: Path) -> list[int]:
    path = tmp_path / "pids"
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def wait_for(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.1)


def test_a_hanging_converter_is_killed_with_its_children_and_reported(tmp_path: Path) -> None:
    env = fake_env(tmp_path, "hang")
    started = time.monotonic()
    done = subprocess.run(
        command(tmp_path / "out", "--pdf-timeout", "3", "--jobs", "1"),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert time.monotonic() - started < 60
    assert done.returncode == 2, done.stderr
    assert "LibreOffice timed out after 3 s and was stopped (see --pdf-timeout)" in done.stderr
    assert "generated 0 of 1 deals" in done.stderr
    pids = fake_pids(tmp_path)
    assert len(pids) == 2  # the converter and its child
    assert not [pid for pid in pids if alive(pid)]
    assert list((tmp_path / "tmp").iterdir()) == []  # no profile left
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["deals"][0]["status"] == "failed"
    assert any("timed out" in e for e in manifest["deals"][0]["errors"])


def test_a_crashing_converter_is_reported_with_its_own_error_output(tmp_path: Path) -> None:
    done = subprocess.run(
        command(tmp_path / "out", "--jobs", "1"),
        capture_output=True,
        text=True,
        env=fake_env(tmp_path, "crash"),
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "PDF: sow-SOW-001.docx: LibreOffice was killed by SIGSEGV" in done.stderr
    assert "fake soffice: the Writer import filter crashed on page 3" in done.stderr
    assert list((tmp_path / "tmp").iterdir()) == []


def test_ctrl_c_during_the_pdf_step_stops_the_converter(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = subprocess.Popen(
        command(out, "--jobs", "1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=fake_env(tmp_path, "hang"),
    )
    try:
        wait_for(lambda: len(fake_pids(tmp_path)) == 2, 90)
        run.send_signal(signal.SIGINT)
        stderr = run.communicate(timeout=60)[1]
    finally:
        run.kill()
    assert run.returncode == 130, stderr
    assert "interrupted" in stderr
    assert not [pid for pid in fake_pids(tmp_path) if alive(pid)]
    assert list((tmp_path / "tmp").iterdir()) == []
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["deals"][0]["status"] == "interrupted"
    assert (out / FOLDER / "partnering-agreement.docx").exists()


def test_ctrl_c_stops_the_converters_of_every_worker(tmp_path: Path) -> None:
    """Two deals converting in two worker processes; Ctrl-C at the terminal (SIGINT to the
    run's process group): each worker stops its converter, whatever it started too."""
    import yaml
    from conftest import example_data

    folder = tmp_path / "deals"
    folder.mkdir()
    for i in range(2):
        data = example_data()
        data["agreement"]["id"] = f"{EXAMPLE_ID}-{i}"
        (folder / f"deal-{i}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    argv = [sys.executable, "-m", "p2pdocs", "generate", str(folder), "-o", str(tmp_path / "out")]
    run = subprocess.Popen(
        [*argv, "--pdf", "--no-progress", "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=fake_env(tmp_path, "hang"),
        start_new_session=True,
    )
    try:
        wait_for(lambda: len(fake_pids(tmp_path)) == 4, 90)  # two converters, each with a child
        os.killpg(run.pid, signal.SIGINT)
        stderr = run.communicate(timeout=60)[1]
    finally:
        run.kill()
    assert run.returncode == 130, stderr
    wait_for(lambda: not [pid for pid in fake_pids(tmp_path) if alive(pid)], 10)
    assert list((tmp_path / "tmp").iterdir()) == []  # no profile left


@pytest.mark.libreoffice
def test_sigterm_during_a_real_conversion_stops_libreoffice(tmp_path: Path) -> None:
    soffice()
    temp = tmp_path / "tmp"
    temp.mkdir()
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(temp)}
    env.pop("P2PDOCS_SOFFICE", None)
    run = subprocess.Popen(
        command(out, "--jobs", "1"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        wait_for(lambda: any("soffice" in c for c in running_under(temp)), 120)
        time.sleep(0.5)
        run.send_signal(signal.SIGTERM)
        stderr = run.communicate(timeout=60)[1]
    finally:
        run.kill()
    assert run.returncode == 130, stderr
    assert "interrupted" in stderr
    assert running_under(temp) == []
    assert list(temp.iterdir()) == []
    assert json.loads((out / "manifest.json").read_text())["deals"][0]["status"] == "interrupted"
    assert not (out / FOLDER / "signing-packet.pdf").exists()


def test_the_pdf_step_shows_progress_and_counts_in_the_summary_time(tmp_path: Path) -> None:
    """The converter takes 2 s per document: the deal's line counts its PDFs apart, and the
    summary's time and rate include the PDF step, whose time it shows."""
    done = subprocess.run(
        command(tmp_path / "out", "--jobs", "1"),
        capture_output=True,
        text=True,
        env=fake_env(tmp_path, "slow", FAKE_SOFFICE_DELAY="2"),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert f"[1/1] generated {FOLDER}: 6 documents, 4 PDFs" in done.stdout.splitlines()
    summary = re.search(
        r"generated 1 of 1 deals \((\d+) documents, (\d+) PDFs\) in ([\d.]+) s, ([\d.]+) documents/s"
        r"; PDFs: ([\d.]+) s of worker time",
        done.stderr,
    )
    assert summary, done.stderr
    documents, pdfs, seconds, rate, pdf_seconds = (float(g) for g in summary.groups())
    assert (documents, pdfs) == (6, 4)  # 3 PDFs and the packet
    assert 6.0 <= pdf_seconds <= seconds
    assert rate == pytest.approx((documents + pdfs) / seconds, abs=0.1)


def test_the_interview_s_pdf_step_takes_the_same_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`p2pdocs new --pdf --pdf-timeout 3`: the documents the interview generates are converted
    under the same limit, and the hanging converter is stopped."""
    from p2pdocs.cli.wizard import _generate

    for key, value in fake_env(tmp_path, "hang").items():
        monkeypatch.setenv(key, value)
    deal = tmp_path / "deal.yaml"
    deal.write_bytes(EXAMPLE.read_bytes())
    started = time.monotonic()
    code = _generate(deal, tmp_path / "out", force=False, pdf=True, pdf_timeout=3)
    assert time.monotonic() - started < 60
    assert code == 2  # its only deal failed, as with `p2pdocs generate`
    assert "LibreOffice timed out after 3 s and was stopped (see --pdf-timeout)" in capsys.readouterr().err
    assert not [pid for pid in fake_pids(tmp_path) if alive(pid)]
