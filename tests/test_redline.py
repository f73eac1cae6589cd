"""Redlines: real tracked changes whose accept-all gives the new text and reject-all the old."""

from __future__ import annotations

import copy
import io
import itertools
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, EXAMPLE_ID, listening_office, odt_content, run_cli, soffice, uno_python
from lxml import etree

from p2pdocs.word.fast_render import write_package
from p2pdocs.word.redline import changes_in, paragraph_text, paragraphs, redline_document, texts
from p2pdocs.word.render import docx_text

FOLDER = EXAMPLE_ID
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
UNO_HELPER = Path(__file__).with_name("uno_tracked.py")


def margin(d: dict[str, Any]) -> None:
    d["agreement"]["margins"][1]["by_year"] = [24, 12]


def clause_on(d: dict[str, Any]) -> None:
    d["agreement"]["legal"] = {"non_solicitation_months": 0}  # the old round has no non-solicitation clause


def no_referral(d: dict[str, Any]) -> None:
    """The reference deal with its referral section deleted (and referral no longer a model)."""
    del d["agreement"]["referral"]
    d["agreement"]["models"].remove("referral")


def renamed(d: dict[str, Any]) -> None:
    d["agreement"]["parties"]["fabrikam"]["legal_name"] = "Fabrikam Cloud AG"


def document_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml")


@pytest.mark.parametrize(("change", "old_is_changed"), [(margin, False), (clause_on, True), (renamed, False)])
def test_accept_all_gives_new_and_reject_all_gives_old(
    change: Callable[[dict[str, Any]], None], old_is_changed: bool, write_deal: Callable[..., Path], tmp_path: Path
) -> None:
    changed = write_deal(change, name="changed.yaml")
    old, new = (changed, EXAMPLE) if old_is_changed else (EXAMPLE, changed)
    out = tmp_path / "redline.docx"
    result = run_cli("redline", str(old), str(new), "-o", str(out), "--author", "Legal Team")
    assert result.exit_code == 0, result.output
    for deal, name in ((old, "old"), (new, "new")):
        assert run_cli("generate", str(deal), "-o", str(tmp_path / name)).exit_code == 0
    old_text = body_texts(document_xml(tmp_path / "old" / FOLDER / "partnering-agreement.docx"))
    new_text = body_texts(document_xml(tmp_path / "new" / FOLDER / "partnering-agreement.docx"))
    redline = document_xml(out)
    assert body_texts(redline, accept=True) == new_text
    assert body_texts(redline, accept=False) == old_text
    kinds = {kind for kind, author in changes_in(out.read_bytes()) if author == "Legal Team"}
    # a clause switched on is inserted: the later numbers are Word's, no change of their own
    assert kinds == ({"ins"} if change is clause_on else {"ins", "del"})
    assert b'w:date="2027-01-15T00:00:00Z"' in redline


def body_texts(document: bytes, accept: bool | None = None) -> list[str]:
    """The body's paragraphs as text but the contents' entries (a field Word rebuilds on
    open: the redline keeps the new round's), each cross-reference as its target."""
    return [text for style, text in paragraphs(document, accept) if not style.startswith("TOC")]


def test_margin_change_is_word_level(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "redline.docx"
    assert run_cli("redline", str(EXAMPLE), str(write_deal(margin)), "-o", str(out)).exit_code == 0
    xml = document_xml(out).decode("utf-8")
    assert '<w:delText xml:space="preserve">22%</w:delText>' in xml
    assert '<w:t xml:space="preserve">24%</w:t>' in xml
    assert xml.count("<w:del ") < 10, "only what changed is marked"


def test_sow_and_against_standard(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    def sow_change(d: dict[str, Any]) -> None:
        d["statements_of_work"][0]["fees"]["amount"] = 200000
        d["statements_of_work"][0]["fees"]["by_party"] = {"contoso": 140000, "fabrikam": 60000}

    out = tmp_path / "sow.docx"
    result = run_cli("redline", str(EXAMPLE), str(write_deal(sow_change)), "--sow", "SOW-001", "-o", str(out))
    assert result.exit_code == 0, result.output
    new_texts = texts(document_xml(out), accept=True)
    assert any("EUR 200,000.00" in t for t in new_texts)
    assert any("EUR 180,000.00" in t for t in texts(document_xml(out), accept=False))
    standard = tmp_path / "standard.docx"
    assert run_cli("redline", str(EXAMPLE), "--against", "standard", "-o", str(standard)).exit_code == 0
    for accept, year_1, later in ((False, "20%", "10%"), (True, "22%", "12%")):  # the standard, then the deal
        seen = texts(document_xml(standard), accept=accept)
        cover = seen.index("Margin: projects and assignments, sold by Contoso")
        assert seen[cover + 1] == f"{year_1} / {later} (last figure for later years)"
        schedule = seen.index("Year 2 and later")
        rows = [seen[k : k + 4] for k in range(schedule + 1, schedule + 13, 4)]
        assert ["Projects and assignments", "Contoso", year_1, later] in rows
        assert ["Projects and assignments", "Fabrikam", "20%", "10%"] in rows
    assert run_cli("redline", str(EXAMPLE), "-o", str(standard)).exit_code == 2, "one deal needs --against"
    assert run_cli("redline", str(EXAMPLE), str(EXAMPLE), "-o", str(standard)).exit_code == 2, "exists: --force"


def test_libreoffice_shows_the_changes(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "redline.docx"
    assert run_cli("redline", str(EXAMPLE), str(write_deal(renamed)), "-o", str(out)).exit_code == 0
    content = odt_content(out, tmp_path)
    assert "<text:tracked-changes" in content
    assert "<text:insertion>" in content and "<text:deletion>" in content


def styled(docx: Path | bytes, accept: bool | None = None) -> list[tuple[str, str]]:
    """(style, text) of every body paragraph, tables included, read straight from the XML:
    with ``accept`` True/False as Word shows it after Accept All / Reject All."""
    data = docx.read_bytes() if isinstance(docx, Path) else docx
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = etree.fromstring(package.read("word/document.xml")).find(f"{W}body")
    assert body is not None
    out = []
    for p in body.iter(f"{W}p"):
        gone = p.find(f"{W}pPr/{W}rPr/{W}{'del' if accept else 'ins'}") is not None
        if accept is not None and gone:
            continue
        ppr = p.find(f"{W}pPr")
        if accept is False and ppr is not None and ppr.find(f"{W}pPrChange/{W}pPr") is not None:
            ppr = ppr.find(f"{W}pPrChange/{W}pPr")
        style = None if ppr is None else ppr.find(f"{W}pStyle")
        name = "" if style is None else str(style.get(f"{W}val"))
        if not name.startswith("TOC"):  # the contents: a field Word rebuilds, the new round's kept
            out.append((name, texts_of(p, accept)))
    return out


def texts_of(p: Any, accept: bool | None) -> str:
    """The paragraph's text, each cross-reference as its target (its number is Word's)."""
    return paragraph_text(p, accept)


def redline_without_referral(write_deal: Callable[..., Path], tmp_path: Path) -> tuple[Path, Path, Path]:
    """The redline from the reference deal to the same deal without referral, and both
    rounds' generated agreements."""
    new = write_deal(no_referral, name="deal-without-referral.yaml")
    out = tmp_path / "redline.docx"
    result = run_cli("redline", str(EXAMPLE), str(new), "-o", str(out))
    assert result.exit_code == 0, result.output
    for deal, name in ((EXAMPLE, "old"), (new, "new")):
        assert run_cli("generate", str(deal), "-o", str(tmp_path / name), "--no-memo").exit_code == 0
    old_doc, new_doc = (tmp_path / name / FOLDER / "partnering-agreement.docx" for name in ("old", "new"))
    return out, old_doc, new_doc


def test_switched_off_clause_is_deleted_as_whole_paragraphs(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    out, old, new = redline_without_referral(write_deal, tmp_path)
    assert styled(out, accept=True) == styled(new), "Accept All gives the new document, styles included"
    assert styled(out, accept=False) == styled(old), "Reject All gives the old document, styles included"
    with zipfile.ZipFile(out) as package:
        body = etree.fromstring(package.read("word/document.xml")).find(f"{W}body")
    assert body is not None
    whole = [p for p in body.iter(f"{W}p") if p.find(f"{W}pPr/{W}rPr/{W}del") is not None]
    found = re.search(r"^(\d+)\. Referral fees$", docx_text(old.read_bytes()), flags=re.M)  # numbers are Word's
    assert found is not None
    number = found.group(1)
    old_paragraphs = styled(old)
    at = old_paragraphs.index(("Heading1", "Referral fees"))
    section = list(itertools.takewhile(lambda p: p[0] != "Heading1", old_paragraphs[at + 1 :]))
    assert [texts_of(p, False) for p in whole] == [
        "Referral fee",
        "10% of the first 12 months' Net Revenue",
        next(t for _, t in old_paragraphs if t.startswith("referral: ")),  # the model's paragraph in Section 2
        next(t for _, t in old_paragraphs if "protects the Referring Party's fee" in t),  # fee protection
        "Referral fees",
        *[t for _, t in section],
    ]
    assert not any(p.find(f"{W}pPr/{W}rPr/{W}ins") is not None for p in body.iter(f"{W}p"))
    assert sum(1 for tr in body.iter(f"{W}tr") if tr.find(f"{W}trPr/{W}del") is not None) == 1
    words = []  # changes inside paragraphs that stay: the renumbering, and the word "referral"
    for change in body.iter(f"{W}ins", f"{W}del"):
        p = next(change.iterancestors(f"{W}p"), None)
        survival = p is not None and "any other provision that by its nature" in texts_of(p, False)
        if p is not None and p not in whole and not survival and change.getparent().tag != f"{W}rPr":
            words.append("".join(t.text or "" for t in change.iter(f"{W}t", f"{W}delText")))
    renumbered = [w for w in words if re.fullmatch(r"[\d.]+,?", w)]
    assert renumbered == [], "a number that only moved is Word's to renumber, no tracked change"
    assert sorted(set(words)) == [
        f"Contoso, except for a Customer referred under Section {number}, for which the Receiving Party is the Prime "
        "Partner.",  # the Prime Partner: no referral exception once referral is gone
        "Contoso.",
        "Referral, resale",
        "Resale",
        "end",  # after the end, except referral fees as the referral Section provides
        f"end, except referral fees as Section {number} provides",
        "referral, ",
    ]


def test_heading_paragraphs_never_get_body_text(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    out, old, new = redline_without_referral(write_deal, tmp_path)
    old_headings = {t for s, t in styled(old) if s == "Heading1"}
    new_headings = {t for s, t in styled(new) if s == "Heading1"}
    with zipfile.ZipFile(out) as package:
        body = etree.fromstring(package.read("word/document.xml")).find(f"{W}body")
    assert body is not None
    checked = 0
    for p in body.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is None or style.get(f"{W}val") != "Heading1":
            continue
        checked += 1
        assert texts_of(p, False) in old_headings, f"heading style on old body text: {texts_of(p, False)!r}"
        if p.find(f"{W}pPr/{W}rPr/{W}del") is None:
            assert texts_of(p, True) in new_headings, f"heading style on new body text: {texts_of(p, True)!r}"
    assert checked == len(old_headings)


def restyled(docx: bytes, old_style: str, new_style: str, count: int) -> bytes:
    """``docx`` with its first ``count`` paragraphs in ``old_style`` set in ``new_style``."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        entries = [(i.filename, package.read(i.filename)) for i in package.infolist()]
    root = etree.fromstring(dict(entries)["word/document.xml"])
    found = [s for s in root.iter(f"{W}pStyle") if s.get(f"{W}val") == old_style][:count]
    assert len(found) == count
    for style in found:
        style.set(f"{W}val", new_style)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return write_package([(name, xml if name == "word/document.xml" else data) for name, data in entries])


def test_paragraph_style_change_is_tracked(tmp_path: Path) -> None:
    assert run_cli("generate", str(EXAMPLE), "-o", str(tmp_path / "old"), "--no-memo").exit_code == 0
    old = (tmp_path / "old" / FOLDER / "partnering-agreement.docx").read_bytes()
    new = restyled(old, "Clause", "ClauseItem", 2)
    redline = redline_document(old, new, "Legal Team", date(2027, 1, 15))
    assert styled(redline, accept=True) == styled(new)
    assert styled(redline, accept=False) == styled(old)
    assert [kind for kind, _ in changes_in(redline)] == ["pPrChange", "pPrChange"], "the words did not change"


@pytest.mark.libreoffice
def no_margins(d: dict[str, Any]) -> None:
    """No margins: the Margins clause, its paragraph before the schedule and the table go."""
    d["agreement"]["margins"] = []
    d["agreement"]["models"] = ["referral", "co_delivery"]


def word_and_paragraph_added(docx: bytes) -> bytes:
    """``docx`` with a word added at the end of a paragraph and a paragraph added after it."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        entries = [(i.filename, package.read(i.filename)) for i in package.infolist()]
    root = etree.fromstring(dict(entries)["word/document.xml"])
    p = next(p for p in root.iter(f"{W}p") if texts_of(p, None) == "How the Parties work together")
    added = copy.deepcopy(p)
    for mark in added.iter(f"{W}bookmarkStart", f"{W}bookmarkEnd"):
        mark.getparent().remove(mark)
    p.findall(f".//{W}t")[-1].text = "How the Parties work together and lead"
    added.findall(f".//{W}t")[-1].text = "A paragraph of its own"
    p.addnext(added)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return write_package([(name, xml if name == "word/document.xml" else data) for name, data in entries])


def test_libreoffice_accept_all_and_reject_all(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    """LibreOffice's own Accept All / Reject All give exactly the new / old document, each
    paragraph's text and style: a clause switched off and on (referral; margins, whose
    paragraph before the schedule table LibreOffice cannot join with the table), a style
    change, and a word added at the end of a paragraph right before an added paragraph."""
    soffice()
    python = uno_python()
    off, old, new = redline_without_referral(write_deal, tmp_path)
    cases = [(off, old, new)]
    on = tmp_path / "referral-on.docx"
    assert run_cli("redline", str(tmp_path / "deal-without-referral.yaml"), str(EXAMPLE), "-o", str(on)).exit_code == 0
    cases.append((on, new, old))
    marginless = write_deal(no_margins, name="no-margins.yaml")
    assert run_cli("generate", str(marginless), "-o", str(tmp_path / "marginless"), "--no-memo").exit_code == 0
    marginless_doc = tmp_path / "marginless" / FOLDER / "partnering-agreement.docx"
    for name, a, b, before, after in (
        ("margins-off", EXAMPLE, marginless, old, marginless_doc),
        ("margins-on", marginless, EXAMPLE, marginless_doc, old),
    ):
        assert run_cli("redline", str(a), str(b), "-o", str(tmp_path / f"{name}.docx")).exit_code == 0
        cases.append((tmp_path / f"{name}.docx", before, after))
    for name, changed in (
        ("restyled", restyled(old.read_bytes(), "Clause", "ClauseItem", 3)),
        ("added", word_and_paragraph_added(old.read_bytes())),
    ):
        (tmp_path / f"{name}.docx").write_bytes(changed)
        redline = redline_document(old.read_bytes(), changed, "p2pdocs", date(2027, 1, 15))
        (tmp_path / f"{name}-redline.docx").write_bytes(redline)
        cases.append((tmp_path / f"{name}-redline.docx", old, tmp_path / f"{name}.docx"))

    # every document of every case read in one helper process, each document loaded once
    reads = (("redline", "accept"), ("redline", "reject"), ("after", "none"), ("before", "none"))
    pairs = [(str({"redline": r, "before": b, "after": a}[d]), mode) for r, b, a in cases for d, mode in reads]
    with listening_office(tmp_path, "redline") as pipe:
        done = subprocess.run(
            [python, str(UNO_HELPER), pipe, *(part for pair in pairs for part in pair)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        results: list[dict[str, Any]] = json.loads(done.stdout)
        for i, (redline, _, _) in enumerate(cases):
            accepted, rejected, after_seen, before_seen = results[4 * i : 4 * i + 4]
            accepted, rejected, after_seen, before_seen = (
                {**seen, "paragraphs": [p for p in seen["paragraphs"] if not p[0].startswith("Contents")]}
                for seen in (accepted, rejected, after_seen, before_seen)
            )
            assert accepted["paragraphs"] == after_seen["paragraphs"], f"{redline.name}: Accept All"
            assert rejected["paragraphs"] == before_seen["paragraphs"], f"{redline.name}: Reject All"
            assert accepted["changes"] > 0, redline.name
            if redline == off:  # 563 when paragraphs were paired by position
                assert accepted["changes"] < 400, "renumbering and whole paragraphs, not every word of every clause"
            headings = [t for style, t in accepted["paragraphs"] + rejected["paragraphs"] if style == "Heading 1"]
            assert headings and not any("\t" in h for h in headings), "no clause text in heading style"
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)


def test_unknown_sow_lists_the_valid_ids(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    def two_sows(d: dict[str, Any]) -> None:
        second = {**d["statements_of_work"][0], "id": "SOW-002"}
        d["statements_of_work"].append(second)

    deal = write_deal(two_sows)
    out = tmp_path / "redline.docx"
    result = run_cli("redline", str(deal), str(deal), "--sow", "NOPE", "-o", str(out))
    assert result.exit_code == 2
    assert f"{deal}: statements_of_work: no statement of work 'NOPE' (statements of work: SOW-001, SOW-002)" in (
        result.stderr
    )
    assert not out.exists()


def test_unrelated_documents_still_accept_and_reject_exactly(tmp_path: Path) -> None:
    """The agreement redlined into the statement of work: nothing lines up, every table
    differs in shape, and Accept All / Reject All still give each document exactly."""
    assert run_cli("generate", str(EXAMPLE), "-o", str(tmp_path), "--no-memo").exit_code == 0
    agreement = (tmp_path / FOLDER / "partnering-agreement.docx").read_bytes()
    sow = (tmp_path / FOLDER / "sow-SOW-001.docx").read_bytes()
    for old, new in ((agreement, sow), (sow, agreement)):
        redline = redline_document(old, new, "p2pdocs", date(2027, 1, 15))
        assert styled(redline, accept=True) == styled(new)
        assert styled(redline, accept=False) == styled(old)
