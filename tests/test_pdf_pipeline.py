"""PDFs made in the worker that made the deal's documents, as each deal completes: by a
LibreOffice that stays up for the worker's run (over UNO), or by a pool of unoserver
instances (``--pdf-servers``). Real LibreOffice; the unoserver instances are started by
the tests on local ports, with Debian's /usr/bin/python3 (which has ``uno``)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLE_ID, ROOT, example_data, soffice
from pypdf import PdfReader

from p2pdocs.pdf.contents import heading_pages
from p2pdocs.word.fields import contents_entries, with_pages

UNO_PYTHON = "/usr/bin/python3"


def text_of(pdf: Path) -> str:
    """The text of a PDF as a reader extracts it, the DRAFT watermark left out."""
    text = " ".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    return " ".join(word for word in text.split() if word != "DRAFT")


NAMES = ("partnering-agreement", "sow-SOW-001", "partnership-plan")


def _soffice_pdfs(sources: list[Path], work: Path) -> None:
    """One plain ``soffice --convert-to pdf`` over ``sources`` (its own profile), into ``work``."""
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )


def plain_with_contents_pages(sources: list[Path], tmp: Path) -> dict[str, str]:
    """The text of each of ``sources`` converted by a plain ``soffice --convert-to pdf``,
    its contents given the pages that conversion shows the headings on and converted once
    more (what a reader gets from LibreOffice after updating the contents, as p2pdocs'
    converters do). Two soffice runs in all."""
    _soffice_pdfs(sources, tmp / "first")
    staged = []
    for source in sources:
        entries = contents_entries(source.read_bytes())
        target = tmp / "paged" / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        pages = heading_pages((tmp / "first" / source.name).with_suffix(".pdf").read_bytes(), entries)
        target.write_bytes(with_pages(source.read_bytes(), pages) if entries else source.read_bytes())
        staged.append(target)
    _soffice_pdfs(staged, tmp / "second")
    return {source.stem: text_of((tmp / "second" / source.name).with_suffix(".pdf")) for source in sources}


def deals(folder: Path, count: int) -> Path:
    folder.mkdir()
    for i in range(count):
        data = example_data()
        data["agreement"]["id"] = f"{EXAMPLE_ID}-{i}"
        (folder / f"deal-{i}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


def env_for(tmp: Path) -> dict[str, str]:
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    env.pop("P2PDOCS_SOFFICE", None)
    env.pop("P2PDOCS_UNO_PYTHON", None)
    return env


def generate(paths: list[Path], out: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "p2pdocs", "generate", *map(str, paths), "-o", str(out), "--pdf", "--no-progress"]
    return subprocess.run([*command, *extra], capture_output=True, text=True, env=env, timeout=300)


def running_under(folder: Path) -> list[str]:
    """Command lines of the live processes that name ``folder`` (LibreOffice's profiles live there)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if (proc / "stat").read_text().rpartition(")")[2].split()[0] == "Z":
                continue
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if str(folder) in cmdline:
                found.append(cmdline)
    return found


def uno_available() -> None:
    soffice()
    probe = subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True, check=False)
    if probe.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"{UNO_PYTHON} cannot import uno: CI installs python3-uno")
        pytest.skip(f"{UNO_PYTHON} cannot import uno (apt-get install python3-uno)")


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str], Path]:
    """Two deals with --jobs 2: each worker keeps its own LibreOffice."""
    uno_available()
    base = tmp_path_factory.mktemp("local")
    tmp = base / "tmp"
    done = generate([deals(base / "deals", 2)], base / "out", env_for(tmp), "--jobs", "2")
    return base / "out", done, tmp


@pytest.fixture(scope="module")
def plain_texts(
    local_run: tuple[Path, subprocess.CompletedProcess[str], Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """The reference: the second deal's documents as a plain LibreOffice converts them."""
    out = local_run[0]
    return plain_with_contents_pages(
        [out / f"{EXAMPLE_ID}-1" / f"{n}.docx" for n in NAMES], tmp_path_factory.mktemp("plain")
    )


@pytest.mark.libreoffice
def test_workers_pdfs_have_the_text_of_a_plain_libreoffice_conversion(
    local_run: tuple[Path, subprocess.CompletedProcess[str], Path], plain_texts: dict[str, str]
) -> None:
    out, done, tmp = local_run
    assert done.returncode == 0, done.stderr
    assert "generated 2 of 2 deals (12 documents, 8 PDFs)" in done.stderr
    assert "; PDFs: " in done.stderr and " s of worker time" in done.stderr
    for name in NAMES:
        assert text_of(out / f"{EXAMPLE_ID}-1" / f"{name}.pdf") == plain_texts[name], name
    assert len(PdfReader(out / f"{EXAMPLE_ID}-0" / "signing-packet.pdf").pages) > 1
    assert running_under(tmp) == []  # no LibreOffice, no bridge left running
    assert [p.name for p in tmp.iterdir()] == []  # no profile left


@pytest.mark.libreoffice
def test_a_libreoffice_killed_mid_run_is_started_again_and_the_document_retried(
    local_run: tuple[Path, subprocess.CompletedProcess[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from p2pdocs.pdf.office import LocalOffice

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # LibreOffice's profile goes there
    out = local_run[0] / f"{EXAMPLE_ID}-0"
    office = LocalOffice(UNO_PYTHON)
    try:
        first = office.convert([out / "partnering-agreement.docx"])
        assert first[0].pdf is not None, first[0].error
        assert office._office is not None
        os.killpg(office._office.pid, signal.SIGKILL)  # LibreOffice dies between two deals' documents
        second = office.convert([out / "sow-SOW-001.docx", out / "partnership-plan.docx"])
        assert [r.error for r in second] == ["", ""]
        assert office.started == 2
    finally:
        office.close()
    assert running_under(tmp_path) == []


@pytest.mark.parametrize(
    ("script", "expected", "starts"),
    [
        ("echo 'fake soffice: cannot open display' >&2\nkill -SEGV $$", "LibreOffice was killed by SIGSEGV", 2),
        ("sleep 300", "LibreOffice timed out after 2 s and was stopped (see --pdf-timeout)", 1),
    ],
    ids=["crashes", "hangs"],
)
def test_a_libreoffice_that_crashes_or_hangs_fails_the_document_with_what_it_said(
    script: str, expected: str, starts: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A converter that dies at start (each time: the document is tried once more in a new
    one) or never answers: the document fails alone, with the signal and LibreOffice's own
    last words or the time limit, and nothing is left running."""
    uno_available()
    from p2pdocs.pdf.office import LocalOffice

    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\n{script}\n")
    fake.chmod(0o755)
    docx = tmp_path / "a.docx"
    docx.write_bytes(b"PK not used")
    monkeypatch.setenv("P2PDOCS_SOFFICE", str(fake))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # LibreOffice's profile goes there
    office = LocalOffice(UNO_PYTHON, timeout=2 if "sleep" in script else 60)
    started = time.monotonic()
    try:
        [result] = office.convert([docx])
        assert len(running_under(tmp_path / "tmp")) == 0  # a failed LibreOffice is not left behind
    finally:
        office.close()
    assert time.monotonic() - started < 30
    assert result.pdf is None and expected in result.error, result.error
    if "SEGV" in script:
        assert "fake soffice: cannot open display" in result.error
    assert office.started == starts
    assert running_under(tmp_path) == []
    assert list((tmp_path / "tmp").iterdir()) == []


# -- --pdf-servers --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[tuple[str, subprocess.Popen[bytes]]]]:
    """Two unoserver instances on local ports, each with its LibreOffice, in a process group."""
    uno_available()
    import unoserver

    base = tmp_path_factory.mktemp("unoserver")
    lib = base / "lib"
    site = Path(unoserver.__file__).parent.parent
    shutil.copytree(site / "unoserver", lib / "unoserver")  # unoserver is pure Python
    for info in site.glob("unoserver-*.dist-info"):  # it reads its version from its metadata
        shutil.copytree(info, lib / info.name)
    started = []
    for n in range(2):
        port, uno_port = free_port(), free_port()
        home = base / f"server-{n}"
        home.mkdir()
        command = [UNO_PYTHON, "-m", "unoserver.server", "--interface", "127.0.0.1", "--port", str(port)]
        command += ["--uno-port", str(uno_port), "--user-installation", str(home / "profile")]
        env = {"PATH": os.environ["PATH"], "HOME": str(home), "PYTHONPATH": str(lib), "TMPDIR": str(home)}
        log = (home / "log").open("wb")
        process = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
        log.close()
        started.append((f"127.0.0.1:{port}", process))
    try:
        from p2pdocs.pdf.servers import check_servers

        deadline = time.monotonic() + 90
        while True:
            try:
                check_servers([address for address, _ in started])
                break
            except Exception:
                dead = [p for _, p in started if p.poll() is not None]
                if dead or time.monotonic() > deadline:
                    logs = [(base / f"server-{n}" / "log").read_text(errors="replace")[-2000:] for n in range(2)]
                    pytest.fail("the unoserver instances did not start:\n" + "\n".join(logs))
                time.sleep(0.5)
        yield started
    finally:
        for _, process in started:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.libreoffice
def test_pdf_servers_convert_and_one_killed_mid_run_is_replaced_by_the_other(
    servers: list[tuple[str, subprocess.Popen[bytes]]],
    local_run: tuple[Path, subprocess.CompletedProcess[str], Path],
    plain_texts: dict[str, str],
    tmp_path: Path,
) -> None:
    reference = local_run[0] / f"{EXAMPLE_ID}-1"  # the same deal, converted by the workers' LibreOffice
    env = env_for(tmp_path / "tmp")
    out = tmp_path / "out"
    addresses = ",".join(address for address, _ in servers)
    command = [sys.executable, "-m", "p2pdocs", "generate", str(deals(tmp_path / "deals", 2)), "-o", str(out)]
    command += ["--pdf", "--no-progress", "--jobs", "1", "--pdf-servers", addresses]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert run.stdout is not None
        first = run.stdout.readline()
        assert first.startswith("[1/2] generated"), first
        os.killpg(servers[0][1].pid, signal.SIGKILL)  # the first server and its LibreOffice die
        rest, stderr = run.communicate(timeout=240)
    finally:
        run.kill()
    assert run.returncode == 0, stderr
    assert "generated 2 of 2 deals (12 documents, 8 PDFs)" in stderr
    assert rest.count(", 4 PDFs") == 1
    for name in NAMES:  # made on the one left
        assert (out / f"{EXAMPLE_ID}-1" / f"{name}.docx").read_bytes() == (reference / f"{name}.docx").read_bytes()
        assert text_of(out / f"{EXAMPLE_ID}-1" / f"{name}.pdf") == plain_texts[name], name
    assert running_under(tmp_path / "tmp") == []


def test_a_bad_server_address_is_refused_before_any_deal(tmp_path: Path) -> None:
    env = env_for(tmp_path / "tmp")
    refused = generate(
        [deals(tmp_path / "deals", 1)], tmp_path / "out", env, "--pdf-servers", f"127.0.0.1:{free_port()}"
    )
    assert refused.returncode == 2, refused.stderr
    assert "--pdf-servers: no conversion server at 127.0.0.1:" in refused.stderr
    assert "connection refused" in refused.stderr and "nothing was generated" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "out" / f"{EXAMPLE_ID}-0").exists()
    malformed = generate([tmp_path / "deals"], tmp_path / "out", env, "--pdf-servers", "localhost")
    assert malformed.returncode == 2
    assert "'localhost' is not HOST:PORT" in malformed.stderr
