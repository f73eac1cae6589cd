"""Every validation rule: its message, its field path and the line of the value."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, run_cli

from p2pdocs.deal.validate import load_deal
from p2pdocs.errors import InvalidInput


def lines_of(tmp_path: Path, text: str) -> tuple[int, list[str]]:
    path = tmp_path / "deal.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("generate", str(path), "-o", str(out))
    assert not out.exists(), "nothing may be written for an invalid deal"
    assert "Traceback" not in result.output
    return result.exit_code, result.output.splitlines()


def edit(line_no: int, new: str) -> str:
    """The reference example with line ``line_no`` (1-based) replaced by ``new``."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    lines[line_no - 1] = new
    return "\n".join(lines) + "\n"


def example_line(fragment: str) -> int:
    for i, line in enumerate(EXAMPLE.read_text(encoding="utf-8").splitlines(), 1):
        if fragment in line:
            return i
    raise AssertionError(fragment)


CASES: list[tuple[str, str, str, str]] = [
    # (line of the example containing, replacement, expected field path, expected message part)
    ("  id: CONTOSO-FABRIKAM-2027", "  id: ../etc", "agreement.id", "used in file names"),
    ("  id: CONTOSO-FABRIKAM-2027", "  id: CON", "agreement.id", "reserved file name"),
    ("  status: draft", "  status: signed", "agreement.status", "'draft' or 'final'"),
    ("  effective_date: 2027-01-15", "  effective_date: 2027-02-30", "agreement.effective_date", "valid date"),
    ("  currency: EUR", "  currency: euro", "agreement.currency", "ISO 4217"),
    ("      type: isv", "      type: vendor", "agreement.parties.fabrikam.type", "'isv'"),
    ("  prime_partner: contoso", "  prime_partner: northwind", "agreement.prime_partner", "'northwind' is not a party"),
    (
        "      by_year: [25, 12.5]",
        "      by_year: [125, 12.5]",
        "agreement.margins[0].by_year[0]",
        "less than or equal to 100",
    ),
    ("      by_year: [25, 12.5]", "      by_year: [25, 12.555]", "agreement.margins[0].by_year[1]", "decimal places"),
    ("      by_year: [25, 12.5]", "      by_year: []", "agreement.margins[0].by_year", "at least 1"),
    ("      seller: fabrikam", "      seller: tailspin", "agreement.margins[2].seller", "'tailspin' is not a party"),
    ("    first_line: contoso", "    first_line: nobody", "agreement.support_services.first_line", "not a party"),
    ("    - party: contoso", "    - party: fabrikan", "agreement.ownership[0].party", "not a party"),
    (
        "  referral: {fee_percent: 10, lookback_days: 90, tail_months: 12}",
        "  referral: {fee_percent: 10, lookback_days: 90, tail_month: 12}",
        "agreement.referral.tail_month",
        "did you mean 'tail_months'",
    ),
    ("    agenda_owner: contoso", "    agenda_owner: 42", "agreement.governance.agenda_owner", "valid string"),
    (
        "  disputes: {process: escalation_mediation, tier1_days: 15, tier2_days: 30}",
        "  disputes: {process: arbitration}",
        "agreement.disputes.process",
        "escalation_arbitration",
    ),
    ("    initial_months: 24", "    initial_months: 0", "agreement.term.initial_months", "greater than or equal to 1"),
    ("    prime: contoso", "    prime: fabrikm", "statements_of_work[0].prime", "not a party"),
    (
        "      contoso: [Project management, Customer contract and invoicing, First-line support]",
        "      contso: [Project management]",
        "statements_of_work[0].responsibilities.contso",
        "not a party",
    ),
    ("    end: 2027-07-31", "    end: 2027-01-31", "statements_of_work[0].end", "before it starts"),
    (
        "    start: 2027-02-01",
        "    start: 2026-12-01",
        "statements_of_work[0].start",
        "before the agreement's effective",
    ),
    (
        "      - {name: Pilot in three stores, due: 2027-04-30}",
        "      - {name: Pilot in three stores, due: 2027-09-30}",
        "statements_of_work[0].deliverables[1].due",
        "outside the SoW",
    ),
    (
        "      - {name: Rollout complete, percent: 40",
        "      - {name: Rollout complete, percent: 45}",
        "statements_of_work[0].milestones[2].percent",
        "add up to 105%, not 100%",
    ),
    (
        "    fees: {model: fixed, amount: 180000",
        "    fees: {model: fixed}",
        "statements_of_work[0].fees.amount",
        "fixed fee needs an amount",
    ),
    (
        "    fees: {model: fixed, amount: 180000",
        "    fees: {model: time_and_materials}",
        "statements_of_work[0].fees.rate_card",
        "rate card",
    ),
    ("  - id: SOW-001", "  - id: SOW 001", "statements_of_work[0].id", "used in file names"),
    (
        "      legal_name: Contoso Consulting Ltd",
        '      legal_name: "Contoso\\u0007 Ltd"',
        "agreement.parties.contoso.legal_name",
        "control character U+0007",
    ),
    (
        "      partner_manager: {name: Cara Lind, email: cara.lind@contoso.example}",
        "      partner_manager: {name: Cara Lind, email: cara.lind}",
        "agreement.parties.contoso.partner_manager.email",
        "email address",
    ),
]


@pytest.mark.parametrize(("find", "replace", "field", "message"), CASES, ids=[c[2] + ":" + c[3] for c in CASES])
def test_each_rule_names_file_line_and_field(tmp_path: Path, find: str, replace: str, field: str, message: str) -> None:
    line = example_line(find)
    code, output = lines_of(tmp_path, edit(line, replace))
    assert code == 2
    expected_prefix = f"{tmp_path / 'deal.yaml'}:{line}: {field}: "
    matching = [o for o in output if o.startswith(expected_prefix)]
    assert matching, f"no line starting {expected_prefix!r} in:\n" + "\n".join(output)
    assert message in matching[0]


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = edit(example_line("  currency: EUR"), "  currency: eu")
    text = text.replace("      by_year: [22, 12]", "      by_year: [22, x]")
    text = text.replace("    fees: {model: fixed, amount: 180000,", "    fees: {model: fixed,")
    code, output = lines_of(tmp_path, text)
    assert code == 2
    fields = [o.split(": ")[1] for o in output if o.startswith(str(tmp_path))]
    assert "agreement.currency" in fields
    assert "agreement.margins[1].by_year[1]" in fields
    assert "statements_of_work[0].fees.amount" in fields
    assert output[-1] == f"{len(fields)} problems found; nothing was written."


def test_duplicate_key_is_an_error_with_both_lines(tmp_path: Path) -> None:
    line = example_line("  currency: EUR")
    text = edit(line, "  currency: EUR\n  currency: USD")
    code, output = lines_of(tmp_path, text)
    assert code == 2
    assert f"deal.yaml:{line + 1}: agreement.currency: duplicate key (first given on line {line})" in "\n".join(output)


@pytest.mark.parametrize(
    ("first_line", "message"),
    [
        ("p2pdocs: 2", "format 2 is not supported"),
        ("p2pdocs: two", "format 'two' is not supported"),
        ("version: 1", "missing: a deal file starts with 'p2pdocs: 1'"),
    ],
)
def test_format_version_is_required_and_checked(tmp_path: Path, first_line: str, message: str) -> None:
    text = edit(1, first_line)
    code, output = lines_of(tmp_path, text)
    assert code == 2
    assert message in "\n".join(output)
    assert "deal.yaml:1: p2pdocs: " in output[0]


def test_at_least_two_parties(tmp_path: Path, write_deal: Callable[..., Path]) -> None:
    def one_party(d: dict[str, Any]) -> None:
        del d["agreement"]["parties"]["fabrikam"]

    deal = write_deal(one_party)
    result = run_cli("generate", str(deal), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "agreement.parties: dictionary should have at least 2 items" in result.output.lower()


def test_duplicate_sow_ids(tmp_path: Path, write_deal: Callable[..., Path]) -> None:
    def twice(d: dict[str, Any]) -> None:
        d["statements_of_work"].append(dict(d["statements_of_work"][0]))

    result = run_cli("generate", str(write_deal(twice)), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "statements_of_work[1].id: duplicate SoW id 'SOW-001' (also statements_of_work[0])" in result.output


def test_arbitration_needs_seat_and_rules(tmp_path: Path, write_deal: Callable[..., Path]) -> None:
    def arbitration(d: dict[str, Any]) -> None:
        d["agreement"]["disputes"] = {"process": "escalation_arbitration"}

    result = run_cli("generate", str(write_deal(arbitration)), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "agreement.disputes.arbitration_seat: missing" in result.output
    assert "agreement.disputes.arbitration_rules: missing" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x00\x01\x02", "binary file"),
        (b"p2pdocs: 1\nagreement: [\n", "not valid YAML"),
        ("p2pdocs: 1\nagreement: {id: Å}\n".encode("latin-1"), "not UTF-8"),
        (b"- a\n- b\n", "expected a deal"),
    ],
)
def test_unreadable_files_are_clear_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "deal.yaml"
    path.write_bytes(content)
    result = run_cli("generate", str(path), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert message in result.output
    assert result.output.startswith(str(path))


def test_missing_file(tmp_path: Path) -> None:
    result = run_cli("generate", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "nope.yaml: no such file or directory" in result.output


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["p2pdocs: 1", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("generate", str(path), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "refused" in result.output


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (b"\xff\xfe" + "p2pdocs: 1\n".encode("utf-16-le"), 1, "encoded as UTF-16; save the file as UTF-8"),
        (b"p2pdocs: 1\n\x00", 0, "is a binary file, expected YAML text"),
        (b"p2pdocs: 1\nagreement:\n  id: \xc5\n", 3, "not UTF-8 text; save the file as UTF-8"),
        (b"\xef\xbb\xbfp2pdocs: 1\nagreement:\n  id: \xc5\n", 3, "not UTF-8 text; save the file as UTF-8"),
        (b"p2pdocs: 1\nagreement: \xe2\x82", 2, "not UTF-8 text; save the file as UTF-8"),
    ],
)
def test_a_files_bytes_are_checked_alike_read_whole_or_streamed(
    tmp_path: Path, content: bytes, line: int, message: str
) -> None:
    # `generate` reads a deal file through in chunks before it parses it; `load_deal` (and a
    # pipe) reads it whole: the same bytes are refused with the same problem, on the same line
    path = tmp_path / "deal.yaml"
    path.write_bytes(content)
    expected = f"{path}:{line}: {message}" if line else f"{path}: {message}"
    result = run_cli("generate", str(path), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert expected in result.output
    with pytest.raises(InvalidInput) as caught:
        load_deal(path)
    assert [str(p) for p in caught.value.problems] == [expected]
