"""A party's short name: one rule (its short_name, else the legal name without the company
form) in the agreement, the memo, `p2pdocs check`, the Word comments and the interview."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, EXAMPLE_ID, example_data, run_cli
from docx import Document
from test_interview import Scripted
from wizard_script import EXAMPLE_ANSWERS

from p2pdocs.deal.shortnames import party_name, short_name, without_company_form
from p2pdocs.deal.validate import load_deal
from p2pdocs.interview.interview import Interview
from p2pdocs.word.render import docx_text

FOLDER = EXAMPLE_ID


@pytest.mark.parametrize(
    ("legal", "short"),
    [
        ("Northwind Traders Ltd", "Northwind Traders"),
        ("Café Numérique SAS", "Café Numérique"),
        ("Contoso, Inc.", "Contoso"),
        ("Contoso Inc", "Contoso"),
        ("Fabrikam Software GmbH", "Fabrikam Software"),
        ("Adatum Corporation", "Adatum"),
        ("Litware Corp.", "Litware"),
        ("Trey Research Limited", "Trey Research"),
        ("Acme plc", "Acme"),
        ("Société Générale S.A.", "Société Générale"),
        ("Wingtip Solutions N.V.", "Wingtip Solutions"),
        ("Fourth Coffee B.V.", "Fourth Coffee"),
        ("Datum Systems Oy", "Datum Systems"),
        ("Lucerne Publishing AB", "Lucerne Publishing"),
        ("Graphic Design Institute ApS", "Graphic Design Institute"),
        ("Nordic Data A/S", "Nordic Data"),
        ("Bellows S.p.A.", "Bellows"),
        ("Proseware S.r.l.", "Proseware"),
        ("Southridge Video Pty Ltd", "Southridge Video"),
        ("Tailspin Toys Sp. z o.o.", "Tailspin Toys"),
        ("Kyoto Works K.K.", "Kyoto Works"),
        ("Hanbit Co., Ltd.", "Hanbit"),
        ("Woodgrove Advisory Kft.", "Woodgrove Advisory"),
        ("ACME LTD", "ACME"),
        ("Blue Sea", "Blue Sea"),  # no company form: the whole name
        ("Northwind as", "Northwind as"),  # a short form is removed only as written or in capitals
        ("Ltd", "Ltd"),  # nothing but a company form: never an empty name
        ("Inc.", "Inc."),
    ],
)
def test_the_legal_name_without_its_company_form(legal: str, short: str) -> None:
    assert without_company_form(legal) == short
    assert short_name("any-key", {"legal_name": legal}) == short


def test_short_name_is_given_or_defaults_from_the_legal_name() -> None:
    assert short_name("north-wind", {"legal_name": "Northwind Traders Ltd", "short_name": "Northwind"}) == "Northwind"
    assert short_name("north-wind", {"legal_name": "Northwind Traders Ltd"}) == "Northwind Traders"
    assert short_name("north-wind", None) == "North Wind", "only a party not described yet is named from its key"


def to_north_wind(data: Any) -> Any:
    """``data`` with the party key ``contoso`` renamed ``north-wind`` everywhere."""
    if isinstance(data, dict):
        return {("north-wind" if k == "contoso" else k): to_north_wind(v) for k, v in data.items()}
    if isinstance(data, list):
        return [to_north_wind(v) for v in data]
    return "north-wind" if data == "contoso" else data


def north_wind(d: dict[str, Any]) -> None:
    d["agreement"] = to_north_wind(d["agreement"])
    d["statements_of_work"] = to_north_wind(d["statements_of_work"])
    party = d["agreement"]["parties"]["north-wind"]
    party["legal_name"] = "Northwind Traders Ltd"
    del party["short_name"], party["sponsor"]
    d["agreement"]["margins"][1]["by_year"] = [15, 12]  # P01, a finding that names the seller


def test_a_party_is_named_alike_in_the_model_and_in_plain_data() -> None:
    # the documents read the validated model; the playbook and the interview read plain,
    # possibly partial, data: one function names the party in both
    agreement = load_deal(EXAMPLE).agreement
    raw = example_data()["agreement"]
    for key in agreement.parties:
        assert party_name(agreement, key) == party_name(raw, key) == short_name(key, agreement.parties[key])
    partial = {"parties": {"north-wind": {"legal_name": "Northwind Traders Ltd"}}}
    assert party_name(partial, "north-wind") == "Northwind Traders"
    assert party_name({"parties": {}}, "north-wind") == party_name(None, "north-wind") == "North Wind"


def test_every_output_uses_the_same_short_name(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    path = write_deal(north_wind)
    out = tmp_path / "out"
    result = run_cli("generate", str(path), "-o", str(out), "--comments", "--no-progress")
    assert result.exit_code == 0, result.output
    folder = out / FOLDER
    agreement = docx_text((folder / "partnering-agreement.docx").read_bytes())
    sow = docx_text((folder / "sow-SOW-001.docx").read_bytes())
    memo = (folder / "review-memo.md").read_text(encoding="utf-8")
    comments = " ".join(c.text for c in Document(str(folder / "partnering-agreement.docx")).comments)
    checked = run_cli("check", str(path), "--format", "json")
    (deal,) = json.loads(checked.output)
    findings = " ".join(f["message"] for f in deal["findings"])

    assert '("Northwind Traders");' in agreement
    assert "the Prime Partner is Northwind Traders" in agreement
    assert "Northwind Traders is the Prime Partner for this project" in sow
    assert "Northwind Traders: no executive sponsor is given." in memo
    for text in (memo, comments, findings):
        assert "Northwind Traders keeps 15% on projects in year 1" in text
        assert "Northwind Traders names no executive sponsor" in text
    for text in (agreement, sow, memo, comments, findings):  # field paths keep the key, north-wind
        assert not re.search(r"North[ -]Wind", text), "a name made from the key"


def test_the_interview_names_parties_by_the_same_rule() -> None:
    script = copy.deepcopy(EXAMPLE_ANSWERS)
    script["Short key for this party"] = ["north-wind", "fabrikam"]
    script["Short name in the documents (empty for the default)"] = ["", "Fabrikam"]
    script["Legal name"] = ["Northwind Traders Ltd", "Fabrikam Software GmbH"]
    party_answers = ("Seller (keeps the margin)", "Held by")
    party_answers += ("Owner", "KPI owner")
    for prompt in party_answers:
        script[prompt] = ["north-wind" if v == "contoso" else v for v in script[prompt]]
    for prompt in [p for p in script if "Contoso" in p]:  # questions about a party name it
        script[prompt.replace("Contoso", "Northwind Traders")] = script.pop(prompt)
    ui = Scripted(script)
    interview = Interview()
    interview.run(ui)
    assert interview.problems() == []
    party = interview.deal()["agreement"]["parties"]["north-wind"]
    assert "short_name" not in party, "an empty answer keeps the default"
    asked = {p.message: p for p in ui.asked}
    assert "Responsibilities of Northwind Traders (separated by ;)" in asked
    assert ("north-wind", "Northwind Traders") in asked["Seller (keeps the margin)"].choices
    helps = [p.help for p in ui.asked if p.message.startswith("Short name")]
    assert helps[0].endswith("company form: Northwind Traders.")
    rows = dict(row for _, section in interview.summary() for row in section)
    assert rows["Prime partner"] == "Northwind Traders", "the review screen too"


def test_two_parties_with_the_same_short_name_are_refused(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    def same(d: dict[str, Any]) -> None:
        parties = d["agreement"]["parties"]
        parties["contoso"]["legal_name"] = "Northwind Traders Ltd"
        del parties["contoso"]["short_name"]
        parties["fabrikam"]["legal_name"] = "Northwind Traders GmbH"
        del parties["fabrikam"]["short_name"]

    path = write_deal(same)
    result = run_cli("generate", str(path), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "Northwind Traders GmbH" in text)
    assert (
        f"{path}:{line}: agreement.parties.fabrikam.legal_name: 'Northwind Traders' is already the short name of "
        "agreement.parties.contoso; the documents could not tell the two parties apart: "
        "give one of them a distinct short_name"
    ) in result.output
    assert not (tmp_path / "out").exists()

    def given(d: dict[str, Any]) -> None:
        d["agreement"]["parties"]["fabrikam"]["short_name"] = "contoso"

    result = run_cli("check", str(write_deal(given, name="given.yaml")))
    assert result.exit_code == 2
    assert "agreement.parties.fabrikam.short_name: 'contoso' is already the short name of" in result.output


def test_the_schema_describes_short_name() -> None:
    result = run_cli("schema")
    party = json.loads(result.output)["$defs"]["Party"]["properties"]
    description = party["short_name"]["description"]
    assert "the legal name without its company form" in description
    assert "Two parties may not have the same short name" in description
