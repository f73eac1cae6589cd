"""Messages a user sees for inputs that were misread or ignored before: a signed zero, a
key YAML reads as yes/no, a wrong setting in p2pdocs.toml, the interview's checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, EXAMPLE_ID, example_data, run_cli
from pydantic import ValidationError

from p2pdocs.deal.terms import Agreement
from p2pdocs.deal.validate import validate_deal
from p2pdocs.deal.values import ERROR_TYPES
from p2pdocs.errors import InvalidInput, Problem
from p2pdocs.word.render import docx_text


def test_minus_zero_prints_as_zero(tmp_path: Path, write_deal: Callable[..., Path]) -> None:
    def zero(data: dict[str, Any]) -> None:
        data["agreement"]["margins"][0]["by_year"] = ["-0.00", "-0"]

    out = tmp_path / "out"
    result = run_cli("generate", str(write_deal(zero)), "-o", str(out))
    assert result.exit_code == 0, result.output
    text = docx_text((out / EXAMPLE_ID / "partnering-agreement.docx").read_bytes())
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


# Each of p2pdocs' own checks of a value (deal/values) is refused with a custom error of its
# own type whose message is what the user reads, word for word.
OWN_CHECKS = [
    ("control_character", ("title",), "A\x01B", "contains the control character U+0001; remove it"),
    ("blank", ("title",), "   ", "must not be empty"),
    ("line_break", ("title",), "A\nB", "must be a single line (no line breaks or tabs)"),
    ("reserved_name", ("id",), "con", "'con' is a reserved file name on Windows; choose another id"),
    ("trailing_dot", ("id",), "abc.", "must not end with '.'"),
    (
        "date_as_number",
        ("effective_date",),
        1800057600,
        "must be a date written YYYY-MM-DD, not the number 1800057600",
    ),
    (
        "output_name",
        ("id",),
        "manifest.x",
        "'manifest.x' is a name p2pdocs uses in the output folder (manifest.json); choose another id",
    ),
    (
        "unknown_party",
        ("prime_partner",),
        "nobody",
        "'nobody' is not a party of this agreement (parties: contoso, fabrikam)",
    ),
    (
        "id_form",
        ("id",),
        "-x",
        "must start with a letter or digit and hold only letters, digits, '.', '_' and '-' "
        "(it is used in file names) (got '-x')",
    ),
    ("email_form", ("parties", "contoso", "partner_manager", "email"), "cara", "must be an email address (got 'cara')"),
    (
        "currency_form",
        ("currency",),
        "eur",
        "must be a three-letter ISO 4217 currency code in capitals, such as EUR (got 'eur')",
    ),
]


@pytest.mark.parametrize(("kind", "loc", "value", "message"), OWN_CHECKS, ids=[c[0] for c in OWN_CHECKS])
def test_each_own_check_gives_its_message_as_written(kind: str, loc: tuple[str, ...], value: Any, message: str) -> None:
    data = example_data()
    target = data["agreement"]
    for part in loc[:-1]:
        target = target[part]
    target[loc[-1]] = value
    problems = [(p.path, p.message) for p in _problems(data)]
    assert problems == [(".".join(("agreement", *loc)), message)]
    with pytest.raises(ValidationError) as caught:
        Agreement.model_validate(data["agreement"], context={"parties": {"contoso", "fabrikam"}})
    assert [(e["type"], e["msg"]) for e in caught.value.errors()] == [(kind, message)]


def test_every_own_check_is_tested() -> None:
    assert {c[0] for c in OWN_CHECKS} == ERROR_TYPES


def _problems(data: dict[str, Any]) -> list[Problem]:
    try:
        validate_deal({k: v for k, v in data.items() if k != "p2pdocs"}, lambda loc: ("deal.yaml", 1, ()))
    except InvalidInput as exc:
        return exc.problems
    return []
