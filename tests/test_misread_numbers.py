"""A contract never holds a number the user did not type: YAML 1.1's octal, base-60 and
integer-date readings are refused by every command that reads a deal, with the line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import EXAMPLE, run_cli


def _deal(tmp_path: Path, find: str, replace: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert re.search(find, text, flags=re.MULTILINE), find
    path = tmp_path / "deal.yaml"
    path.write_text(re.sub(find, replace, text, count=1, flags=re.MULTILINE), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("find", "replace", "typed", "field", "says"),
    [
        (r"initial_months: \d+", "initial_months: 024", "024", "agreement.term.initial_months", "octal number 20"),
        (r"amount: [\d.]+", "amount: 0170000", "0170000", ".amount", "octal number 61440"),
        (r"by_year: \[\d+", "by_year: [022", "022", ".by_year[0]", "octal number 18"),
        (r"protection_days: \d+", "protection_days: 1:30", "1:30", "protection_days", "base-60 number (90)"),
        (r"effective_date: [\d-]+", "effective_date: 1800057600", "1800057600", "agreement.effective_date", "YYYY-MM"),
    ],
)
@pytest.mark.parametrize("command", ["check", "generate"])
def test_misread_numbers_are_refused(
    tmp_path: Path, command: str, find: str, replace: str, typed: str, field: str, says: str
) -> None:
    deal = _deal(tmp_path, find, replace)
    out = tmp_path / "out"
    args = [command, str(deal)] + (["-o", str(out)] if command == "generate" else [])
    result = run_cli(*args)
    assert result.exit_code == 2, result.output
    line = _line_of(deal, typed)
    found = re.search(rf"{re.escape(str(deal))}:{line}: (\S+): (.*)", result.output)
    assert found, result.output
    assert field in found.group(1)
    assert says in found.group(2)
    assert "Traceback" not in result.output
    assert not list(out.glob("**/*.docx"))
