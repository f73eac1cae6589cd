"""A legal team's own clause library and templates that fail at run time: `clauses lint`
finds each failure, naming the clause or template and the reason; `generate` reports it
(exit 3, no traceback), once, before any deal, with one worker or two; the work a library
can cause is bounded; a clause that fails for one deal fails that deal alone."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, example_data, run_cli

from p2pdocs.resources import Sources, configure


@pytest.fixture(autouse=True)
def _reset() -> None:
    yield
    configure(Sources())  # the CLI configures the process; tests share one


def _deals(tmp_path: Path, change: Callable[[int, dict], None] | None = None, count: int = 3) -> Path:
    """A folder of ``count`` valid deals (ids DEAL-0..)."""
    folder = tmp_path / "deals"
    folder.mkdir()
    for i in range(count):
        data = example_data()
        data["agreement"]["id"] = f"DEAL-{i}"
        if change:
            change(i, data)
        (folder / f"deal-{i}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


def _clause(lib: Path, clause_id: str, text: str, include_when: str = "") -> None:
    lib.mkdir(exist_ok=True)
    body = "\n".join("    " + line for line in text.splitlines())
    condition = f"include_when: '{include_when}'\n" if include_when else ""
    (lib / f"{clause_id}.yaml").write_text(
        f"id: {clause_id}\nversion: 9.9.9\ntitle: Ours\nnote: n\n{condition}paragraphs:\n  - |-\n{body}\n",
        encoding="utf-8",
    )


def _generate(tmp_path: Path, jobs: int, *options: str) -> tuple[int, str, Path]:
    out = tmp_path / f"out-{jobs}"
    deals = tmp_path / "deals" if (tmp_path / "deals").is_dir() else _deals(tmp_path)
    result = run_cli(*options, "generate", str(deals), "-o", str(out), "--jobs", str(jobs), "--no-progress")
    return result.exit_code, result.output, out


def _assert_reported_once(tmp_path: Path, options: tuple[str, ...], name: str, reason: str) -> None:
    for jobs in (1, 2):
        code, output, out = _generate(tmp_path, jobs, *options)
        assert code == 3, output
        assert "Traceback" not in output and "worker process died" not in output, output
        assert name in output and reason in output, output
        assert output.count(reason) == 1, output
        assert not list(out.glob("*/*.docx")), "nothing is generated with a broken library"


CLAUSES = [
    pytest.param(
        "compensation.referral", "The fee is {{ a.referral.fee_pct | pct }}.", "a.referral", "fee_pct", id="misspelled"
    ),
    pytest.param("confidentiality", "{{ 1/0 }}", "", "division by zero", id="division-by-zero"),
    pytest.param("confidentiality", "{{ a.id + 1 }}", "", 'can only concatenate str (not "int") to str', id="type"),
    pytest.param(
        "confidentiality",
        "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
        "",
        "{% macro %} is not allowed",
        id="recursive-macro",
    ),
    pytest.param("confidentiality", "{% include 'other.txt' %}", "", "{% include %} is not allowed", id="include"),
    pytest.param("confidentiality", "{% import 'other' as o %}x", "", "{% import %} is not allowed", id="import"),
    pytest.param("confidentiality", "{% extends 'base' %}", "", "{% extends %} is not allowed", id="extends"),
    pytest.param("confidentiality", '{{ "a" * 10**9 }}', "", "larger than 1,000,000 characters", id="huge-string"),
    pytest.param(
        "confidentiality",
        "{% for i in 'x' * 100000 %}{% for j in 'x' * 100000 %}.{% endfor %}{% endfor %}",
        "",
        "loops ran more than 100,000 times",
        id="endless-loops",
    ),
    pytest.param(
        "confidentiality", "{{ 'a' | center(10**9) }}", "", "larger than 1,000,000 characters", id="huge-filter"
    ),
    pytest.param("confidentiality", "{{ '%0999999999d' % 1 }}", "", "formatted string with that width", id="percent"),
    pytest.param(
        "confidentiality", "{{ '{:>999999999}'.format(1) }}", "", "formatted string with that width", id="format"
    ),
    pytest.param("confidentiality", "{{ a.models.append('x') }}", "", "refused, unsafe", id="mutates-the-terms"),
    pytest.param(
        "confidentiality",
        "{% set a = 2 ** 99999 %}{% set b = a * a %}{% set c = b * b %}{{ c * c }}",
        "",
        "larger than 1,000,000 characters or items",
        id="huge-number",
    ),
    pytest.param(
        "confidentiality",
        "{% for i in 'x' * 2000 %}{{ 'y' * 1000 }}{% endfor %}",
        "",
        "the text is longer than 1,000,000 characters",
        id="long-text",
    ),
    pytest.param(
        "confidentiality",
        "{% set s = 'x' * 900000 %}{% set t = s ~ s %}{{ t ~ t }}",
        "",
        "larger than 1,000,000 characters",
        id="huge-concat",
    ),
]


@pytest.mark.parametrize(("clause_id", "text", "include_when", "reason"), CLAUSES)
def test_a_failing_clause_fails_lint_and_is_reported_once_by_generate(
    tmp_path: Path, clause_id: str, text: str, include_when: str, reason: str
) -> None:
    lib = tmp_path / "lib"
    _clause(lib, clause_id, text, include_when)
    lint = run_cli("clauses", "lint", str(lib))
    assert lint.exit_code == 2, lint.output
    assert "Traceback" not in lint.output
    assert f"{clause_id}.yaml" in lint.output and reason in lint.output, lint.output
    _assert_reported_once(tmp_path, ("--clauses", str(lib)), f"{clause_id}.yaml", reason)


def test_a_clause_listed_twice_in_the_outline(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    outline = yaml.safe_load((ROOT / "clauses" / "outline.yaml").read_text(encoding="utf-8"))
    outline["agreement"].append("confidentiality")
    (lib / "outline.yaml").write_text(yaml.safe_dump(outline), encoding="utf-8")
    reason = "clause 'confidentiality' is listed twice"
    lint = run_cli("clauses", "lint", str(lib))
    assert lint.exit_code == 2 and reason in lint.output and "outline.yaml" in lint.output, lint.output
    _assert_reported_once(tmp_path, ("--clauses", str(lib)), "outline.yaml", reason)


def test_lint_names_a_clause_that_no_sample_deal_includes(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    _clause(lib, "extra.never", "{{ 1/0 }}", "a.parties | length > 5")
    lint = run_cli("clauses", "lint", str(lib))
    assert lint.exit_code == 2, lint.output
    assert "extra.never: is included in none of the sample deals" in lint.output, lint.output


def test_a_slow_clause_hits_the_time_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("p2pdocs.run.generate.RENDER_SECONDS", 0.5)
    monkeypatch.setattr("p2pdocs.run.lint.LINT_SECONDS", 0.5)
    lib = tmp_path / "lib"
    _clause(lib, "confidentiality", "{% for i in 'x' * 90000 %}{% set y = 'y' * 900000 %}{% endfor %}x")
    lint = run_cli("clauses", "lint", str(lib))
    assert lint.exit_code == 2 and "took longer than 0.5 s" in lint.output, lint.output
    assert "confidentiality.yaml" in lint.output
    _assert_reported_once(tmp_path, ("--clauses", str(lib)), "confidentiality.yaml", "took longer than 0.5 s")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_clause_failing_for_one_deal_fails_that_deal_alone(tmp_path: Path, jobs: int) -> None:
    lib = tmp_path / "lib"
    _clause(lib, "confidentiality", "Secret for {{ 36 // (a.term.initial_months - 36) }} years.")

    def term(i: int, data: dict) -> None:
        data["agreement"]["term"]["initial_months"] = 36 if i == 1 else 24

    _deals(tmp_path, term)
    code, output, out = _generate(tmp_path, jobs, "--clauses", str(lib))
    assert code == 3, output
    assert "Traceback" not in output
    assert "DEAL-1" in output and "confidentiality.yaml: clause confidentiality" in output
    assert "ZeroDivisionError: integer division or modulo by zero" in output
    assert (out / "DEAL-0" / "partnering-agreement.docx").is_file()
    assert (out / "DEAL-2" / "partnering-agreement.docx").is_file()
    assert not (out / "DEAL-1").exists()
    deals = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["deals"]
    assert [d["status"] for d in deals] == ["generated", "failed", "generated"]
    assert "confidentiality" in deals[1]["errors"][0]


def test_deals_after_one_a_clause_fails_for_are_generated_by_the_workers(tmp_path: Path) -> None:
    """More deals than the workers hold at once: the failure of one is not taken for a
    worker that died, and those handed out after it are generated."""
    lib = tmp_path / "lib"
    _clause(lib, "confidentiality", "Secret for {{ 36 // (a.term.initial_months - 36) }} years.")

    def term(i: int, data: dict) -> None:
        data["agreement"]["term"]["initial_months"] = 36 if i == 0 else 24
        data["statements_of_work"] = []

    _deals(tmp_path, term, count=12)
    code, output, out = _generate(tmp_path, 2, "--clauses", str(lib))
    assert code == 3, output
    assert "worker process died" not in output, output
    deals = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["deals"]
    assert [d["status"] for d in deals] == ["failed"] + ["generated"] * 11


# -- templates ---------------------------------------------------------------------------

AGREEMENT = ROOT / "templates" / "partnering-agreement.docx"
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b"<w:document><w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"
)


def _docx(change: Callable[[dict[str, bytes]], None]) -> bytes:
    with zipfile.ZipFile(AGREEMENT) as package:
        members = {i.filename: package.read(i.filename) for i in package.infolist()}
    change(members)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


def _in_body(members: dict[str, bytes], tag: bytes) -> None:
    xml = members["word/document.xml"]
    start = xml.index(b"<w:t>") + len(b"<w:t>")
    members["word/document.xml"] = xml[:start] + tag + xml[start:]


def _set(name: str, data: bytes) -> Callable[[dict[str, bytes]], None]:
    return lambda members: members.__setitem__(name, data)


TEMPLATES = [
    pytest.param(lambda: _docx(lambda m: _in_body(m, b"{% if %}")), "Expected an expression", id="jinja-syntax"),
    pytest.param(lambda: _docx(lambda m: _in_body(m, b"{{ 1/0 }}")), "division by zero", id="jinja-runtime"),
    pytest.param(lambda: _docx(lambda m: _in_body(m, b"{{ 'a' * 10**9 }}")), "larger than 1,000,000", id="huge"),
    pytest.param(lambda: b"PK not a zip at all", "not a Word template", id="not-a-zip"),
    pytest.param(lambda: _docx(lambda m: m.pop("word/document.xml")), "no word/document.xml", id="no-document"),
    pytest.param(lambda: _docx(_set("word/document.xml", b"<w:document><w:body>")), "not well-formed XML", id="bad"),
    pytest.param(lambda: _docx(_set("word/document.xml", LAUGHS)), "declares a DOCTYPE", id="billion-laughs"),
    pytest.param(lambda: _docx(_set("word/styles.xml", LAUGHS)), "declares a DOCTYPE", id="doctype-in-styles"),
    pytest.param(lambda: _docx(_set("../evil.xml", b"<x/>")), "points outside the package", id="dot-dot"),
    pytest.param(lambda: _docx(_set("/etc/evil.xml", b"<x/>")), "points outside the package", id="absolute"),
]


@pytest.mark.parametrize(("make", "reason"), TEMPLATES)
def test_a_broken_template_fails_lint_and_is_reported_once_by_generate(
    tmp_path: Path, make: Callable[[], bytes], reason: str
) -> None:
    own = tmp_path / "templates"
    own.mkdir()
    (own / "partnering-agreement.docx").write_bytes(make())
    lint = run_cli("--templates", str(own), "clauses", "lint")
    assert lint.exit_code == 2, lint.output
    assert "Traceback" not in lint.output
    assert "partnering-agreement.docx" in lint.output and reason in lint.output, lint.output
    _assert_reported_once(tmp_path, ("--templates", str(own)), "partnering-agreement.docx", reason)


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The agreement template with a 1 GiB member of zeros: about 1 MB on disk."""
    path = tmp_path_factory.mktemp("bomb") / "partnering-agreement.docx"
    shutil.copy(AGREEMENT, path)
    block = bytes(2**20)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as package,
        package.open("word/media/zeros.bin", "w", force_zip64=True) as member,
    ):
        for _ in range(1024):
            member.write(block)
    assert path.stat().st_size < 8 * 2**20
    return path


def test_a_template_member_that_inflates_past_the_limit_is_refused(tmp_path: Path, zip_bomb: Path) -> None:
    own = tmp_path / "templates"
    own.mkdir()
    shutil.copy(zip_bomb, own / "partnering-agreement.docx")
    reason = "member word/media/zeros.bin inflates to more than 64 MiB; refused"
    lint = run_cli("--templates", str(own), "clauses", "lint")
    assert lint.exit_code == 2 and reason in lint.output, lint.output
    _assert_reported_once(tmp_path, ("--templates", str(own)), "partnering-agreement.docx", reason)


def test_clauses_show_suggests_the_ids_that_end_with_what_was_typed() -> None:
    result = run_cli("clauses", "show", "referral")
    assert result.exit_code == 2
    assert "did you mean compensation.referral" in result.output, result.output
    result = run_cli("clauses", "show", "confidentialty")
    assert "did you mean confidentiality?" in result.output, result.output
