"""--comments: each playbook finding as a Word comment on the section it concerns."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import EXAMPLE_ID, odt_content, run_cli
from docx import Document

FOLDER = EXAMPLE_ID


def risky(d: dict[str, Any]) -> None:
    d["agreement"]["margins"][1]["by_year"] = [15, 12]
    d["agreement"]["visibility"]["disclosure"] = "white_label"
    del d["agreement"]["disputes"]
    del d["agreement"]["enablement"]


def commented(write_deal: Callable[..., Path], tmp_path: Path) -> Path:
    result = run_cli("generate", str(write_deal(risky)), "-o", str(tmp_path), "--comments", "--no-progress")
    assert result.exit_code == 0, result.output
    return tmp_path / FOLDER / "partnering-agreement.docx"


def anchored(path: Path) -> dict[str, str]:
    """Comment text -> the text of the paragraph it is anchored on."""
    with zipfile.ZipFile(path) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    doc = Document(str(path))
    texts = {c.comment_id: c.text for c in doc.comments}
    out = {}
    for paragraph in doc.paragraphs:
        for start in paragraph._p.iter(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}commentRangeStart"
        ):
            cid = int(start.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}id"))
            out[texts[cid]] = paragraph.text
    assert "commentReference" in xml
    return out


def test_findings_become_comments_on_their_sections(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    path = commented(write_deal, tmp_path)
    doc = Document(str(path))
    assert {c.author for c in doc.comments} == {"p2pdocs playbook"}
    places = anchored(path)
    p01 = next(text for text in places if text.startswith("P01 (high)"))
    assert "Contoso keeps 15% on projects in year 1" in p01 and places[p01] == "Margins"  # its number is the list's
    p11 = next(text for text in places if text.startswith("P11 (medium)"))
    assert places[p11] == "Visibility to the Customer"
    p27 = next(text for text in places if text.startswith("P27"))
    assert places[p27] == "Resolving disagreements", "no disputes: the default process's clause"
    p19 = next(text for text in places if text.startswith("P19"))
    assert places[p19] == "Key terms", "a finding about a clause that is out goes on the key terms"
    plain = tmp_path / "plain"
    assert run_cli("generate", str(write_deal(risky)), "-o", str(plain)).exit_code == 0
    assert len(Document(str(plain / FOLDER / "partnering-agreement.docx")).comments) == 0


def test_libreoffice_shows_them_as_comments(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    path = commented(write_deal, tmp_path)
    content = odt_content(path, tmp_path)
    assert content.count("<office:annotation ") >= 3
    assert "<dc:creator>p2pdocs playbook</dc:creator>" in content and "P01 (high)" in content
