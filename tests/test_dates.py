"""Every date a deal implies is checked when the deal is validated: a valid deal never
fails later, when a document is written (generate, redline, new, a batch)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from conftest import example_data, run_cli
from wizard_script import EXAMPLE_ANSWERS

HEALTH_CHECK = "agreement.effective_date: the first health check falls in the year 10000, outside the calendar"
TERM_END = "agreement.term.initial_months: the end of the initial term falls in the year 10000, outside the calendar"


def late(data: dict[str, Any]) -> None:
    data["agreement"]["effective_date"] = "9999-12-01"
    data["agreement"]["term"]["initial_months"] = 1
    data["statements_of_work"] = []
    del data["agreement"]["plan"]  # the first health check then defaults to six months on


def test_dates_after_9999_are_located_problems(tmp_path: Path, write_deal: Callable[..., Path]) -> None:
    """9999-12-01 and one month: the term ends on 31 December 9999, but the health check
    (six months on) and the first renewal do not fit in the calendar."""
    path = write_deal(late)
    lines = path.read_text().splitlines()
    effective = next(n for n, t in enumerate(lines, 1) if "effective_date" in t)
    out = tmp_path / "out"
    result = run_cli("generate", str(path), "-o", str(out))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"{path}:{effective}: {HEALTH_CHECK}" in result.output
    assert ": agreement.term.renewal_months: the end of the first renewal term falls in" in (result.output)
    assert not out.exists()


def test_a_term_that_ends_after_9999(write_deal: Callable[..., Path]) -> None:
    def longer(data: dict[str, Any]) -> None:
        late(data)
        data["agreement"]["effective_date"] = "9999-12-15"
        data["agreement"]["plan"] = {"objectives": ["Grow"], "first_health_check": "9999-12-20"}

    result = run_cli("check", str(write_deal(longer)))
    assert result.exit_code == 2
    assert TERM_END in result.output and "first health check falls" not in result.output


def test_renewal_and_notice_dates_are_checked(write_deal: Callable[..., Path]) -> None:
    def renewal(data: dict[str, Any]) -> None:
        data["agreement"]["effective_date"] = "9990-01-01"
        data["agreement"]["term"].update(initial_months=12, auto_renew=True, renewal_months=600)
        data["statements_of_work"] = []

    def notice(data: dict[str, Any]) -> None:
        data["agreement"]["effective_date"] = "0001-01-01"
        data["agreement"]["term"].update(initial_months=1, nonrenewal_notice_days=60)
        data["statements_of_work"] = []

    result = run_cli("check", str(write_deal(renewal)))
    assert result.exit_code == 2
    assert "agreement.term.renewal_months: the end of the first renewal term falls in the year 10041" in result.output
    result = run_cli("check", str(write_deal(notice, name="notice.yaml")))
    assert result.exit_code == 2
    notice_day = "the last day to give notice of non-renewal falls before the year 1"
    assert f"agreement.term.nonrenewal_notice_days: {notice_day}" in result.output


def test_a_sow_ending_on_the_last_day_has_no_acceptance_period(write_deal: Callable[..., Path]) -> None:
    def last_day(data: dict[str, Any]) -> None:
        data["agreement"]["effective_date"] = "9997-01-01"
        sow = data["statements_of_work"][0]
        sow.update(start="9997-02-01", end="9999-12-31")
        sow["deliverables"] = [{**d, "due": "9997-03-01"} for d in sow["deliverables"]]

    result = run_cli("check", str(write_deal(last_day)))
    assert result.exit_code == 2
    assert "statements_of_work[0].end: the acceptance period after the SoW's end falls after the year 9999" in (
        result.output
    )


def test_one_such_deal_fails_alone_in_a_batch(tmp_path: Path) -> None:
    deals = []
    for i in range(3):
        data = example_data()
        del data["p2pdocs"]
        data["agreement"]["id"] = f"DEAL-{i}"
        deals.append(data)
    late(deals[1])
    path = tmp_path / "batch.yaml"
    path.write_text(yaml.safe_dump({"p2pdocs": 1, "deals": deals}, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("generate", str(path), "-o", str(out), "-j", "1", "--no-progress")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and f"deals[1].{HEALTH_CHECK}" in result.output
    statuses = [d["status"] for d in json.loads((out / "manifest.json").read_text())["deals"]]
    assert statuses == ["generated", "failed", "generated"]


def test_redline_refuses_the_deal_instead_of_crashing(tmp_path: Path, write_deal: Callable[..., Path]) -> None:
    old = write_deal(name="old.yaml")
    new = write_deal(late, name="new.yaml")
    result = run_cli("redline", str(old), str(new), "-o", str(tmp_path / "r.docx"))
    assert result.exit_code == 2, result.output
    assert HEALTH_CHECK in result.output
    assert not (tmp_path / "r.docx").exists()


def test_the_interview_reports_it_instead_of_crashing() -> None:
    from test_interview import Scripted

    from p2pdocs.interview.interview import Interview

    script = copy.deepcopy(EXAMPLE_ANSWERS)
    script["Effective date (YYYY-MM-DD)"] = ["9999-12-01"]
    script["Use the standard disputes and term?"] = [False]
    script["Initial term (months)"] = ["1"]
    script["Write a partnership plan (objectives, pitch, KPIs, investment)?"] = [False]
    script["How many statements of work now (0 for none)?"] = ["0"]  # a SoW could not start in 9999
    interview = Interview()
    interview.run(Scripted(script))
    assert any(p.startswith(HEALTH_CHECK) for p in interview.problems()), interview.problems()
