"""Provenance in every document, and `p2pdocs verify` telling what changed and where."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import EXAMPLE, EXAMPLE_ID, run_cli
from docx import Document

from p2pdocs.word.provenance import read_properties
from p2pdocs.word.render import docx_text

FOLDER = EXAMPLE_ID


def generated(tmp_path: Path) -> Path:
    assert run_cli("generate", str(EXAMPLE), "-o", str(tmp_path)).exit_code == 0
    return tmp_path / FOLDER / "partnering-agreement.docx"


def test_documents_carry_their_provenance(tmp_path: Path) -> None:
    props = read_properties(generated(tmp_path).read_bytes())
    assert props["p2pdocs.version"] == "0.1.0"
    assert props["p2pdocs.deal"] == EXAMPLE_ID
    assert props["p2pdocs.document"] == "partnering-agreement.docx"
    assert props["p2pdocs.template"] == "partnering-agreement.docx"
    assert len(props["p2pdocs.terms_sha256"]) == 64 and len(props["p2pdocs.template_sha256"]) == 64
    assert "margins.schedule@1.0.0" in props["p2pdocs.clauses"]
    assert len(props["p2pdocs.text_sha256"]) == 64 and re.search(r'"\d+\. Margins"', props["p2pdocs.sections"])
    sow = read_properties((tmp_path / FOLDER / "sow-SOW-001.docx").read_bytes())
    assert sow["p2pdocs.document"] == "sow-SOW-001.docx" and "sow.margins@1.0.0" in sow["p2pdocs.clauses"]


def test_untouched_document_verifies_clean(tmp_path: Path) -> None:
    path = generated(tmp_path)
    result = run_cli("verify", str(path), "--deal", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert "the text is as generated" in result.output and "matches what" in result.output


def test_an_edit_in_word_is_found_with_its_section(tmp_path: Path) -> None:
    path = generated(tmp_path)
    found = re.search(r"^\d+\. Margins$", docx_text(path.read_bytes()), flags=re.M)  # numbers are Word's
    assert found is not None
    margins = found.group(0)
    doc = Document(str(path))
    start = next(i for i, p in enumerate(doc.paragraphs) if p.style.name == "Heading 1" and p.text == "Margins")
    section = list(itertools.takewhile(lambda p: p.style.name != "Heading 1", doc.paragraphs[start + 1 :]))
    third = [p for p in section if p.style.name == "Clause"][2]  # clause N.3
    third.runs[-1].text = third.runs[-1].text.replace("rewards", "does not reward")
    doc.save(str(path))  # python-docx keeps the custom properties, as Word does
    result = run_cli("verify", str(path))
    assert result.exit_code == 1
    assert f"the text was changed after generation, in: {margins} (changed)" in result.output


def test_a_changed_deal_is_reported(tmp_path: Path, write_deal: Callable[..., Path]) -> None:
    path = generated(tmp_path)

    def cheaper(d: dict[str, Any]) -> None:
        d["agreement"]["referral"]["fee_percent"] = 8

    result = run_cli("verify", str(path), "--deal", str(write_deal(cheaper)))
    assert result.exit_code == 1
    assert "differs from what" in result.output and re.search(r"\b\d+\. Referral fees \(changed\)", result.output)
    assert "the deal's terms changed" in result.output


def test_a_foreign_document(tmp_path: Path) -> None:
    plain = tmp_path / "plain.docx"
    Document().save(str(plain))
    result = run_cli("verify", str(plain))
    assert result.exit_code == 1 and "no p2pdocs provenance" in result.output
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"not a zip")
    result = run_cli("verify", str(junk))
    assert result.exit_code == 2 and "not a readable .docx" in result.output


def _rebuilt(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    """``source`` with some parts replaced, written as ``target``."""
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
    return target


def _patched_member(source: Path, target: Path, member: str, local: dict[int, int], central: dict[int, int]) -> Path:
    """``source`` with some bytes of ``member``'s local header and central record set."""
    import struct
    import zipfile

    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as package:
        info = package.getinfo(member)
    for offset, value in local.items():
        struct.pack_into("<H", data, info.header_offset + offset, value)
    record = data.find(b"PK\x01\x02" + bytes(24)[:0])
    while record >= 0:
        (length,) = struct.unpack_from("<H", data, record + 28)
        if bytes(data[record + 46 : record + 46 + length]) == member.encode():
            break
        record = data.find(b"PK\x01\x02", record + 4)
    for offset, value in central.items():
        struct.pack_into("<H", data, record + offset, value)
    target.write_bytes(bytes(data))
    return target


def _damaged(path: Path, tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Corrupt copies of a generated document, each with the reason verify must give."""
    import zipfile

    with zipfile.ZipFile(path) as package:
        custom = package.read("docProps/custom.xml").decode("utf-8")
        info = package.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    flipped = bytearray(path.read_bytes())
    for i in range(start + 200, start + 260):
        flipped[i] ^= 0x5A
    (tmp_path / "deflate.docx").write_bytes(bytes(flipped))
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY l0 "lol">{lol}]><w:document>&l9;</w:document>'
    sections = custom.split('name="p2pdocs.sections"><vt:lpwstr>')[1].split("</vt:lpwstr>")[0]
    return {
        "malformed": (
            _rebuilt(path, tmp_path / "malformed.docx", {"word/document.xml": b"<w:document><w:body>"}),
            "word/document.xml is not well-formed XML",
        ),
        "deflate": (tmp_path / "deflate.docx", "word/document.xml is damaged"),
        "deflate64": (
            _patched_member(path, tmp_path / "deflate64.docx", "word/document.xml", {8: 9}, {10: 9}),
            "word/document.xml is compressed with deflate64",
        ),
        "encrypted": (
            _patched_member(path, tmp_path / "encrypted.docx", "word/document.xml", {6: 1}, {8: 1}),
            "word/document.xml is encrypted",
        ),
        "json": (
            _rebuilt(path, tmp_path / "json.docx", {"docProps/custom.xml": custom.replace(sections, "{no").encode()}),
            "its property p2pdocs.sections is not valid JSON",
        ),
        "bomb": (
            _rebuilt(path, tmp_path / "bomb.docx", {"word/document.xml": bomb.encode()}),
            "word/document.xml declares a DOCTYPE",
        ),
        "inflates": (
            _rebuilt(path, tmp_path / "inflates.docx", {"word/document.xml": b"<a>" + b" " * (40 * 2**20) + b"</a>"}),
            "word/document.xml would inflate to 41,943,047 bytes",
        ),
    }


def test_a_damaged_or_hostile_document_cannot_be_read(tmp_path: Path) -> None:
    path = generated(tmp_path)
    for kind, (damaged, reason) in _damaged(path, tmp_path).items():
        result = run_cli("verify", str(damaged))
        assert result.exit_code == 2, (kind, result.output)
        assert f"error: {damaged}: cannot be read: {reason}" in result.output, kind
        assert "nothing was written" not in result.output and "Traceback" not in result.output


def test_an_unreadable_file_is_reported_as_such(tmp_path: Path) -> None:
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"not a zip")
    missing = tmp_path / "missing.docx"
    for path in (junk, missing):
        result = run_cli("verify", str(path))
        assert result.exit_code == 2 and f"error: {path}: cannot be read: " in result.output
        assert "nothing was written" not in result.output


def test_an_edited_header_or_footer_is_a_change(tmp_path: Path) -> None:
    path = generated(tmp_path)
    doc = Document(str(path))
    header = doc.sections[0].header.paragraphs[0]
    header.runs[0].text = header.runs[0].text.replace("DRAFT", "FINAL")
    doc.save(str(path))
    result = run_cli("verify", str(path), "--deal", str(EXAMPLE))
    assert result.exit_code == 1
    assert "the text was changed after generation, in: Header (default, section 1) (changed)" in result.output
    assert f"differs from what {EXAMPLE} generates today, in: Header (default, section 1) (changed)" in result.output


def test_headers_renumbered_by_a_save_are_no_change(tmp_path: Path) -> None:
    """Word renumbers header and footer parts when it saves: what counts is where they are used."""
    import zipfile

    path = generated(tmp_path)
    renamed = {"word/header1.xml": "word/header7.xml", "word/footer1.xml": "word/header1.xml"}
    saved = tmp_path / "renumbered.docx"
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename in ("word/_rels/document.xml.rels", "[Content_Types].xml"):
                text = data.decode("utf-8").replace("header1.xml", "header7.xml").replace("footer1.xml", "header1.xml")
                data = text.encode("utf-8")
            new.writestr(renamed.get(info.filename, info.filename), data)
    result = run_cli("verify", str(saved), "--deal", str(EXAMPLE))
    assert result.exit_code == 0, result.output


def test_a_page_count_updated_by_word_is_no_change(tmp_path: Path) -> None:
    import zipfile

    path = generated(tmp_path)
    with zipfile.ZipFile(path) as package:
        footer = package.read("word/footer1.xml").decode("utf-8")
    assert footer.count("<w:t>1</w:t>") == 2  # the PAGE and NUMPAGES results, as generated
    saved = _rebuilt(
        path, tmp_path / "saved.docx", {"word/footer1.xml": footer.replace("<w:t>1</w:t>", "<w:t>7</w:t>").encode()}
    )
    result = run_cli("verify", str(saved))
    assert result.exit_code == 0, result.output


def test_a_document_from_before_header_fingerprints_is_reported(tmp_path: Path) -> None:
    import re
    import zipfile

    path = generated(tmp_path)
    with zipfile.ZipFile(path) as package:
        custom = package.read("docProps/custom.xml").decode("utf-8")
    older = re.sub(r'<property [^>]*name="p2pdocs\.parts">.*?</property>', "", custom)
    assert older != custom
    old = _rebuilt(path, tmp_path / "old.docx", {"docProps/custom.xml": older.encode()})
    result = run_cli("verify", str(old))
    assert result.exit_code == 0, result.output
    assert "the text is as generated" in result.output
    assert "made before p2pdocs fingerprinted headers and footers: their text was not checked" in result.output
