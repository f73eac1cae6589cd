"""The built wheel carries the templates and the clause library: install it into a fresh
virtualenv outside the repository and generate the example there."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLE, EXAMPLE_ID, ROOT

pytestmark = pytest.mark.slow


def test_wheel_installs_and_generates(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)], check=True, capture_output=True
    )
    (wheel,) = dist.glob("p2pdocs-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "p2pdocs/_data/templates/partnering-agreement.docx" in names
    assert "p2pdocs/_data/clauses/outline.yaml" in names
    assert "p2pdocs/interview/starts/referral-only.yaml" in names, "p2pdocs new --from-template needs them"
    # A fresh virtualenv with the wheel alone; its dependencies are the ones this test runs
    # with (a .pth file), since CI installs them fresh from the same pyproject.toml anyway
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)]
    subprocess.run(install, check=True, capture_output=True)
    (site,) = (env_dir / "lib").glob("python3*/site-packages")
    ours = next(p for p in sys.path if p.endswith("site-packages") and Path(p, "docxtpl").exists())
    (site / "dependencies.pth").write_text(ours + "\n", encoding="utf-8")
    work = tmp_path / "elsewhere"
    work.mkdir()
    deal = work / "deal.yaml"
    deal.write_bytes(EXAMPLE.read_bytes())
    done = subprocess.run(
        [str(env_dir / "bin" / "p2pdocs"), "generate", "deal.yaml", "-o", "out"],
        cwd=work,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    out = work / "out" / EXAMPLE_ID / "partnering-agreement.docx"
    assert out.stat().st_size > 10_000
    where = subprocess.run(
        [str(env_dir / "bin" / "python"), "-c", "import p2pdocs; print(p2pdocs.__file__)"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(env_dir) in where, "the wheel, not the checkout, must be what runs"
