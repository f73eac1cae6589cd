"""Partner sheets: `p2pdocs sheet` writes one for a programme; rows filled as a user does
(openpyxl, and a workbook saved by LibreOffice Calc) generate exactly what the programme's
batch file generates; every problem names its cell."""

from __future__ import annotations

import copy
import csv
import functools
import io
import json
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from p2pdocs.deal.columns import leaves, parse_path
from p2pdocs.deal.sheet import SheetInputs
from tests.conftest import ROOT, libreoffice_convert, run_cli

PROGRAMME = ROOT / "examples" / "programme" / "fabrikam-programme.yaml"
ADATUM, ALPINE = "FABRIKAM-ADATUM-2027", "FABRIKAM-ALPINE-2027"


@functools.cache
def _programme_data() -> dict[str, Any]:
    return yaml.load(PROGRAMME.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@pytest.fixture
def programme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example programme with its first two partners (Adatum, Alpine), in the test's folder."""
    monkeypatch.chdir(tmp_path)
    data = copy.deepcopy(_programme_data())
    data["deals"] = data["deals"][:2]
    path = Path("programme.yaml")
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def alpine() -> dict[str, Any]:
    """The second partner's values by field path, as the programme gives them."""
    data = _programme_data()["deals"][1]
    return {_path(loc): value for loc, value in leaves(data)}


def _path(loc: tuple[str | int, ...]) -> str:
    from p2pdocs.deal.yamlsource import format_loc

    return format_loc(loc)


def type_in(sheet: Any, row: int, values: dict[str, Any]) -> None:
    """Fill a row as a user types it in Excel: a percentage is stored as a fraction shown
    with %, a date as a date, text as text."""
    header = [c.value for c in sheet[1]]
    for path, value in values.items():
        cell = sheet.cell(row, header.index(path) + 1)
        if "by_year" in path or path.endswith("percent"):
            cell.value, cell.number_format = float(value) / 100, "0.00%"
        elif isinstance(value, date):
            cell.value, cell.number_format = datetime(value.year, value.month, value.day), "yyyy-mm-dd"
        else:
            cell.value = value


def test_sheet_has_the_programmes_columns_an_example_and_explains_them(programme: Path) -> None:
    result = run_cli("sheet", str(programme), "-o", "partners.xlsx")
    assert result.exit_code == 0, result.output
    first = Path("partners.xlsx").read_bytes()
    assert run_cli("sheet", str(programme), "-o", "partners.xlsx").exit_code == 2  # not overwritten
    assert run_cli("sheet", str(programme), "-o", "partners.xlsx", "--force").exit_code == 0
    assert Path("partners.xlsx").read_bytes() == first  # the same bytes for the same programme

    book = openpyxl.load_workbook("partners.xlsx")
    assert book.sheetnames == ["Partners", "Columns"]
    sheet = book["Partners"]
    header = [c.value for c in sheet[1]]
    assert header[0] == "agreement.id"
    for path in (
        "agreement.parties.partner.legal_name",
        "agreement.margins[0].by_year[0]",
        "statements_of_work[0].end",
    ):
        assert path in header
    assert "agreement.currency" not in header  # given by the defaults alone: it does not vary
    assert sheet.freeze_panes == "B2"
    example = {path: sheet.cell(2, i + 1) for i, path in enumerate(header)}
    assert example["agreement.id"].value == ADATUM
    assert example["agreement.margins[0].by_year[0]"].value is None  # Adatum takes the defaults' margins
    percent = openpyxl.utils.get_column_letter(header.index("agreement.margins[0].by_year[0]") + 1)
    assert sheet.column_dimensions[percent].number_format == "0.00%"
    end = example["statements_of_work[0].end"]
    assert (end.value, end.number_format) == (datetime(2027, 8, 30), "yyyy-mm-dd")
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    kind = openpyxl.utils.get_column_letter(header.index("agreement.parties.partner.type") + 1)
    assert lists[f"{kind}2"] == '"isv,systems_integrator,msp,csp,consultancy,other"'
    prime = openpyxl.utils.get_column_letter(header.index("agreement.prime_partner") + 1)
    assert lists[f"{prime}2"] == '"fabrikam,partner"'  # the programme's parties

    guide = {row[1]: row for row in book["Columns"].iter_rows(min_row=2, values_only=True)}
    legal = guide["agreement.parties.partner.legal_name"]
    assert legal[2] == "text"
    assert guide["agreement.margins[0].by_year[0]"][2].startswith("percentage")
    assert "six months after the effective date" not in str(guide.get("agreement.id"))
    assert guide["agreement.parties.partner.type"][4] == "isv, systems_integrator, msp, csp, consultancy, other"
    assert guide["agreement.prime_partner"][2:5] == ("a party's key", "yes", "fabrikam, partner")


def test_rows_generate_exactly_what_the_batch_file_generates(programme: Path) -> None:
    assert run_cli("generate", str(programme), "-o", "batch", "--no-progress", "-j", "1").exit_code == 0
    assert run_cli("sheet", str(programme), "-o", "partners.xlsx").exit_code == 0
    book = openpyxl.load_workbook("partners.xlsx")
    sheet = book["Partners"]
    header = [c.value for c in sheet[1]]
    values = {k: v for k, v in alpine().items() if k in header}
    type_in(sheet, 4, values)  # row 3 left empty: skipped
    book.save("partners.xlsx")

    result = run_cli("generate", str(programme), "--sheet", "partners.xlsx", "-o", "sheet", "--no-progress", "-j", "1")
    assert result.exit_code == 0, result.output
    assert "generated 2 of 2 deals" in result.output
    for deal in (ADATUM, ALPINE):
        made = sorted(p.name for p in Path("batch", deal).iterdir())
        assert made == sorted(p.name for p in Path("sheet", deal).iterdir())
        for name in made:
            assert Path("sheet", deal, name).read_bytes() == Path("batch", deal, name).read_bytes(), (deal, name)
    manifest = json.loads(Path("sheet/manifest.json").read_text(encoding="utf-8"))
    assert [(d["id"], d["source"]) for d in manifest["deals"]] == [
        (ADATUM, {"file": "partners.xlsx", "line": 2}),
        (ALPINE, {"file": "partners.xlsx", "line": 4}),
    ]


def test_numbers_are_read_as_typed(programme: Path) -> None:
    assert run_cli("sheet", str(programme), "-o", "partners.xlsx").exit_code == 0
    book = openpyxl.load_workbook("partners.xlsx")
    sheet = book["Partners"]
    header = [c.value for c in sheet[1]]
    col = header.index("agreement.margins[0].by_year[0]") + 1
    type_in(sheet, 2, {"agreement.margins[0].revenue_type": "saas", "agreement.margins[0].seller": "partner"})
    # 7% as Excel stores it in the column's percent format: 0.07 * 100 is 7.000000000000001 in floats
    sheet.cell(2, col).value, sheet.cell(2, col).number_format = 0.07, "0.00%"
    sheet.cell(2, col + 1).value, sheet.cell(2, col + 1).number_format = 12.5, "General"  # typed without %
    book.save("partners.xlsx")
    (entry,) = SheetInputs(programme, Path("partners.xlsx"))
    assert entry.deal is not None, entry.problems
    by_year = entry.deal.agreement.margins[0].by_year
    assert by_year == [Decimal("7"), Decimal("12.5")]
    assert [str(v) for v in by_year] == ["7", "12.5"]


def test_every_problem_names_its_cell_and_a_bad_row_fails_alone(programme: Path) -> None:
    assert run_cli("sheet", str(programme), "-o", "partners.xlsx").exit_code == 0
    book = openpyxl.load_workbook("partners.xlsx")
    sheet = book["Partners"]
    header = [c.value for c in sheet[1]]

    def at(path: str, row: int) -> str:
        return f"{openpyxl.utils.get_column_letter(header.index(path) + 1)}{row}"

    good = {k: v for k, v in alpine().items() if k in header}
    bad = {**good, "agreement.id": "FABRIKAM-BAD-2027", "agreement.parties.partner.type": "reseller"}
    bad["agreement.margins[0].by_year[0]"] = 125
    type_in(sheet, 3, bad)
    sheet[at("agreement.parties.partner.legal_name", 3)] = '="Alpine "&"Ski House AG"'  # never calculated
    sheet[at("statements_of_work[0].start", 3)] = "2027-04-01"  # a date typed as text
    sheet.merge_cells(f"{at('agreement.parties.partner.jurisdiction', 3)}:{at('agreement.parties.partner.address', 3)}")
    type_in(sheet, 5, {**good, "agreement.id": ADATUM.lower()})  # the example's id, in other case
    type_in(sheet, 6, good)
    book.save("partners.xlsx")

    result = run_cli("generate", str(programme), "--sheet", "partners.xlsx", "-o", "out", "--no-progress", "-j", "1")
    assert result.exit_code == 1, result.output
    errors = result.output.splitlines()

    def printed(path: str, row: int, message: str) -> bool:
        """Whether a line names the cell of ``path`` in ``row`` with a message that starts so."""
        return any(
            line.strip().startswith(f"partners.xlsx:Partners!{at(path, row)}: {path}: {message}") for line in errors
        )

    merged = f"{at('agreement.parties.partner.jurisdiction', 3)}:{at('agreement.parties.partner.address', 3)}"
    for path, row, message in (
        ("agreement.parties.partner.type", 3, "must be "),
        ("agreement.margins[0].by_year[0]", 3, "must be less than or equal to 100 (got 125)"),
        ("agreement.parties.partner.legal_name", 3, "a formula with no computed value"),
        ("statements_of_work[0].start", 3, "a date typed as text ('2027-04-01')"),
        ("agreement.parties.partner.address", 3, f"a merged cell ({merged})"),
        (
            "agreement.id",
            5,
            f"agreement id '{ADATUM.lower()}' differs only in case from '{ADATUM}' (partners.xlsx:Partners!A2)",
        ),
    ):
        assert printed(path, row, message), (path, row, message, errors)
    manifest = {d["id"]: d["status"] for d in json.loads(Path("out/manifest.json").read_text())["deals"]}
    assert manifest == {ADATUM: "failed", "FABRIKAM-BAD-2027": "failed", ADATUM.lower(): "failed", ALPINE: "generated"}
    assert Path("out", ALPINE, "partnering-agreement.docx").is_file()

    checked = run_cli("check", str(programme), "--sheet", "partners.xlsx", "--format", "json")
    assert checked.exit_code == 2
    results = {r["deal"]: r for r in json.loads(checked.output)}
    assert results[ALPINE]["valid"] and not results["FABRIKAM-BAD-2027"]["valid"]


def test_csv_rows_are_text_read_by_their_column(programme: Path) -> None:
    assert run_cli("sheet", str(programme), "-o", "partners.csv").exit_code == 0
    with Path("partners.csv").open(encoding="utf-8-sig", newline="") as handle:
        header, example = list(csv.reader(handle))
    assert header[0] == "agreement.id" and example[0] == ADATUM
    values = alpine()
    row = [
        "12.5%" if path == "agreement.margins[0].by_year[1]" else ("" if path not in values else str(values[path]))
        for path in header
    ]
    broken = [*row]
    broken[0] = "FABRIKAM-CSV-2027"
    broken[header.index("statements_of_work[0].contract_year")] = "one"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["", *([""] * (len(header) - 1))], row, broken])
    Path("partners.csv").write_text(Path("partners.csv").read_text(encoding="utf-8-sig") + buffer.getvalue(), "utf-8")

    entries = list(SheetInputs(programme, Path("partners.csv")))
    assert [e.line for e in entries] == [2, 4, 5]  # the empty line 3 is skipped
    assert entries[1].deal is not None, entries[1].problems
    assert entries[1].deal.agreement.margins[0].by_year == [Decimal(28), Decimal("12.5")]
    assert entries[1].deal.agreement.term.auto_renew is True  # from the defaults
    result = run_cli("check", str(programme), "--sheet", "partners.csv")
    assert result.exit_code == 2
    assert "partners.csv:5: statements_of_work[0].contract_year: must be a valid integer" in result.output


def test_a_workbook_that_is_not_one_is_refused_with_the_reason(programme: Path) -> None:
    assert run_cli("sheet", str(programme), "-o", "partners.xlsx").exit_code == 0
    with zipfile.ZipFile("partners.xlsx") as book:
        parts = {i.filename: book.read(i) for i in book.infolist()}

    def rewrite(name: str, change: dict[str, bytes]) -> None:
        with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED) as out:
            for part, data in {**parts, **change}.items():
                out.writestr(part, data)

    rewrite("bomb.xlsx", {"xl/sharedStrings.xml": b"<sst>" + b" " * (40 * 2**20) + b"</sst>"})
    styles = re.sub(rb"^<\?xml[^>]*\?>", b"", parts["xl/styles.xml"])
    rewrite("doctype.xlsx", {"xl/styles.xml": b'<!DOCTYPE x [<!ENTITY a "b">]>' + styles})
    Path("text.xlsx").write_text("agreement.id\n", encoding="utf-8")
    for name, reason in (
        ("bomb.xlsx", "xl/sharedStrings.xml would inflate to 41,943,051 bytes, more than 33,554,432"),
        ("doctype.xlsx", "xl/styles.xml declares a DOCTYPE"),
        ("text.xlsx", "not a readable .xlsx (zip) file"),
    ):
        result = run_cli("generate", str(programme), "--sheet", name, "-o", "out")
        assert result.exit_code == 2, result.output
        assert f"{name}: cannot be read: {reason}" in result.output
    Path("header.csv").write_text("agreement.id\n\n", encoding="utf-8")
    header = run_cli("generate", str(programme), "--sheet", "header.csv", "-o", "out")
    assert header.exit_code == 2
    assert "header.csv: the sheet has no partner rows below its header (row 1)" in header.output
    Path("header.csv").write_text("agreement.id,agreement.partys.x\nX-1,a\n", encoding="utf-8")
    header = run_cli("check", str(programme), "--sheet", "header.csv")
    assert "header.csv:1: 'agreement.partys.x' is not a field of the deal file" in header.output
    assert parse_path("agreement.margins[0].by_year[1]") == ("agreement", "margins", 0, "by_year", 1)


@pytest.mark.libreoffice
@pytest.mark.slow
def test_a_workbook_saved_by_libreoffice_calc_reads(programme: Path, tmp_path: Path) -> None:
    assert run_cli("sheet", str(programme), "-o", "partners.xlsx").exit_code == 0
    book = openpyxl.load_workbook("partners.xlsx")
    sheet = book["Partners"]
    header = [c.value for c in sheet[1]]
    type_in(sheet, 3, {k: v for k, v in alpine().items() if k in header})
    sheet.cell(3, header.index("agreement.parties.partner.legal_name") + 1).value = '="Alpine Ski "&"House AG"'
    Path("filled").mkdir()
    book.save("filled/partners.xlsx")
    refused = run_cli("check", str(programme), "--sheet", "filled/partners.xlsx")
    assert "a formula with no computed value" in refused.output
    saved = libreoffice_convert(Path("filled/partners.xlsx").resolve(), "xlsx", tmp_path / "calc")
    result = run_cli("generate", str(programme), "--sheet", str(saved), "-o", "out", "--no-progress", "-j", "1")
    assert result.exit_code == 0, result.output
    assert run_cli("generate", str(programme), "-o", "batch", "--no-progress", "-j", "1").exit_code == 0
    for name in ("partnering-agreement.docx", "sow-SOW-002.docx"):  # Calc kept 28%, the dates, the formula's text
        assert Path("out", ALPINE, name).read_bytes() == Path("batch", ALPINE, name).read_bytes()


def test_a_list_with_a_hole_a_time_of_day_and_an_error_value_are_refused(programme: Path) -> None:
    assert run_cli("sheet", str(programme), "-o", "partners.xlsx").exit_code == 0
    book = openpyxl.load_workbook("partners.xlsx")
    sheet = book["Partners"]
    header = [c.value for c in sheet[1]]
    values = {k: v for k, v in alpine().items() if k in header and not k.startswith("agreement.margins[0]")}
    type_in(sheet, 3, values)  # the second margin without the first
    sheet.cell(3, header.index("statements_of_work[0].end") + 1).value = datetime(2027, 8, 30, 17, 30)
    sheet.cell(3, header.index("agreement.governing_law") + 1).value = "#N/A"  # an error value, as Excel stores it
    book.save("partners.xlsx")
    _, entry = SheetInputs(programme, Path("partners.xlsx"))
    assert entry.deal is None
    shown = {p.file.rsplit("!", 1)[1]: f"{p.path}: {p.message}" for p in entry.problems}

    def at(path: str) -> str:
        return f"{openpyxl.utils.get_column_letter(header.index(path) + 1)}3"

    assert shown[at("agreement.margins[1].revenue_type")] == (
        "agreement.margins[1].revenue_type: an earlier item of this list is empty; fill a list from [0] on"
    )
    assert shown[at("statements_of_work[0].end")] == (
        "statements_of_work[0].end: holds a time of day (2027-08-30 17:30:00); enter the date alone"
    )
    assert (
        shown[at("agreement.governing_law")] == "agreement.governing_law: the cell holds the error #N/A; type the value"
    )
