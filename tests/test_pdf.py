"""PDF signing packets: LibreOffice converts, pypdf assembles; checked with pypdf."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, EXAMPLE_ID, ROOT, run_cli, soffice
from pypdf import PdfReader

from p2pdocs.pdf.packets import convert

FOLDER = EXAMPLE_ID


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def watermarked(page: Any) -> bool:
    contents = page.get_contents()
    return contents is not None and b"(DRAFT) Tj" in contents.get_data()


@pytest.fixture(scope="module")
def example_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    soffice()
    out = tmp_path_factory.mktemp("pdf")
    result = run_cli("generate", str(EXAMPLE), "-o", str(out), "--pdf", "--no-progress")
    assert result.exit_code == 0, result.output
    return out / FOLDER


def test_packet_holds_every_document_with_bookmarks_and_metadata(example_pdfs: Path) -> None:
    packet = PdfReader(example_pdfs / "signing-packet.pdf")
    parts = [PdfReader(example_pdfs / name) for name in ("partnering-agreement.pdf", "sow-SOW-001.pdf")]
    assert len(packet.pages) == sum(len(p.pages) for p in parts)
    titles = [item.title for item in packet.outline if not isinstance(item, list)]
    assert titles == [
        "Partnering Agreement CONTOSO-FABRIKAM-2027",
        "Statement of Work SOW-001: Point-of-sale modernisation",
    ]
    meta = packet.metadata
    assert meta is not None
    assert meta.title == "Signing packet: Partnering Agreement CONTOSO-FABRIKAM-2027"
    assert EXAMPLE_ID in (meta.subject or "")
    assert meta.author == "p2pdocs"
    assert "Contoso Consulting Ltd" in meta["/Keywords"] and "Fabrikam Software GmbH" in meta["/Keywords"]


def test_packet_text_has_the_terms(example_pdfs: Path) -> None:
    text = text_of(PdfReader(example_pdfs / "signing-packet.pdf"))
    for expected in (
        "Contoso Consulting Ltd",
        "Fabrikam Software GmbH",
        "the Prime Partner is Contoso",
        "22%",
        "12.5%",
        "25%",
        "EUR 180,000.00",
        "EUR 54,000.00",
        "EUR 72,000.00",
        "Statement of Work SOW-001",
    ):
        assert expected in text, expected


def test_draft_is_watermarked_on_every_page(example_pdfs: Path) -> None:
    for name in ("signing-packet.pdf", "partnering-agreement.pdf", "sow-SOW-001.pdf"):
        reader = PdfReader(example_pdfs / name)
        assert all(watermarked(page) for page in reader.pages), name
        assert all("DRAFT" in (page.extract_text() or "") for page in reader.pages)


def pdffonts(pdf: Path) -> tuple[list[dict[str, str]], str]:
    """The fonts poppler's pdffonts lists for ``pdf`` (name, type, emb...), and its stderr."""
    if not shutil.which("pdffonts"):
        if os.environ.get("CI"):
            pytest.fail("pdffonts is required in CI: apt-get install poppler-utils")
        pytest.skip("pdffonts is not installed: apt-get install poppler-utils")
    done = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, timeout=60, check=False)
    header, rule, *rows = done.stdout.splitlines()
    starts = [0] + [i + 1 for i, c in enumerate(rule) if c == " "]
    names = [header[a:b].strip() for a, b in zip(starts, [*starts[1:], None], strict=True)]
    return [
        {n: row[a:b].strip() for n, a, b in zip(names, starts, [*starts[1:], None], strict=True)} for row in rows
    ], done.stderr


def test_packet_fonts_are_embedded_carlito_without_errors(example_pdfs: Path) -> None:
    """A draft packet (watermarked): pdffonts reads it without an error, every font is
    embedded (the watermark's too), and the body text is set in Carlito."""
    for name in ("signing-packet.pdf", "partnering-agreement.pdf", "sow-SOW-001.pdf"):
        fonts, errors = pdffonts(example_pdfs / name)
        assert errors == "", (name, errors)
        assert fonts and all(f["emb"] == "yes" for f in fonts), (name, fonts)
        families = {f["name"].partition("+")[2] for f in fonts}
        assert families <= {"Carlito", "Carlito-Bold", "Carlito-Italic", "Carlito-BoldItalic"}, (name, families)
        assert "Carlito" in families, name


def test_documents_ask_for_carlito_not_calibri(tmp_path: Path) -> None:
    """The font LibreOffice has (fonts-crosextra-carlito), in the styles and the theme, so
    it never falls back to another font with other line breaks."""
    import zipfile

    assert run_cli("generate", str(EXAMPLE), "-o", str(tmp_path)).exit_code == 0
    for docx in sorted((tmp_path / FOLDER).glob("*.docx")):
        with zipfile.ZipFile(docx) as package:
            styles = package.read("word/styles.xml").decode()
            theme = package.read("word/theme/theme1.xml").decode()
        assert 'w:ascii="Carlito"' in styles, docx.name
        assert "Calibri" not in styles + theme and "Cambria" not in styles + theme, docx.name


def test_final_has_no_watermark_and_hostile_values_survive(tmp_path: Path, write_deal: Callable[..., Path]) -> None:
    soffice()

    def final(d: dict[str, Any]) -> None:
        d["agreement"]["status"] = "final"
        d["agreement"]["parties"]["contoso"]["legal_name"] = 'Smith & Sons <UK> "Ltd" Zürich Ærø'
        d["statements_of_work"][0]["customer"] = "Nordwind Händler & Co <AB> 北风贸易"

    out = tmp_path / "out"
    result = run_cli("generate", str(write_deal(final)), "-o", str(out), "--pdf", "--no-progress")
    assert result.exit_code == 0, result.output
    packet = PdfReader(out / FOLDER / "signing-packet.pdf")
    assert not any(watermarked(page) for page in packet.pages)
    assert not any("DRAFT" in (page.extract_text() or "") for page in packet.pages)
    text = text_of(packet)
    assert 'Smith & Sons <UK> "Ltd" Zürich Ærø' in text
    assert "Nordwind Händler & Co <AB>" in text
    assert "北风贸易" in text


def test_two_runs_give_identical_pdfs(example_pdfs: Path, tmp_path: Path) -> None:
    result = run_cli("generate", str(EXAMPLE), "-o", str(tmp_path), "--pdf", "--no-progress")
    assert result.exit_code == 0
    for name in ("signing-packet.pdf", "partnering-agreement.pdf", "sow-SOW-001.pdf"):
        assert (tmp_path / FOLDER / name).read_bytes() == (example_pdfs / name).read_bytes(), name


def test_a_corrupt_docx_is_reported(tmp_path: Path) -> None:
    soffice()
    good = tmp_path / "good.docx"
    assert run_cli("generate", str(EXAMPLE), "-o", str(tmp_path / "o")).exit_code == 0
    good.write_bytes((tmp_path / "o" / FOLDER / "sow-SOW-001.docx").read_bytes())
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 this is not a real package")
    results = convert([good, bad], workers=2)
    assert results[0].pdf is not None and len(PdfReader(io.BytesIO(results[0].pdf)).pages) > 0
    assert results[1].pdf is None and "could not convert" in results[1].error
    assert "source file could not be loaded" in results[1].error  # what LibreOffice said


def test_without_libreoffice_the_docx_are_still_written(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": "/nonexistent", "PYTHONPATH": str(ROOT), "P2PDOCS_SOFFICE": "/nonexistent/soffice"}
    done = subprocess.run(
        [sys.executable, "-m", "p2pdocs", "generate", str(EXAMPLE), "-o", str(tmp_path), "--pdf", "--no-progress"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 1
    assert "libreoffice-writer-nogui" in done.stderr and "the DOCX documents were written" in done.stderr
    assert (tmp_path / FOLDER / "partnering-agreement.docx").exists()
    assert not (tmp_path / FOLDER / "signing-packet.pdf").exists()


def test_a_document_that_does_not_convert_fails_its_deal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice failing on one SoW: the deal is failed, in the summary, the exit status
    and the manifest (no LibreOffice needed: the converter is replaced)."""
    import json

    import p2pdocs.pdf.converter
    from p2pdocs.pdf.packets import Converted

    class AllButSows:
        def convert(self, documents: list[Path]) -> list[Converted]:
            return [
                Converted(d, None, "LibreOffice gave up")
                if d.name.startswith("sow-")
                else Converted(d, b"%PDF-1.4 not used")
                for d in documents
            ]

        def close(self, wait: float = 0.0) -> None:
            pass

    monkeypatch.setattr(p2pdocs.pdf.converter, "factory", lambda options: AllButSows())
    out = tmp_path / "out"
    result = run_cli("generate", str(EXAMPLE), "-o", str(out), "--pdf", "--no-progress")
    assert result.exit_code == 2, result.output
    assert "PDF: sow-" in result.output and "LibreOffice gave up" in result.output
    assert "generated 0 of 1 deals" in result.output and "; 1 failed" in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["deals"][0]["status"] == "failed"
    assert any("LibreOffice gave up" in e for e in manifest["deals"][0]["errors"])


@pytest.mark.parametrize("name", ["partnering-agreement.pdf", "sow-SOW-001.pdf"])
def test_contents_give_the_page_of_every_heading(example_pdfs: Path, name: str) -> None:
    """LibreOffice does not rebuild the contents: p2pdocs gives them the pages the first
    conversion shows each heading on, and each is the page its heading is on."""
    import re

    pages = [page.extract_text() or "" for page in PdfReader(example_pdfs / name).pages]
    contents = next(i for i, text in enumerate(pages) if "\nContents\n" in f"\n{text}\n")
    listing = re.compile(r"^(\d+\. .+?)\s*\.{3,}\s*(\d+)$", flags=re.M)
    last = max(i for i, text in enumerate(pages) if listing.search(text))  # where the contents end
    entries = listing.findall("\n".join(pages[contents : last + 1]))
    assert len(entries) >= 8
    for heading, page in entries:
        body = [i + 1 for i, text in enumerate(pages) if i > last and heading in text.splitlines()]
        assert body and body[0] == int(page), f"{heading}: listed on page {page}, found on {body[:1]}"
