"""PDFs and signing packets: LibreOffice converts, pypdf assembles.

One LibreOffice process per worker converts all of that worker's documents in a single
invocation, each with its own profile directory and HOME and a timeout; every expected PDF
is checked to exist and have pages. Each PDF is then rewritten with metadata from the deal
(never the clock) and an ID derived from its content, so the same input gives the same
bytes. A draft gets a diagonal DRAFT watermark on every page.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from p2pdocs.errors import P2pdocsError

INSTALL_HINT = (
    "LibreOffice is needed for PDF output and was not found (no 'soffice' on PATH). Install it: "
    "on Debian or Ubuntu, apt-get install libreoffice-writer-nogui; elsewhere, from libreoffice.org"
)


class ConverterMissing(P2pdocsError):
    """LibreOffice is not installed."""

    exit_code = 1


class ConversionFailed(P2pdocsError):
    exit_code = 1


def soffice() -> str:
    """The LibreOffice binary, or :class:`ConverterMissing` naming what to install."""
    found = shutil.which(os.environ.get("P2PDOCS_SOFFICE") or "soffice") or shutil.which("libreoffice")
    if not found:
        raise ConverterMissing(INSTALL_HINT)
    return found


@dataclass(frozen=True)
class Converted:
    source: Path
    pdf: bytes | None
    error: str = ""


def convert(documents: Sequence[Path], workers: int = 1, timeout: float = 120.0) -> list[Converted]:
    """Convert ``documents`` (.docx) to PDF with ``workers`` LibreOffice processes, each
    converting its share in one invocation. The result is in the order given."""
    binary = soffice()
    shares = [list(range(i, len(documents), max(1, workers))) for i in range(max(1, min(workers, len(documents))))]
    results: dict[int, Converted] = {}
    with ThreadPoolExecutor(max_workers=len(shares) or 1) as pool:
        for found in pool.map(lambda share: _convert_share(binary, documents, share, timeout), shares):
            results.update(found)
    return [results[i] for i in range(len(documents))]


def _convert_share(binary: str, documents: Sequence[Path], share: list[int], timeout: float) -> dict[int, Converted]:
    with tempfile.TemporaryDirectory(prefix="p2pdocs-soffice-") as tmp:
        work = Path(tmp)
        profile, stage, out = work / "profile", work / "in", work / "out"
        stage.mkdir()
        out.mkdir()
        names = {}
        for i in share:
            name = f"{i:07d}.docx"  # documents of different deals share file names
            (stage / name).symlink_to(documents[i].resolve())
            names[i] = name
        base = [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo"]
        env = {**os.environ, "HOME": str(work)}
        # a first start creates the profile and may restart soffice, dropping files: do it apart
        _run([*base, "--terminate_after_init"], env, timeout)
        missing = list(share)
        for _attempt in range(2):
            if not missing:
                break
            _run(
                [*base, "--convert-to", "pdf", "--outdir", str(out), *(str(stage / names[i]) for i in missing)],
                env,
                timeout + 5 * len(missing),
            )
            missing = [i for i in missing if not (out / names[i]).with_suffix(".pdf").exists()]
        results = {}
        for i in share:
            pdf = (out / names[i]).with_suffix(".pdf")
            data = pdf.read_bytes() if pdf.exists() else None
            error = "" if data and _pages(data) else "LibreOffice could not convert it (is the file a valid .docx?)"
            results[i] = Converted(documents[i], data if not error else None, error)
        return results


def _run(command: list[str], env: dict[str, str], timeout: float) -> None:
    with contextlib.suppress(subprocess.TimeoutExpired):  # what did not convert in time is reported as missing
        subprocess.run(command, env=env, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)


def _pages(data: bytes) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except (PyPdfError, ValueError, OSError):
        return 0


# -- finishing: metadata, watermark, packet ------------------------------------------------


@dataclass(frozen=True)
class Metadata:
    title: str
    subject: str
    keywords: str
    created: date
    author: str = "p2pdocs"


def _pdf_date(day: date) -> str:
    return f"D:{day:%Y%m%d}000000Z"


def finish(parts: Sequence[tuple[str, bytes]], meta: Metadata, draft: bool) -> bytes:
    """One PDF of ``parts`` (title, PDF bytes) in order, with a bookmark per part when there
    are several, the metadata given, a DRAFT watermark on a draft, and a content-derived ID."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject

    writer = PdfWriter()
    for title, data in parts:
        writer.append(PdfReader(io.BytesIO(data)), outline_item=title if len(parts) > 1 else None)
    if draft:
        from p2pdocs.watermark import watermark

        watermark(writer)
    if NameObject("/Metadata") in writer._root_object:
        del writer._root_object[NameObject("/Metadata")]  # XMP from the converter carries its own dates and ids
    stamp = _pdf_date(meta.created)
    writer.add_metadata(
        {
            "/Title": meta.title,
            "/Subject": meta.subject,
            "/Keywords": meta.keywords,
            "/Author": meta.author,
            "/Creator": "p2pdocs",
            "/Producer": "p2pdocs with LibreOffice and pypdf",
            "/CreationDate": stamp,
            "/ModDate": stamp,
        }
    )
    first = io.BytesIO()
    writer.write(first)
    digest = hashlib.sha256(first.getvalue()).digest()[:16]
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])  # pypdf has no public setter
    final = io.BytesIO()
    writer.write(final)
    return final.getvalue()
