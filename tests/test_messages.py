"""Messages a user sees for inputs that were misread or ignored before: a signed zero, a
key YAML reads as yes/no, a wrong setting in p2pdocs.toml, the interview's checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, run_cli

from p2pdocs.word.render import docx_text


def test_minus_zero_prints_as_zero(tmp_path: Path, write_deal: Callable[..., Path]) -> None:
    def zero(data: dict[str, Any]) -> None:
        data["agreement"]["margins"][0]["by_year"] = ["-0.00", "-0"]

    out = tmp_path / "out"
    result = run_cli("generate", str(write_deal(zero)), "-o", str(out))
    assert result.exit_code == 0, result.output
    text = docx_text((out / "CONTOSO-FABRIKAM-2027" / "partnering-agreement.docx").read_bytes())
    assert "0% / 0% (last figure for later years)" in text
    assert "-0%" not in text


@pytest.mark.parametrize(
    ("find", "replace", "says"),
    [
        ("    contoso:", "    yes:", "agreement.parties.true: this key was read as the yes/no value true, not as text"),
        (
            "  prime_partner: contoso",
            "  prime_partner: on",
            "agreement.prime_partner: this value was read as the yes/no",
        ),
    ],
)
def test_a_yes_no_key_or_value_is_explained(tmp_path: Path, find: str, replace: str, says: str) -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.split("#")[0].rstrip() == find)
    lines[at] = replace
    path = tmp_path / "deal.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("check", str(path))
    assert result.exit_code == 2
    assert f"{says}" in result.output and 'put it in quotes ("yes", "no", "on", "off")' in result.output
    assert "must be a valid string (got True)" not in result.output


def test_wrong_settings_in_p2pdocs_toml_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "p2pdocs.toml"
    config.write_text('clauses = 5\ntemplate = "my-templates"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli("generate", str(EXAMPLE), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert f'{config}:1: clauses: must be the path of a directory, in quotes (clauses = "my-clauses"); got 5' in (
        result.output
    )
    assert f"{config}:2: template: unknown setting; did you mean 'templates'?" in result.output
    assert not (tmp_path / "out").exists()


def test_the_interview_explains_a_statement_of_work_field_by_field() -> None:
    """What the interview says when a finished SoW does not validate: the deal file's
    messages, one per field, never pydantic's summary."""
    import yaml

    from p2pdocs.interview.interview import Interview

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    sow = data["statements_of_work"][0]
    for key in ("title", "customer", "fees"):
        del sow[key]
    sow["start"] = "someday"
    interview = Interview(answers={k: v for k, v in data.items() if k != "p2pdocs"})
    said = [
        f"{'.'.join(map(str, loc))}: {message}" for loc, message in interview._item_problems(["statements_of_work", 0])
    ]
    assert not any("validation error" in s for s in said), said
    assert "title: missing: this field is required" in said
    assert "fees: missing: this field is required" in said
    assert any(s.startswith("start: must be a valid date") for s in said), said
