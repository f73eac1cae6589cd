"""The negotiation round trip with a real office suite as the counterparty: LibreOffice
(over UNO) opens our agreement, tracks changes under the lawyer's name, changes the payment
term and a margin in the schedule, deletes a sentence and rewords a clause; python-docx
adds a comment. `review` reports each; the next deal generates their text; the response's
Accept All / Reject All (LibreOffice's own) give our next round / their text.

One LibreOffice for the whole module; the documents are made once (module fixtures)."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, EXAMPLE_ID, listening_office, numbered, run_cli, uno_python

ROOT = Path(__file__).resolve().parent
AUTHOR = "Dana Lawyer"
EDITS = [
    {"after": "Invoices are paid in ", "find": "30", "with": "45"},
    {"cell": "22%", "find": "22", "with": "18"},
    {"delete": " It is not reduced because another Party also helped with the sale."},
    {"after": "The Seller ", "find": "sets its own price to", "with": "freely sets its price for"},
    {"insert_after": "Invoices are paid in ", "paragraph": "Late payments carry interest at 4% a year."},
]


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A LibreOffice listening on a pipe (and the UNO python), stopped after the module."""
    python = uno_python()
    with listening_office(tmp_path_factory.mktemp("office"), "roundtrip") as pipe:
        yield pipe, python


def _uno(python: str, script: str, *args: str) -> Any:
    done = subprocess.run([python, str(ROOT / script), *args], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr + done.stdout
    return json.loads(done.stdout)


def _sent_and_edited(office: tuple[str, str], work: Path, name: str, edits: list[dict[str, str]], edited: Path) -> Path:
    """The example's ``name`` generated under ``work/out`` (with the deal file beside it, as
    it is sent), then edited in LibreOffice with change tracking on under the counterparty's
    name and saved as ``edited``."""
    pipe, python = office
    deal = work / "deal.yaml"
    deal.write_bytes(EXAMPLE.read_bytes())
    assert run_cli("generate", str(deal), "-o", str(work / "out"), "--no-memo").exit_code == 0
    (work / "edits.json").write_text(json.dumps(edits), encoding="utf-8")
    sent = work / "out" / EXAMPLE_ID / name
    _uno(python, "uno_counterparty.py", pipe, AUTHOR, str(sent), str(edited), str(work / "edits.json"))
    return edited


@pytest.fixture(scope="module")
def round_trip(office: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    pipe, python = office
    work = tmp_path_factory.mktemp("round")
    edited = _sent_and_edited(office, work, "partnering-agreement.docx", EDITS, work / "edited.docx")
    from docx import Document

    document = Document(str(edited))
    target = numbered(document, "36.5")
    document.add_comment(target.runs, text="We need 60 days to remedy.", author="Sam Counsel", initials="SC")
    returned = work / "out" / EXAMPLE_ID / "returned.docx"
    document.save(str(returned))
    reviewed = run_cli("review", str(returned), "--format", "json", "--next-deal", str(work / "next.yaml"))
    assert reviewed.exit_code == 0, reviewed.output
    report = json.loads(reviewed.stdout)
    assert run_cli("generate", str(work / "next.yaml"), "-o", str(work / "next"), "--no-memo").exit_code == 0
    ours = work / "next" / EXAMPLE_ID / "partnering-agreement.docx"
    response = work / "response.docx"
    answered = run_cli("redline", str(returned), str(work / "next.yaml"), "-o", str(response))
    assert answered.exit_code == 0, answered.output
    # their text as LibreOffice's Accept All gives it: read from the file LibreOffice saved
    # (LibreOffice 7.4 over UNO does not load a .docx holding python-docx's comments; the
    # comment adds no text)
    reads = [(edited, "accept"), (ours, "none"), (response, "accept"), (response, "reject")]
    seen = _uno(python, "uno_tracked.py", pipe, *(str(part) for pair in reads for part in pair))
    return {"report": report, "work": work, "seen": seen, "next": work / "next.yaml", "office": office}


def _change(report: dict[str, Any], **where: Any) -> dict[str, Any]:
    found = [c for c in report["changes"] if all(c.get(k) == v for k, v in where.items())]
    assert len(found) == 1, (where, report["changes"])
    return found[0]


def test_review_reports_each_change_placed_with_author_field_and_values(round_trip: dict[str, Any]) -> None:
    report = round_trip["report"]
    payment = _change(report, field="agreement.payment.days")
    assert payment["clause"] == "payment.terms" and payment["author"] == AUTHOR
    assert re.fullmatch(r"\d+", payment["section"]) and payment["number"].startswith(payment["section"] + ".")
    assert (payment["old_value"], payment["new_value"]) == (30, 45)
    assert payment["old"] == "30 days" and payment["new"] == "45 days"
    margin = _change(report, field="agreement.margins[1].by_year[0]")
    assert margin["clause"] == "margins.schedule" and margin["author"] == AUTHOR
    assert (margin["old_value"], margin["new_value"]) == ("22", "18")
    deleted = _change(report, kind="deletion")
    assert deleted["old"].strip() == "It is not reduced because another Party also helped with the sale."
    assert deleted["clause"] == "margins.schedule" and deleted["author"] == AUTHOR and deleted["field"] is None
    reworded = _change(report, kind="replacement", field=None)
    assert (reworded["old"], reworded["new"]) == ("sets its own price to", "freely sets its price for")
    assert reworded["number"] == f"{reworded['section']}.4" and reworded["date"].startswith("20")
    (comment,) = report["comments"]
    assert comment["author"] == "Sam Counsel" and comment["text"] == "We need 60 days to remedy."
    assert comment["clause"] == "term.termination" and comment["number"] == f"{comment['section']}.5"
    assert comment["paragraph"].startswith("Either Party may end this Agreement by written notice")


def test_the_new_margin_causes_a_playbook_finding(round_trip: dict[str, Any]) -> None:
    findings = round_trip["report"]["findings"]
    new = {(f["rule"], f["field"]): f for f in findings if f["status"] == "new"}
    assert "18%" in new["P01", "agreement.margins[1].by_year[0]"]["message"]
    # their wording in the margins clause, which the playbook watches, is flagged for a lawyer
    assert {rule for rule, _ in new} == {"P01", "W01"}
    assert all("margins.schedule" in f["message"] for (rule, _), f in new.items() if rule == "W01")


def test_next_deal_says_who_proposed_each_change_and_generates_their_text(round_trip: dict[str, Any]) -> None:
    text = round_trip["next"].read_text(encoding="utf-8")
    assert re.search(r"days: 45  # proposed by Dana Lawyer on \d{4}-\d\d-\d\d", text)
    assert re.search(r"- 18  # proposed by Dana Lawyer", text)
    assert "freely sets its price for" in text
    theirs, ours = round_trip["seen"][0]["paragraphs"], round_trip["seen"][1]["paragraphs"]
    # their text, every change accepted, as LibreOffice shows it; the key terms on the cover
    # page summarise the terms, so the next round's cover shows the new margin there too
    start = next(i for i, (_, t) in enumerate(theirs) if t == "Parties and background")
    assert ours[start:] == theirs[start:]
    assert len(ours[:start]) == len(theirs[:start])
    differ = [(a[1], b[1]) for a, b in zip(ours[:start], theirs[:start], strict=True) if a != b]
    assert differ and all("18%" in a and "22%" in b for a, b in differ), differ


def test_response_accept_all_is_our_next_round_and_reject_all_their_text(round_trip: dict[str, Any]) -> None:
    theirs, ours, accepted, rejected = round_trip["seen"]
    assert accepted["changes"] > 0
    assert accepted["paragraphs"] == ours["paragraphs"]
    assert rejected["paragraphs"] == theirs["paragraphs"]


def test_a_document_without_properties_needs_a_deal(round_trip: dict[str, Any], tmp_path: Path) -> None:
    from docx import Document

    plain = tmp_path / "plain.docx"
    Document().save(str(plain))
    result = run_cli("review", str(plain))
    assert result.exit_code == 2 and "was not generated by p2pdocs" in result.output and "--deal" in result.output
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = run_cli("review", str(broken))
    assert result.exit_code == 2 and "cannot be read" in result.output


SOW_EDITS = [
    {"after": "rejected it with reasons within ", "find": "10", "with": "15"},
    {"after": "If a deliverable is rejected, the Party ", "find": "responsible for it", "with": "that made it"},
]


def test_a_sow_round_trip_in_libreoffice(office: tuple[str, str], tmp_path: Path) -> None:
    """The same round for a statement of work: LibreOffice tracks a changed acceptance period
    and a reworded sentence under the counterparty's name; review ties the period to its
    field, the next deal gives their text, and the response's Accept All / Reject All
    (LibreOffice's own) give our next round and their text."""
    pipe, python = office
    returned = tmp_path / "out" / EXAMPLE_ID / "sow-returned.docx"
    _sent_and_edited(office, tmp_path, "sow-SOW-001.docx", SOW_EDITS, returned)
    reviewed = run_cli("review", str(returned), "--format", "json", "--next-deal", str(tmp_path / "next.yaml"))
    assert reviewed.exit_code == 0, reviewed.output
    report = json.loads(reviewed.stdout)
    period = _change(report, field="statements_of_work[0].acceptance_days")
    assert (period["old_value"], period["new_value"], period["author"]) == (10, 15, AUTHOR)
    reworded = _change(report, field=None)
    assert reworded["clause"] == period["clause"] and reworded["new"] == "that made it"
    assert run_cli("generate", str(tmp_path / "next.yaml"), "-o", str(tmp_path / "theirs"), "--no-memo").exit_code == 0
    theirs_generated = tmp_path / "theirs" / EXAMPLE_ID / "sow-SOW-001.docx"
    # we take their wording and refuse their period: the line's comment says who proposed it
    text = (tmp_path / "next.yaml").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if "acceptance_days: 15" in line)
    assert "# proposed by Dana Lawyer" in line
    (tmp_path / "next.yaml").write_text(text.replace(line, line.split(":")[0] + ": 10"), encoding="utf-8")
    assert run_cli("generate", str(tmp_path / "next.yaml"), "-o", str(tmp_path / "next"), "--no-memo").exit_code == 0
    ours = tmp_path / "next" / EXAMPLE_ID / "sow-SOW-001.docx"
    response = tmp_path / "response.docx"
    answered = run_cli("redline", str(returned), str(tmp_path / "next.yaml"), "-o", str(response))
    assert answered.exit_code == 0, answered.output
    # only what we changed back (the period: one deletion, one insertion), not what LibreOffice
    # restated as direct formatting when it saved their copy
    assert "(2 tracked changes)" in answered.output, answered.output
    reads = [(returned, "accept"), (theirs_generated, "none"), (ours, "none"), (response, "accept")]
    reads.append((response, "reject"))
    theirs, generated, next_round, accepted, rejected = _uno(
        python, "uno_tracked.py", pipe, *(str(part) for pair in reads for part in pair)
    )
    assert generated["paragraphs"] == theirs["paragraphs"], "their proposal as a deal file generates their text"
    assert accepted["changes"] > 0 and next_round["paragraphs"] != theirs["paragraphs"]
    assert accepted["paragraphs"] == next_round["paragraphs"], "Accept All: our next round"
    assert rejected["paragraphs"] == theirs["paragraphs"], "Reject All: their text"


ROUND_TWO = [
    {"after": "Late payments carry interest at ", "find": "4%", "with": "5%"},  # the paragraph they added
    {"after": "has itself received the related ", "find": "Net Revenue", "with": "net revenue"},  # one after it
    {"insert_after": "Amounts become due only once", "paragraph": "Disputed amounts are paid once settled."},
]


def test_a_second_round_reads_against_what_the_first_added(round_trip: dict[str, Any]) -> None:
    """Round two on round one's next deal, which holds the paragraph they added: they reword
    it, reword a paragraph after it (whose place as sent is one on from its place in the
    library) and add another. The next deal gives their text as LibreOffice shows it."""
    office = round_trip["office"]
    work = round_trip["work"] / "round-two"
    work.mkdir()
    (work / "deal.yaml").write_bytes(round_trip["next"].read_bytes())
    assert run_cli("generate", str(work / "deal.yaml"), "-o", str(work / "out"), "--no-memo").exit_code == 0
    (work / "edits.json").write_text(json.dumps(ROUND_TWO), encoding="utf-8")
    sent = work / "out" / EXAMPLE_ID / "partnering-agreement.docx"
    edited = work / "out" / EXAMPLE_ID / "returned.docx"
    pipe, python = office
    _uno(python, "uno_counterparty.py", pipe, AUTHOR, str(sent), str(edited), str(work / "edits.json"))
    reviewed = run_cli("review", str(edited), "--format", "json", "--next-deal", str(work / "next.yaml"))
    assert reviewed.exit_code == 0, reviewed.output
    text = (work / "next.yaml").read_text(encoding="utf-8")
    assert "Late payments carry interest at 5% a year." in text and "4% a year" not in text
    assert text.count("inserted: true") == 2
    assert run_cli("generate", str(work / "next.yaml"), "-o", str(work / "next"), "--no-memo").exit_code == 0
    ours = work / "next" / EXAMPLE_ID / "partnering-agreement.docx"
    theirs, mine = _uno(python, "uno_tracked.py", pipe, str(edited), "accept", str(ours), "none")
    start = next(i for i, (_, t) in enumerate(theirs["paragraphs"]) if t == "Parties and background")
    assert mine["paragraphs"][start:] == theirs["paragraphs"][start:]
    assert any(t == "Disputed amounts are paid once settled." for _, t in mine["paragraphs"])


MARGIN_HEADING = "Margins"


def test_the_response_can_comment_each_value_changed_back_with_the_playbook_s_reason(
    round_trip: dict[str, Any],
) -> None:
    """We do not accept their 18% margin: the next deal puts 22% back, and the response says
    so in a comment on the margin schedule, citing the finding their figure causes."""
    from docx import Document

    work = round_trip["work"]
    ours = work / "next-kept.yaml"
    text = round_trip["next"].read_text(encoding="utf-8")
    ours.write_text(re.sub(r"- 18  # proposed by Dana Lawyer.*", "- 22", text), encoding="utf-8")
    returned = work / "out" / EXAMPLE_ID / "returned.docx"
    response = work / "response-commented.docx"
    answered = run_cli("redline", str(returned), str(ours), "-o", str(response), "--comments", "--author", "Us")
    assert answered.exit_code == 0, answered.output
    document = Document(str(response))
    notes = [c.text for c in document.comments]
    margin = [n for n in notes if "agreement.margins[1].by_year[0]" in n]
    assert len(margin) == 1 and "We keep 22" in margin[0] and "you proposed 18" in margin[0], notes
    assert "Playbook P01" in margin[0]
    assert not any("payment.days" in n for n in notes)  # their 45 days is taken: no comment
    anchored = [p.text for p in document.paragraphs if p._p.xpath(".//w:commentRangeStart")]
    assert anchored == [MARGIN_HEADING], anchored
    plain = run_cli("redline", str(returned), str(ours), "-o", str(work / "response-plain.docx"))
    assert plain.exit_code == 0 and len(Document(str(work / "response-plain.docx")).comments) == 0
