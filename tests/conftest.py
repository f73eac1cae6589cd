"""Shared helpers: the reference example, deal variants, and running the real CLI."""

from __future__ import annotations

import contextlib
import copy
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings

from p2pdocs.cli.main import main
from p2pdocs.word.render import docx_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "contoso-fabrikam.yaml"

# One hypothesis profile for every test, loaded before any runs (each xdist worker imports
# this file): no per-example deadline, which a busy machine would turn into false failures.
settings.register_profile(
    "ci",
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "dev",
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def example_data() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))


#: the reference example's agreement id: its folder in an output directory
EXAMPLE_ID: str = example_data()["agreement"]["id"]


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def write_deal(tmp_path: Path) -> Callable[..., Path]:
    """Write a deal (the example, changed by ``change``) to a file and return its path."""

    def write(change: Callable[[dict[str, Any]], None] | None = None, name: str = "deal.yaml") -> Path:
        data = example_data()
        if change:
            change(data)
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path

    return write


@pytest.fixture
def generate_text(tmp_path: Path) -> Callable[[Path], str]:
    """Generate a deal file with the CLI and return the agreement's extracted text."""

    def generate(deal: Path) -> str:
        out = tmp_path / "out"
        result = run_cli("generate", str(deal), "-o", str(out), "--force")
        assert result.exit_code == 0, result.output
        (docx,) = out.glob("*/partnering-agreement.docx")
        return docx_text(docx.read_bytes())

    return generate


def soffice() -> str:
    """The LibreOffice binary; tests needing it skip locally, and fail in CI, without it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) is required in CI: .ci/run installs libreoffice-writer-nogui")
    pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")


def libreoffice_convert(source: Path, fmt: str, work: Path) -> Path:
    """Convert ``source`` with LibreOffice into ``work`` (own profile and HOME); the result."""
    import subprocess

    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(work),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(work), "PATH": "/usr/bin:/bin"},
    )
    return work / f"{source.stem}.{fmt.split(':')[0]}"


def odt_content(docx: Path, work: Path) -> str:
    """The content.xml of ``docx`` converted to ODT by LibreOffice."""
    import zipfile

    with zipfile.ZipFile(libreoffice_convert(docx, "odt", work)) as odt:
        return odt.read("content.xml").decode("utf-8")


def numbered_paragraphs(doc: Any) -> list[tuple[str, Any]]:
    """Every paragraph of a python-docx document's body (tables' included) in order, with
    the number Word shows it with ("12", "12.2", "(a)", "" for none): the numbers are
    Word's list numbering, not typed text."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    from p2pdocs.word.numbering import Numbering

    part = doc.part
    numbering = Numbering(part.numbering_part.element, part.styles.element)
    return [(numbering.label(p).strip().rstrip("."), Paragraph(p, doc._body)) for p in doc.element.body.iter(qn("w:p"))]


def numbered(doc: Any, number: str) -> Any:
    """The paragraph of ``doc`` that Word shows with ``number``."""
    return next(p for n, p in numbered_paragraphs(doc) if n == number)


def uno_python() -> str:
    """Debian's python3 with python3-uno, for the scripts that drive LibreOffice over UNO
    (skipped locally without it, a failure in CI, which installs it)."""
    import subprocess

    found = "/usr/bin/python3"
    check = subprocess.run([found, "-c", "import uno"], capture_output=True, check=False)
    if check.returncode:
        if os.environ.get("CI"):
            pytest.fail("python3-uno is required in CI: .ci/run installs it")
        pytest.skip("python3-uno is not installed (apt-get install python3-uno)")
    return found


@contextlib.contextmanager
def listening_office(home: Path, name: str) -> Iterator[str]:
    """A LibreOffice of its own (profile and HOME under ``home``) listening on the pipe it
    yields, for UNO scripts; stopped with its whole process group on the way out."""
    import signal
    import subprocess

    pipe = f"p2pdocs-{name}-{os.getpid()}"
    process = subprocess.Popen(
        [
            soffice(),
            f"-env:UserInstallation=file://{home / 'profile'}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        start_new_session=True,
    )
    try:
        yield pipe
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
