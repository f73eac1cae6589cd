"""A legal team's own clause library and templates: replacing and extending, `clauses lint`,
and the sandbox refusing a hostile library."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, EXAMPLE_ID, ROOT, run_cli

from p2pdocs.resources import Sources, configure
from p2pdocs.word.render import docx_text

FOLDER = EXAMPLE_ID
CLAUSE = """id: confidentiality
version: 2.0.0
title: Confidentiality (our wording)
note: Our firm's standard confidentiality clause.
paragraphs:
  - Each Party keeps the other's information secret for {{ count(a.legal.confidentiality_years, 'year') }}.
"""


@pytest.fixture(autouse=True)
def _reset() -> None:
    yield
    configure(Sources())  # the CLI configures the process; tests share one


def test_own_clause_replaces_bundled_by_id(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "confidentiality.yaml").write_text(CLAUSE, encoding="utf-8")
    result = run_cli("--clauses", str(lib), "generate", str(EXAMPLE), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    text = docx_text((tmp_path / "out" / FOLDER / "partnering-agreement.docx").read_bytes())
    assert "26. Confidentiality (our wording)" in text
    assert "26.1\tEach Party keeps the other's information secret for 3 years." in text
    assert 'Confidential Information" means' not in text
    listing = run_cli("--clauses", str(lib), "clauses")
    assert re.search(r"^  confidentiality +2\.0\.0 +Confidentiality \(our wording\)$", listing.output, re.MULTILINE)


def test_p2pdocs_toml_and_own_templates(tmp_path: Path) -> None:
    (tmp_path / "mylib").mkdir()
    (tmp_path / "mylib" / "confidentiality.yaml").write_text(CLAUSE, encoding="utf-8")
    (tmp_path / "mytemplates").mkdir()
    shutil.copy(ROOT / "templates" / "statement-of-work.docx", tmp_path / "mytemplates" / "statement-of-work.docx")
    (tmp_path / "p2pdocs.toml").write_text('clauses = "mylib"\ntemplates = "mytemplates"\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "p2pdocs", "generate", str(EXAMPLE), "-o", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    text = docx_text((tmp_path / "out" / FOLDER / "partnering-agreement.docx").read_bytes())
    assert "Confidentiality (our wording)" in text
    from p2pdocs.word.provenance import read_properties

    sow = read_properties((tmp_path / "out" / FOLDER / "sow-SOW-001.docx").read_bytes())
    assert sow["p2pdocs.template"] == "statement-of-work.docx"


def test_lint_passes_the_bundled_library() -> None:
    result = run_cli("clauses", "lint")
    assert result.exit_code == 0 and "no problems found" in result.output


def test_lint_finds_what_is_wrong(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "broken.yaml").write_text(
        "id: broken\nversion: 1.0.0\ntitle: Broken\nnote: n\ninclude_when: a.margins and\n"
        "paragraphs:\n  - See {{ ref('no.such.clause') }} and {{ a.no_such_field }} and {{ mystery }}.\n",
        encoding="utf-8",
    )
    (lib / "twice.yaml").write_text("id: broken\nversion: 1.0.0\ntitle: Again\nnote: n\nparagraphs: [x]\n")
    result = run_cli("clauses", "lint", str(lib))
    assert result.exit_code == 2
    assert "clause 'broken' is also defined in" in result.output or "template syntax error" in result.output


def test_lint_reports_fields_names_and_references(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "odd.yaml").write_text(
        "id: odd\nversion: 1.0.0\ntitle: Odd\nnote: n\n"
        "paragraphs:\n  - See {{ ref('no.such.clause') }} and {{ a.no_such_field }} and {{ mystery }}.\n",
        encoding="utf-8",
    )
    result = run_cli("clauses", "lint", str(lib))
    assert result.exit_code == 2
    assert "ref('no.such.clause') names no clause of the library" in result.output
    assert "'a.no_such_field' is not a field of Agreement" in result.output
    assert "names 'mystery', which clause text cannot see" in result.output


@pytest.mark.parametrize(
    "hostile",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ a.__class__.__init__.__globals__ }}",
        "{{ name.__globals__['os'] }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ self.__dict__ }}",
    ],
)
def test_a_hostile_library_is_refused(tmp_path: Path, hostile: str) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "confidentiality.yaml").write_text(
        f'id: confidentiality\nversion: 9.9.9\ntitle: Evil\nnote: n\nparagraphs:\n  - "{hostile}"\n', encoding="utf-8"
    )
    result = run_cli("--clauses", str(lib), "generate", str(EXAMPLE), "-o", str(tmp_path / "out"))
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "confidentiality" in result.output and ("unsafe" in result.output or "undefined" in result.output)
    assert not (tmp_path / "out" / FOLDER / "partnering-agreement.docx").exists()
    lint = run_cli("clauses", "lint", str(lib))
    assert lint.exit_code == 2
