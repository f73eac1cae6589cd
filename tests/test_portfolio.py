"""`p2pdocs portfolio`: a workbook of every agreement with the dates operations must not
miss, and their calendar, read back as a user's spreadsheet and calendar read them."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import openpyxl
import pytest

from tests.conftest import EXAMPLE_ID, run_cli

A, B = EXAMPLE_ID, "CONTOSO-FABRIKAM-B"


def _other(data: dict[str, Any]) -> None:
    """A second agreement that departs from the playbook, does not renew and has no dormancy right."""
    a = data["agreement"]
    a["id"] = B
    a["margins"][1]["by_year"] = [15, 10]
    a["term"]["auto_renew"] = False
    del a["term"]["dormancy_months"]
    a["visibility"] = {"disclosure": "white_label"}


@pytest.fixture
def deals(write_deal: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("deals").mkdir()
    write_deal(name="deals/a.yaml")
    write_deal(_other, name="deals/b.yaml")
    return Path("deals")


def test_portfolio_lists_each_agreement_its_dates_findings_and_documents(deals: Path) -> None:
    assert run_cli("generate", "deals/a.yaml", "-o", "out", "-j", "1", "--no-progress").exit_code == 0
    result = run_cli("portfolio", str(deals), "-o", "portfolio.xlsx", "--manifest", "out/manifest.json")
    assert result.exit_code == 0, result.output
    assert "wrote portfolio.xlsx (2 agreements)" in result.output

    sheet = openpyxl.load_workbook("portfolio.xlsx")["Portfolio"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}3"
    a, b = rows[A], rows[B]
    assert a["Parties"] == "Contoso; Fabrikam" and a["Prime partner"] == "Contoso"
    assert a["Margins"] == "saas Contoso 25/12.5%; projects Contoso 22/12%; projects Fabrikam 20/10%"
    # effective 15 January 2027, 24 months, 60 days' notice, 6 months' dormancy, the plan's health check
    assert a["Effective date"] == datetime(2027, 1, 15)
    assert a["Initial term ends"] == datetime(2029, 1, 14)
    assert a["Non-renewal notice by"] == datetime(2028, 11, 15)
    assert a["Renewal"] == "automatic, 12 months at a time"
    assert a["Convenience notice"] == "90 days"
    assert a["Dormancy check"] == datetime(2027, 7, 15)
    assert a["First health check"] == datetime(2027, 6, 30)
    assert a["Stake reviews"].endswith("(Contoso): quarterly")
    assert a["Status"] == "draft"
    assert (b["Renewal"], b["Non-renewal notice by"], b["Dormancy check"]) == ("none", None, None)

    checked = {r["deal"]: r["findings"] for r in json.loads(run_cli("check", str(deals), "--format", "json").output)}
    for deal, row in ((A, a), (B, b)):
        for severity in ("high", "medium", "low", "info"):
            assert row[severity.capitalize()] == sum(f["severity"] == severity for f in checked[deal]), (deal, severity)
    assert b["High"] == 1 and b["Medium"] == 2

    assert a["Generation"] == "generated" and b["Generation"] == "not in the manifest"
    documents, sums = a["Documents"].split("\n"), a["SHA-256"].split("\n")
    assert f"{A}/partnering-agreement.docx" in documents
    for path, digest in zip(documents, sums, strict=True):
        assert hashlib.sha256(Path("out", path).read_bytes()).hexdigest() == digest


def _events(path: str) -> dict[str, Any]:
    calendar = icalendar.Calendar.from_ical(Path(path).read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_calendar_has_an_event_per_deadline_with_stable_uids_and_a_reminder(deals: Path) -> None:
    result = run_cli("portfolio", str(deals), "-o", "p.xlsx", "--calendar", "deadlines.ics", "--remind-days", "21")
    assert result.exit_code == 0, result.output
    first = Path("deadlines.ics").read_bytes(), Path("p.xlsx").read_bytes()
    events = _events("deadlines.ics")
    assert set(events) == {
        f"term-end.{A}@p2pdocs",
        f"nonrenewal-notice.{A}@p2pdocs",
        f"health-check.{A}@p2pdocs",
        f"dormancy-check.{A}@p2pdocs",
        f"term-end.{B}@p2pdocs",
        f"health-check.{B}@p2pdocs",
    }
    notice = events[f"nonrenewal-notice.{A}@p2pdocs"]
    assert notice.decoded("DTSTART") == date(2028, 11, 15)
    assert str(notice["SUMMARY"]) == f"{A}: last day to give notice of non-renewal"
    (alarm,) = notice.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(days=-21)
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert not events[f"term-end.{A}@p2pdocs"].walk("VALARM")
    assert events[f"term-end.{A}@p2pdocs"].decoded("DTSTART") == date(2029, 1, 14)

    again = ("portfolio", str(deals), "-o", "p.xlsx", "--calendar", "deadlines.ics", "--remind-days", "21")
    assert run_cli(*again).exit_code == 2  # nothing overwritten without --force
    assert run_cli(*again, "--force").exit_code == 0
    assert (Path("deadlines.ics").read_bytes(), Path("p.xlsx").read_bytes()) == first  # no clock in either

    text = Path("deals/a.yaml").read_text(encoding="utf-8")
    Path("deals/a.yaml").write_text(text.replace("nonrenewal_notice_days: 60", "nonrenewal_notice_days: 90"), "utf-8")
    assert run_cli(*again, "--force").exit_code == 0
    moved = _events("deadlines.ics")[f"nonrenewal-notice.{A}@p2pdocs"]  # the same event, moved: a re-import updates it
    assert moved.decoded("DTSTART") == date(2028, 10, 16)


def test_an_invalid_deal_or_an_unfinished_manifest_writes_nothing(deals: Path) -> None:
    text = Path("deals/b.yaml").read_text(encoding="utf-8")
    Path("deals/b.yaml").write_text(text.replace("initial_months: 24", "initial_months: 0"), encoding="utf-8")
    result = run_cli("portfolio", str(deals), "-o", "p.xlsx", "--calendar", "d.ics")
    assert result.exit_code == 2
    assert (
        "deals/b.yaml:" in result.output
        and "agreement.term.initial_months: must be greater than or equal to 1" in result.output
    )
    assert not Path("p.xlsx").exists() and not Path("d.ics").exists()

    Path("manifest.json").write_text(json.dumps({"p2pdocs": "0", "stale": "a run has not finished", "deals": []}))
    result = run_cli("portfolio", "deals/a.yaml", "-o", "p.xlsx", "--manifest", "manifest.json")
    assert result.exit_code == 2
    assert "error: manifest.json: a run has not finished" in result.output
    assert not Path("p.xlsx").exists()


def test_a_dormancy_check_past_the_calendar_is_a_located_problem(write_deal: Any) -> None:
    def late(data: dict[str, Any]) -> None:
        data["agreement"]["effective_date"] = date(9999, 1, 1)
        data["agreement"]["term"].update(initial_months=6, dormancy_months=12)
        data["agreement"].pop("plan")
        data.pop("statements_of_work")

    result = run_cli("check", str(write_deal(late)))
    assert result.exit_code == 2
    assert "agreement.term.dormancy_months: the dormancy check falls in the year 10000" in result.output
