"""`review` of documents edited without tracking (python-docx as the counterparty): a SoW
end to end (review, next deal, response), a value that cannot be read, the memo, and a
document without p2pdocs properties reviewed against --deal."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, EXAMPLE_ID, numbered, numbered_paragraphs, run_cli
from docx import Document

from p2pdocs.word.accept import accept_all
from p2pdocs.word.redline import texts
from p2pdocs.word.render import docx_text


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("review")
    (work / "deal.yaml").write_bytes(EXAMPLE.read_bytes())
    assert run_cli("generate", str(work / "deal.yaml"), "-o", str(work / "out"), "--no-memo").exit_code == 0
    return work


def _body(docx: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return package.read("word/document.xml")


def _paragraph(doc: Any, number: str) -> Any:
    return numbered(doc, number)


def _review(path: Path, *args: str) -> dict[str, Any]:
    result = run_cli("review", str(path), "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_sow_edited_without_tracking_round_trip(generated: Path) -> None:
    folder = generated / "out" / EXAMPLE_ID
    doc = Document(str(folder / "sow-SOW-001.docx"))
    number, accept = next((n, p) for n, p in numbered_paragraphs(doc) if "A deliverable is accepted" in p.text)
    section = number.split(".")[0]
    (value,) = [r for r in accept.runs if r.text == "10 Business Days"]
    value.text = "15 Business Days"
    reword = _paragraph(doc, f"{section}.3")
    reword.runs[-1].text = "If a deliverable is rejected, the responsible Party corrects it and resubmits it."
    doc.add_comment(accept.runs[0], text="Our customer needs more time.", author="Sam Counsel", initials="SC")
    returned = folder / "sow-returned.docx"
    doc.save(str(returned))
    report = _review(returned, "--next-deal", str(generated / "next.yaml"))
    (field,) = [c for c in report["changes"] if c["field"]]
    assert field["field"] == "statements_of_work[0].acceptance_days" and field["tracked"] is False
    assert (field["old_value"], field["new_value"], field["section"]) == (10, 15, section)
    (wording,) = [c for c in report["changes"] if not c["field"]]
    assert wording["number"] == f"{section}.3" and "responsible Party corrects it" in wording["new"]
    assert wording["clause"] and wording["clause"] == field["clause"]
    (comment,) = report["comments"]
    assert comment["section"] == section and comment["text"] == "Our customer needs more time."
    assert comment["anchor"].startswith("Contoso submits each deliverable")
    # the next deal generates their text
    assert run_cli("generate", str(generated / "next.yaml"), "-o", str(generated / "next"), "--no-memo").exit_code == 0
    ours = (generated / "next" / EXAMPLE_ID / "sow-SOW-001.docx").read_bytes()
    assert docx_text(ours) == docx_text(returned.read_bytes())
    # and the response accepts to our next round, rejects to their text
    response = generated / "response.docx"
    answered = run_cli("redline", str(returned), str(generated / "next.yaml"), "-o", str(response))
    assert answered.exit_code == 0, answered.output
    answer = _body(response.read_bytes())
    assert texts(answer, accept=True) == texts(_body(ours))
    assert texts(answer, accept=False) == texts(_body(accept_all(returned.read_bytes(), comments=False)))


def test_a_value_that_cannot_be_read_is_reported_never_guessed(generated: Path, tmp_path: Path) -> None:
    doc = Document(str(generated / "out" / EXAMPLE_ID / "partnering-agreement.docx"))
    payment = next(p for p in doc.paragraphs if "Invoices are paid in" in p.text)
    (value,) = [r for r in payment.runs if r.text == "30 days"]
    value.text = "45 or 60 days"
    returned = tmp_path / "returned.docx"
    doc.save(str(returned))
    report = _review(returned, "--deal", str(generated / "deal.yaml"), "--next-deal", str(tmp_path / "next.yaml"))
    (change,) = report["changes"]
    assert change["field"] == "agreement.payment.days" and change["new"] == "45 or 60 days"
    assert change["new_value"] is None and "is not a number" in change["unreadable"]
    text = (tmp_path / "next.yaml").read_text(encoding="utf-8")
    assert "45 or 60 days" in text  # kept as their wording, the term unchanged
    assert "days: 45" not in text


def test_memo_docx_and_markdown_are_written_and_reproducible(generated: Path, tmp_path: Path) -> None:
    doc = Document(str(generated / "out" / EXAMPLE_ID / "partnering-agreement.docx"))
    doc.add_comment(_paragraph(doc, "1.1").runs[-1], text="Fine.", author="Sam Counsel", initials="SC")
    returned = tmp_path / "commented.docx"
    doc.save(str(returned))
    memo = tmp_path / "memo"
    result = run_cli("review", str(returned), "--deal", str(generated / "deal.yaml"), "-o", str(memo))
    assert result.exit_code == 0, result.output
    first = (memo / "negotiation-memo-commented.docx").read_bytes()
    markdown = (memo / "negotiation-memo-commented.md").read_text(encoding="utf-8")
    assert "Fine." in markdown and "Sam Counsel" in markdown and "Fine." in docx_text(first)
    refused = run_cli("review", str(returned), "--deal", str(generated / "deal.yaml"), "-o", str(memo))
    assert refused.exit_code == 2 and "--force" in refused.output
    again = run_cli("review", str(returned), "--deal", str(generated / "deal.yaml"), "-o", str(memo), "--force")
    assert again.exit_code == 0 and (memo / "negotiation-memo-commented.docx").read_bytes() == first
    printed = run_cli("review", str(returned), "--deal", str(generated / "deal.yaml"), "--format", "markdown")
    assert printed.exit_code == 0 and printed.stdout.strip() == markdown.strip()
    text = run_cli("review", str(returned), "--deal", str(generated / "deal.yaml"))
    assert "comment by Sam Counsel" in text.stdout and "Fine." in text.stdout


def test_a_document_without_properties_is_reviewed_against_the_deal(generated: Path, tmp_path: Path) -> None:
    source = (generated / "out" / EXAMPLE_ID / "partnering-agreement.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(source)) as package:
        entries = [(i.filename, package.read(i.filename)) for i in package.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, data in entries:
            if name in ("_rels/.rels", "[Content_Types].xml"):
                text = data.decode("utf-8")
                text = re.sub(r"<Relationship [^>]*custom-properties[^>]*/>", "", text)
                data = re.sub(r'<Override PartName="/docProps/custom.xml"[^>]*/>', "", text).encode("utf-8")
            if name != "docProps/custom.xml":
                out.writestr(name, data)
    plain = tmp_path / "no-properties.docx"
    plain.write_bytes(buffer.getvalue())
    doc = Document(str(plain))
    _paragraph(doc, "1.1").runs[-1].text = "Rewritten by their lawyer."
    doc.save(str(plain))
    refused = run_cli("review", str(plain))
    assert refused.exit_code == 2 and "was not generated by p2pdocs" in refused.output
    report = _review(plain, "--deal", str(generated / "deal.yaml"))
    (change,) = report["changes"]
    assert change["number"] == "1.1" and change["new"].endswith("Rewritten by their lawyer.")


def test_moves_and_formatting_changes_are_read_with_author_and_date(generated: Path) -> None:
    from p2pdocs.deal.validate import load_deal
    from p2pdocs.run.review import changes_in
    from p2pdocs.word.returned import read_returned

    doc = Document()
    doc.add_paragraph("Moved sentence.")
    doc.add_paragraph("Bold now.")
    body = doc.element.body
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    first, second = body.findall(f"{{{w}}}p")[:2]
    stamp = {f"{{{w}}}author": "Dana Lawyer", f"{{{w}}}date": "2027-02-03T10:00:00Z"}
    from lxml import etree

    run = first.find(f"{{{w}}}r")
    mover = etree.SubElement(first, f"{{{w}}}moveFrom", {f"{{{w}}}id": "1", **stamp})
    mover.append(run)
    for t in run.iter(f"{{{w}}}t"):
        t.tag = f"{{{w}}}delText"
    bold = second.find(f"{{{w}}}r")
    rpr = etree.SubElement(bold, f"{{{w}}}rPr")
    bold.insert(0, rpr)
    etree.SubElement(rpr, f"{{{w}}}b")
    change = etree.SubElement(rpr, f"{{{w}}}rPrChange", {f"{{{w}}}id": "2", **stamp})
    etree.SubElement(change, f"{{{w}}}rPr")
    buffer = io.BytesIO()
    doc.save(buffer)
    blocks = read_returned(buffer.getvalue()).blocks
    deal = load_deal(generated / "deal.yaml")
    moved, formatted = (changes_in(b, None, deal, "") for b in blocks[:2])
    assert [(c.kind, c.author, c.date[:10], c.old) for c in moved] == [
        ("move", "Dana Lawyer", "2027-02-03", "Moved sentence.")
    ]
    assert [(c.kind, c.author, c.new) for c in formatted] == [("format", "Dana Lawyer", "Bold now.")]


def test_check_flags_negotiated_wording_in_a_watched_clause(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["agreement"]["wording"] = [
        {"clause": "margins.schedule", "paragraph": 1, "text": "The Seller keeps what it agrees.", "proposed_by": "X"},
        {"clause": "parties.recitals", "paragraph": 1, "text": "Between us, {{ 7*7 }} & <b>."},
    ]
    deal = tmp_path / "deal.yaml"
    deal.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = run_cli("check", str(deal), "--format", "json")
    assert result.exit_code == 0, result.output
    flagged = [f for f in json.loads(result.stdout)[0]["findings"] if f["rule"] == "W01"]
    assert [f["field"] for f in flagged] == ["agreement.wording[0]"]  # the recitals are not watched
    assert "margins.schedule" in flagged[0]["message"] and "proposed by X" in flagged[0]["message"]
    # and the agreement uses the wording, literally
    out = tmp_path / "out"
    assert run_cli("generate", str(deal), "-o", str(out), "--no-memo").exit_code == 0
    text = docx_text((out / EXAMPLE_ID / "partnering-agreement.docx").read_bytes())
    assert "\tThe Seller keeps what it agrees." in text and "Between us, {{ 7*7 }} & <b>." in text


def test_a_table_change_outside_the_values_is_listed_not_dropped(generated: Path, tmp_path: Path) -> None:
    doc = Document(str(generated / "out" / EXAMPLE_ID / "partnering-agreement.docx"))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Revenue type")
    seller = table.rows[1].cells[1].paragraphs[0]
    seller.runs[0].text = "Contoso Group"
    returned = tmp_path / "table.docx"
    doc.save(str(returned))
    report = _review(returned, "--deal", str(generated / "deal.yaml"), "--next-deal", str(tmp_path / "next.yaml"))
    assert any(c["new"] == "Contoso Group" and c["clause"] == "margins.schedule" for c in report["changes"])
    assert any("margins.schedule" in u and "Contoso Group" in u for u in report["unplaced"]), report["unplaced"]


def test_an_untracked_edit_of_a_value_and_the_wording_around_it_reports_both(generated: Path, tmp_path: Path) -> None:
    """Edited without tracking, one paragraph: the acceptance period changed and the sentence
    before it reworded. Both are reported: the value with its field, the wording as a change
    of the paragraph (never dropped because a value changed there too)."""
    doc = Document(str(generated / "out" / EXAMPLE_ID / "sow-SOW-001.docx"))
    accept = next(p for p in doc.paragraphs if "A deliverable is accepted" in p.text)
    (value,) = [r for r in accept.runs if r.text == "10 Business Days"]
    value.text = "15 Business Days"
    accept.runs[0].text = accept.runs[0].text.replace("Contoso submits", "Contoso delivers")
    returned = tmp_path / "sow-returned.docx"
    doc.save(str(returned))
    report = _review(returned, "--deal", str(generated / "deal.yaml"), "--next-deal", str(tmp_path / "next.yaml"))
    (field,) = [c for c in report["changes"] if c["field"]]
    assert (field["field"], field["old_value"], field["new_value"]) == ("statements_of_work[0].acceptance_days", 10, 15)
    (wording,) = [c for c in report["changes"] if not c["field"]]
    assert "Contoso delivers each deliverable" in wording["new"] and wording["clause"] == field["clause"]
    assert run_cli("generate", str(tmp_path / "next.yaml"), "-o", str(tmp_path / "next"), "--no-memo").exit_code == 0
    ours = (tmp_path / "next" / EXAMPLE_ID / "sow-SOW-001.docx").read_bytes()
    assert docx_text(ours) == docx_text(returned.read_bytes()), "the next deal generates their text"


def test_a_paragraph_the_parties_added_is_numbered_as_word_numbers_it(tmp_path: Path) -> None:
    """An added paragraph (``inserted: true``) follows the paragraph it was added after, of
    that one's kind: after a numbered clause paragraph it is numbered, and the paragraphs
    after it renumber; one before the first opens the clause."""
    import yaml

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    added = "Late payments carry interest at 4% a year."
    data["agreement"]["wording"] = [
        {"clause": "payment.terms", "paragraph": 2, "text": added, "inserted": True, "proposed_by": "Dana Lawyer"},
        {"clause": "payment.terms", "paragraph": 0, "text": "First, a word.", "inserted": True},
    ]
    deal = tmp_path / "deal.yaml"
    deal.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    plain = tmp_path / "plain"
    assert run_cli("generate", str(EXAMPLE), "-o", str(plain), "--no-memo").exit_code == 0
    out = tmp_path / "out"
    assert run_cli("generate", str(deal), "-o", str(out), "--no-memo").exit_code == 0
    before = docx_text((plain / EXAMPLE_ID / "partnering-agreement.docx").read_bytes()).splitlines()
    after = docx_text((out / EXAMPLE_ID / "partnering-agreement.docx").read_bytes()).splitlines()
    second = next(i for i, line in enumerate(before) if "Invoices are paid in" in line)  # payment.terms, paragraph 2
    section = before[second].split(".")[0]
    texts = [line.split("\t", 1)[1] for line in before[second - 1 : second + 2]]
    assert before[second - 1 : second + 2] == [f"{section}.{n}\t{t}" for n, t in zip((1, 2, 3), texts, strict=True)]
    at = after.index(f"{section}.1\tFirst, a word.")
    wanted = ["First, a word.", texts[0], texts[1], added, texts[2]]
    assert after[at : at + 5] == [f"{section}.{n}\t{t}" for n, t in enumerate(wanted, start=1)]
    assert len(after) == len(before) + 2


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ({"clause": "payment.terms", "paragraph": 0, "text": "x"}, "only an added paragraph"),
        (
            {"clause": "payment.terms", "paragraph": 2, "text": "", "inserted": True},
            "an added paragraph needs its text",
        ),
    ],
)
def test_an_added_paragraph_out_of_place_is_refused_with_its_field(
    entry: dict[str, Any], says: str, tmp_path: Path
) -> None:
    import yaml

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["agreement"]["wording"] = [entry]
    deal = tmp_path / "deal.yaml"
    deal.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = run_cli("check", str(deal))
    assert result.exit_code != 0
    assert "agreement.wording[0]" in result.output and says in result.output, result.output
