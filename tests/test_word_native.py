"""Word-native documents: list numbering, cross-references and contents that stay right
after a lawyer edits the document.

The XML checks read the generated packages with lxml; the edit test opens them in
LibreOffice over UNO (tests/uno_edit.py, run with Debian's python3-uno), inserts a clause
heading, updates every field and index as Word's F9 and "update table" do, and reads them
back.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLE, EXAMPLE_ID, listening_office, run_cli, uno_python
from lxml import etree
from test_lawyer_review import third_party

from p2pdocs.word.fields import bookmark_name
from p2pdocs.word.numbering import Numbering
from p2pdocs.word.render import docx_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HELPER = Path(__file__).with_name("uno_edit.py")
NUMBERED = {"Heading1", "Clause", "ClauseItem", "ClauseSubitem"}
TYPED = re.compile(r"^\s*(\d+(\.\d+)*\.?|\([a-z]+\)|\([ivx]+\))(\s|$)")
NEW_HEADING = "Sanctions screening"


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example's agreement and SoW, and a three-party deal's agreement."""
    work = tmp_path_factory.mktemp("native")
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    third_party(data)
    three = work / "three.yaml"
    three.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    for name, deal in (("two", EXAMPLE), ("three", three)):
        result = run_cli("generate", str(deal), "-o", str(work / name), "--no-memo", "-j", "1")
        assert result.exit_code == 0, result.output
    return {
        "agreement": work / "two" / EXAMPLE_ID / "partnering-agreement.docx",
        "sow": work / "two" / EXAMPLE_ID / "sow-SOW-001.docx",
        "three-party": work / "three" / EXAMPLE_ID / "partnering-agreement.docx",
    }


def parts(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as package:
        return {
            n: etree.fromstring(package.read(n))
            for n in ("word/document.xml", "word/numbering.xml", "word/styles.xml", "word/settings.xml")
        }


def style_of(p: etree._Element) -> str:
    found = p.find(f"{W}pPr/{W}pStyle")
    return "" if found is None else str(found.get(f"{W}val"))


def text_of(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def labels(xml: dict[str, etree._Element]) -> dict[str, str]:
    """Each bookmark's paragraph number, as Word counts it (without what follows it)."""
    numbering = Numbering(xml["word/numbering.xml"], xml["word/styles.xml"])
    found: dict[str, str] = {}
    for p in xml["word/document.xml"].iter(f"{W}p"):
        label = numbering.label(p).rstrip("\t ").rstrip(".")
        for mark in p.iter(f"{W}bookmarkStart"):
            found[str(mark.get(f"{W}name"))] = label
    return found


KINDS = ("agreement", "sow", "three-party")


@pytest.mark.parametrize("kind", KINDS)
def test_no_heading_or_clause_carries_a_typed_number(docs: dict[str, Path], kind: str) -> None:
    xml = parts(docs[kind])
    numbered = [p for p in xml["word/document.xml"].iter(f"{W}p") if style_of(p) in NUMBERED]
    assert len(numbered) > 20
    typed = [text_of(p) for p in numbered if TYPED.match(text_of(p))]
    assert typed == [], f"typed numbers: {typed[:3]}"
    styles = {str(s.get(f"{W}styleId")): s for s in xml["word/styles.xml"].iter(f"{W}style")}
    for name in ("Heading1", "Clause", "ClauseItem"):
        assert styles[name].find(f"{W}pPr/{W}numPr/{W}numId") is not None, f"{name} is not bound to the list"
    text = docx_text(docs[kind].read_bytes())  # yet a reader sees the numbers
    assert re.search(r"^1\. \S", text, flags=re.M) and re.search(r"^1\.1\t\S", text, flags=re.M)


@pytest.mark.parametrize("kind", KINDS)
def test_every_reference_is_a_ref_field_to_a_bookmark_with_its_number(docs: dict[str, Path], kind: str) -> None:
    xml = parts(docs[kind])
    body = xml["word/document.xml"]
    names = [str(m.get(f"{W}name")) for m in body.iter(f"{W}bookmarkStart")]
    assert len(names) == len(set(names)) and all(len(n) <= 40 for n in names)
    numbers = labels(xml)
    refs = 0
    for p in body.iter(f"{W}p"):
        runs = list(p.iter(f"{W}r"))
        for i, run in enumerate(runs):
            instruction = run.find(f"{W}instrText")
            if instruction is None or not (instruction.text or "").strip().startswith("REF "):
                continue
            refs += 1
            target = (instruction.text or "").split()[1]
            assert target in numbers, f"REF to a missing bookmark {target}"
            cached = runs[i + 2].find(f"{W}t")  # begin, instruction, separate, result, end
            assert runs[i + 1].find(f"{W}fldChar") is not None and cached is not None
            assert cached.text == numbers[target], f"{target}: cached {cached.text}, numbered {numbers[target]}"
    assert refs >= (1 if kind == "sow" else 20)
    text = docx_text(docs[kind].read_bytes())
    assert not re.search("[\ue000-\uf8ff]", text), "a field marker left in the text"


@pytest.mark.parametrize("kind", KINDS)
def test_contents_is_a_toc_field_updated_on_open(docs: dict[str, Path], kind: str) -> None:
    xml = parts(docs[kind])
    body = xml["word/document.xml"]
    instructions = [(t.text or "").strip() for t in body.iter(f"{W}instrText")]
    assert [i for i in instructions if i.startswith("TOC ")] == ['TOC \\o "1-2" \\h \\z \\u']
    update = xml["word/settings.xml"].find(f"{W}updateFields")
    assert update is not None and update.get(f"{W}val") == "true"
    marks = {str(m.get(f"{W}name")) for m in body.iter(f"{W}bookmarkStart")}
    entries = [p for p in body.iter(f"{W}p") if style_of(p).startswith("TOC")]
    headings = [p for p in body.iter(f"{W}p") if style_of(p) == "Heading1"]
    assert len([p for p in entries if style_of(p) == "TOC1"]) == len(headings)
    for p in entries:
        link = p.find(f"{W}hyperlink")
        assert link is not None and link.get(f"{W}anchor") in marks


@pytest.mark.parametrize("kind", KINDS)
def test_numbering_restarts(docs: dict[str, Path], kind: str) -> None:
    """Each section's clauses start at .1 and each list of items at (a); no lone (a)."""
    lines = docx_text(docs[kind].read_bytes()).splitlines()
    section = None
    for i, line in enumerate(lines):
        if heading := re.match(r"^(\d+)\. ", line):
            section, first = heading.group(1), True
            continue
        if section and (clause := re.match(r"^(\d+)\.(\d+)\t", line)):
            assert clause.group(1) == section and (clause.group(2) == "1") == first, line
            first = False
        if line.startswith("(a)\t"):
            assert i + 1 < len(lines) and lines[i + 1].startswith("(b)\t"), f"a lone (a): {line[:60]}"
        if item := re.match(r"^\(([b-z])\)\t", line):
            previous = "(" + chr(ord(item.group(1)) - 1) + ")"
            assert any(earlier.startswith(previous) for earlier in lines[max(0, i - 6) : i]), line[:60]


@pytest.mark.parametrize("kind", KINDS)
def test_pagination(docs: dict[str, Path], kind: str) -> None:
    xml = parts(docs[kind])
    body = xml["word/document.xml"]
    styles = {str(s.get(f"{W}styleId")): s for s in xml["word/styles.xml"].iter(f"{W}style")}
    for name in ("Heading1", "Heading2", "FrontHeading"):
        keep = styles[name].find(f"{W}pPr/{W}keepNext")
        inherited = styles["Heading1"].find(f"{W}pPr/{W}keepNext")
        assert keep is not None or (name == "FrontHeading" and inherited is not None), name
    tables = list(body.iter(f"{W}tbl"))
    assert tables
    for table in tables:
        rows = table.findall(f"{W}tr")
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows[1:]), "a row may split"
        before = table.getprevious()
        if before is not None and before.tag == f"{W}p" and style_of(before) in ("", "Clause"):
            assert before.find(f"{W}pPr/{W}keepNext") is not None, f"not kept with its table: {text_of(before)[:60]}"
    with zipfile.ZipFile(docs[kind]) as package:
        footers = [package.read(n).decode() for n in package.namelist() if n.startswith("word/footer")]
    assert any(" PAGE " in f and " NUMPAGES " in f for f in footers)


def test_long_clause_ids_get_short_distinct_bookmarks() -> None:
    long = "a" * 60
    assert bookmark_name("payment.terms") == "_Ref_payment_terms"
    assert bookmark_name("x#y-z") == "_Ref_x_y_z"
    assert len(bookmark_name(long)) == 40 and bookmark_name(long) != bookmark_name(long + "b")


# LibreOffice: edit, update, read back ---------------------------------------------------


def before_heading(path: Path) -> str:
    """The heading the new one goes before: Payment in an agreement, else the third."""
    headings = re.findall(r"^\d+\. (.+)$", docx_text(path.read_bytes()), flags=re.M)
    return "Payment" if "Payment" in headings else headings[2]


@pytest.fixture(scope="module")
def edited(docs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every document edited in one LibreOffice, started once."""
    python = uno_python()
    work = tmp_path_factory.mktemp("uno")
    with listening_office(work, "native") as pipe:
        args = [a for k in KINDS for a in (str(docs[k]), before_heading(docs[k]), NEW_HEADING, str(work / f"{k}.docx"))]
        done = subprocess.run(
            [python, str(HELPER), pipe, *args], capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, done.stderr
        return dict(zip(KINDS, json.loads(done.stdout), strict=True))
        shutil.rmtree(work / "profile", ignore_errors=True)


def unnumbered(text: str) -> str:
    return re.sub(r"\d+(\.\d+)*", "N", text)


def headings(state: dict[str, Any]) -> list[tuple[str, str]]:
    return [(label, text) for style, label, text in state["paragraphs"] if style == "Heading 1" and label]


@pytest.mark.parametrize("kind", KINDS)
def test_libreoffice_numbers_as_generated(edited: dict[str, dict[str, Any]], docs: dict[str, Path], kind: str) -> None:
    """LibreOffice numbers every paragraph as p2pdocs reads it, and every reference shows its
    number before any update."""
    generated = edited[kind]["generated"]
    lines = docx_text(docs[kind].read_bytes()).splitlines()
    start = lines.index("Contents")
    body = lines[lines.index("", start) :]  # the contents (a field's result) end with the page break
    listed = re.compile(r"^(\d+\. |\d+\.\d+\t|\([a-z]+\)\t|\([ivx]+\)\t)")
    ours = [line for line in body if listed.match(line)]
    theirs = [
        f"{label}{' ' if style == 'Heading 1' else chr(9)}{text}" for style, label, text in generated["paragraphs"]
    ]
    assert ours == [t for t in theirs if listed.match(t)]
    assert generated["references"] == edited[kind]["before"]["references"], "cached results differ from updated"


@pytest.mark.parametrize("kind", KINDS)
def test_libreoffice_edit_renumbers_and_references_follow(edited: dict[str, dict[str, Any]], kind: str) -> None:
    before, after = edited[kind]["before"], edited[kind]["after"]
    old, new = headings(before), headings(after)
    at = next(i for i, (_, text) in enumerate(new) if text == NEW_HEADING)
    assert new[:at] == old[:at] and [t for _, t in new[at + 1 :]] == [t for _, t in old[at:]]
    for (old_label, _), (new_label, _) in zip(old[at:], new[at + 1 :], strict=True):
        assert int(new_label.rstrip(".")) == int(old_label.rstrip(".")) + 1
    assert new[at][0] == old[at][0], "the new heading takes the number of the one it precedes"
    assert len(after["references"]) == len(before["references"]) > 0
    numbers = {text: label.rstrip(".") for style, label, text in after["paragraphs"] if label}
    moved = 0
    for (mark, was, old_target), (mark_now, shown, target) in zip(
        before["references"], after["references"], strict=True
    ):
        # the paragraph itself may hold a reference, whose number moved
        assert mark == mark_now and unnumbered(target) == unnumbered(old_target), f"{mark} names another paragraph"
        assert shown == numbers[target], f"{mark}: shows {shown}, its paragraph is {numbers[target]}"
        moved += shown != was
    assert moved > 0 or kind == "sow"
    entry = [line for line in after["contents"] if NEW_HEADING in line]
    assert len(entry) == 1 and re.search(r"\t\d+$", entry[0]), f"contents: {entry}"
    assert all(re.search(r"\t\d+$", line) for line in after["contents"]), "every entry with its page"
    assert edited[kind]["reopened"]["references"] == after["references"], "saved as docx and read back"


def test_sow_lists_its_references_to_the_agreement(docs: dict[str, Path]) -> None:
    """A SoW cites the agreement in typed text (no field reaches another file), each listed
    in its provenance with the number the agreement gives that section."""
    from p2pdocs.word.provenance import read_properties

    cited = read_properties(docs["sow"].read_bytes())["p2pdocs.agreement_references"]
    numbers = labels(parts(docs["agreement"]))
    found = re.findall(r"Section (\d+) \(([\w.]+)\)", cited)
    assert len(found) >= 3 and len(found) == cited.count("Section ")
    for number, clause in found:
        assert numbers[bookmark_name(clause)] == number, clause
        assert f"Section {number}" in docx_text(docs["sow"].read_bytes())


def test_a_deal_value_cannot_forge_a_field(tmp_path: Path) -> None:
    """The characters that mark references and bookmarks in composed text are refused in a
    deal, with the field named: a value never becomes a field or a bookmark."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["agreement"]["parties"]["contoso"]["legal_name"] = "Contoso \ue006 Ltd"
    deal = tmp_path / "forged.yaml"
    deal.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = run_cli("generate", str(deal), "-o", str(tmp_path / "out"), "--no-memo")
    assert result.exit_code == 2, result.output
    assert "legal_name" in result.output and "U+E006" in result.output
