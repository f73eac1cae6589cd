"""LibreOffice opens the agreement and reads the same text: numbers, tables, fields."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import EXAMPLE, run_cli, soffice


def test_libreoffice_reads_the_agreement(tmp_path: Path) -> None:
    binary = soffice()
    assert run_cli("generate", str(EXAMPLE), "-o", str(tmp_path)).exit_code == 0
    docx = tmp_path / "CONTOSO-FABRIKAM-2027" / "partnering-agreement.docx"
    profile = tmp_path / "profile"
    subprocess.run(
        [
            binary,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "txt:Text (encoded):UTF8",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    text = " ".join((tmp_path / "partnering-agreement.txt").read_text(encoding="utf-8-sig").split())
    for expected in (
        "Contoso Consulting Ltd",
        "Fabrikam Software GmbH",
        "the Prime Partner is Contoso",
        "6. Margins",
        "6.1",
        "SaaS subscriptions",
        "25%",
        "12.5%",
        "22%",
        "Year 2 and later",
        "29. General terms",
        "Name: Ana Silva",
        "Title: Geschaeftsfuehrer",
    ):
        assert expected in text, expected
    for bad in ("{{", "{%", "None", "Error! Reference"):
        assert bad not in text
