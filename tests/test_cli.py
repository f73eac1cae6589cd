"""The commands as a user runs them: exit codes, messages and files on disk."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLE, EXAMPLE_ID, ROOT, run_cli


def test_overwrite_needs_force(tmp_path: Path) -> None:
    target = tmp_path / EXAMPLE_ID / "partnering-agreement.docx"
    assert run_cli("generate", str(EXAMPLE), "-o", str(tmp_path)).exit_code == 0
    target.write_bytes(b"edited by hand")
    result = run_cli("generate", str(EXAMPLE), "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "refusing to overwrite (use --force)" in result.output and str(target) in result.output
    assert target.read_bytes() == b"edited by hand"
    assert run_cli("generate", str(EXAMPLE), "-o", str(tmp_path), "--force").exit_code == 0
    assert target.read_bytes()[:2] == b"PK"
    assert not list(target.parent.glob(".*.part")), "temporary files left behind"


def test_unwritable_output_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = run_cli("generate", str(EXAMPLE), "-o", str(blocker))
    assert result.exit_code == 2, "nothing could be generated"
    assert "cannot write" in result.output and "Traceback" not in result.output


def test_schema_is_json_schema_of_the_deal_file() -> None:
    result = run_cli("schema")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["required"]) == {"p2pdocs", "agreement"}
    agreement = schema["$defs"]["Agreement"]["properties"]
    assert {"parties", "margins", "prime_partner", "term", "disputes"} <= set(agreement)


def test_clauses_lists_the_library() -> None:
    result = run_cli("clauses")
    assert result.exit_code == 0
    assert re.search(r"^  margins\.schedule\s+1\.0\.0\s+Margins$", result.output, flags=re.MULTILINE)
    assert "disputes.resolution" in result.output


def test_clauses_show_gives_variants_and_note() -> None:
    result = run_cli("clauses", "show", "disputes.resolution")
    assert result.exit_code == 0
    for part in ("escalation:", "escalation_mediation:", "escalation_arbitration:", "escalation_courts:", "note: "):
        assert part in result.output


def test_clauses_show_unknown_suggests() -> None:
    result = run_cli("clauses", "show", "margins.schedul")
    assert result.exit_code == 2
    assert "did you mean margins.schedule" in result.output


def test_module_entry_point_and_version() -> None:
    done = subprocess.run([sys.executable, "-m", "p2pdocs", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and "p2pdocs, version 0.1.0" in done.stdout


def test_readme_documents_every_command() -> None:
    from p2pdocs.cli.main import clauses, main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [[name] for name in main.commands] + [["clauses", name] for name in clauses.commands]
    assert len(commands) >= 6
    for command in commands:
        assert f"### `p2pdocs {' '.join(command)}" in readme or f"`p2pdocs {' '.join(command)} " in readme, command
        result = run_cli(*command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


def test_readme_main_command_generates_the_examples(tmp_path: Path) -> None:
    result = run_cli("generate", str(ROOT / "examples"), "-o", str(tmp_path), "--force", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "generated 21 of 21 deals" in result.output
    assert (tmp_path / EXAMPLE_ID / "sow-SOW-001.docx").exists()
    assert (tmp_path / "manifest.json").exists()


def test_help_and_version_do_not_import_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from p2pdocs.cli.main import main\n"
        "for args in (['--help'], ['--version'], ['generate', '--help']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = ('docxtpl', 'docx', 'lxml', 'pypdf', 'questionary', 'rich', 'pydantic', 'yaml', 'jinja2')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_every_error_class_lives_in_errors_and_the_readme_gives_its_exit_status() -> None:
    import importlib
    import inspect
    import pkgutil

    import p2pdocs
    from p2pdocs import errors

    homes = {}
    for module in pkgutil.walk_packages(p2pdocs.__path__, "p2pdocs."):
        if module.name.endswith("__main__"):
            continue
        for name, value in vars(importlib.import_module(module.name)).items():
            if inspect.isclass(value) and issubclass(value, errors.P2pdocsError):
                homes.setdefault(name, set()).add(value.__module__)
    assert {name: home for name, home in homes.items() if home != {"p2pdocs.errors"}} == {}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = {int(m[1]): m[2] for m in re.finditer(r"^\| (\d+) \|[^|]*\|([^|]*)\|$", readme, re.M)}
    assert set(rows) == {0, 1, 2, 3, 130}
    for name in homes:
        code = getattr(errors, name).exit_code
        assert f"`{name}`" in rows[code], f"README: {name} exits {code}"
