"""Signing packets for the deals of a run: every generated DOCX to PDF, and per deal
``signing-packet.pdf`` with the agreement then each SoW."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import NamedTuple, Protocol

from p2pdocs.compose.kinds import BY_TEMPLATE, KINDS
from p2pdocs.deal.terms import Deal
from p2pdocs.pdf.packets import Metadata, convert, finish
from p2pdocs.run.outcomes import DocumentRecord, Outcome, Report
from p2pdocs.run.outputs import write_atomic

PACKET = "signing-packet.pdf"


def _titles(deal: Deal) -> dict[str, str]:
    """The title of each document the deal can have, by its file name."""
    a = deal.agreement
    return {
        kind.filename(sow): kind.title(a, sow)
        for kind in KINDS
        for sow in (deal.statements_of_work if kind.per_sow else [None])
    }


def _converted(record: DocumentRecord) -> bool:
    """Whether ``--pdf`` converts the document (signed ones and annexes; not the review
    memo, its Markdown or the register, which are not of a kind with a PDF)."""
    kind = BY_TEMPLATE.get(record.template)
    return kind is not None and kind.pdf


def _signed(record: DocumentRecord) -> bool:
    kind = BY_TEMPLATE.get(record.template)
    return kind is not None and kind.signed


class PdfProgress(Protocol):
    """What a caller is told while the PDF step runs."""

    def converting(self, total: int) -> None:
        """``total`` documents are about to be converted."""

    def converted(self, document: Path) -> None:
        """The PDF of ``document`` (a .docx) was made (called from a converting thread)."""


def add_pdfs(
    report: Report,
    out: Path,
    *,
    workers: int = 1,
    force: bool = False,
    timeout: float | None = None,
    progress: PdfProgress | None = None,
) -> None:
    """Convert the documents of every generated deal of ``report`` and assemble each deal's
    signing packet; a deal whose documents cannot be converted is marked failed."""
    done = [o for o in report.outcomes if o.status == "generated" and o.entry.deal is not None]
    if any(o.entry.deal is not None and o.entry.deal.agreement.status == "draft" for o in done):
        from p2pdocs.pdf.watermark import draft_font

        draft_font()  # the watermark's font is missing: say so before converting anything
    docx = [(o, d) for o in done for d in o.documents if _converted(d)]
    if progress is not None:
        progress.converting(len(docx))
    converted = convert(
        [out / d.path for _, d in docx],
        workers=workers,
        timeout=timeout,
        on_converted=progress.converted if progress is not None else None,
    )
    by_deal: dict[int, list[Part]] = {}
    for (outcome, record), result in zip(docx, converted, strict=True):
        by_deal.setdefault(id(outcome), []).append(Part(record, result.pdf, result.error))
    for outcome in done:
        _deal_pdfs(outcome, by_deal.get(id(outcome), []), out, force)


class Part(NamedTuple):
    """A document of a deal and its PDF (None, with the error, when it did not convert)."""

    record: DocumentRecord
    pdf: bytes | None
    error: str


def _deal_pdfs(outcome: Outcome, parts: list[Part], out: Path, force: bool) -> None:
    deal = outcome.entry.deal
    assert deal is not None
    a = deal.agreement
    failed = [f"PDF: {Path(r.path).name}: {error}" for r, pdf, error in parts if pdf is None]
    if failed:
        outcome.status = "failed"
        outcome.errors += failed
        return
    names = "; ".join(p.legal_name for p in a.parties.values())
    draft = a.status == "draft"
    outputs: list[tuple[str, bytes]] = []
    finished: list[tuple[str, bytes]] = []
    titles = _titles(deal)
    for record, pdf, _ in parts:
        assert pdf is not None
        title = titles[Path(record.path).name]
        meta = Metadata(title, f"{title} under agreement {a.id}", names, a.effective_date)
        single = finish([(title, pdf)], meta, draft)
        outputs.append((str(Path(record.path).with_suffix(".pdf")), single))
        if _signed(record):
            finished.append((title, pdf))
    packet_meta = Metadata(
        f"Signing packet: {a.title} {a.id}",
        f"Agreement {a.id}: the agreement and its statements of work",
        names,
        a.effective_date,
    )
    outputs.append((f"{a.id}/{PACKET}", finish(finished, packet_meta, draft)))
    taken = [rel for rel, _ in outputs if (out / rel).exists()]
    if taken and not force:
        outcome.status = "failed"
        outcome.errors.append("refusing to overwrite (use --force): " + ", ".join(str(out / t) for t in taken))
        return
    records = []
    for rel, data in outputs:
        write_atomic(out / rel, data)
        records.append(DocumentRecord(rel, hashlib.sha256(data).hexdigest(), len(data), "pdf", []))
    outcome.documents += records  # all of them or none: a deal without them was interrupted


def pdf_step(
    report: Report,
    out: Path,
    *,
    workers: int = 1,
    force: bool = False,
    timeout: float | None = None,
    progress: PdfProgress | None = None,
) -> str | None:
    """Add PDFs to a finished run, count its time in the run's, and rewrite the manifest;
    the message to show when LibreOffice is missing (the DOCX files are written already),
    else None. Ctrl-C or SIGTERM stops LibreOffice and marks the deals without their PDFs
    interrupted."""
    from p2pdocs.errors import ConverterMissing
    from p2pdocs.pdf.libreoffice import sigterm_interrupts
    from p2pdocs.run.manifest import write_manifest

    start = time.perf_counter()
    try:
        with sigterm_interrupts():
            add_pdfs(report, out, workers=workers, force=force, timeout=timeout, progress=progress)
    except ConverterMissing as exc:
        return f"{exc}; the DOCX documents were written"
    except KeyboardInterrupt:
        report.interrupted = True
        for outcome in report.outcomes:
            if outcome.status == "generated" and not any(d.template == "pdf" for d in outcome.documents):
                outcome.status = "interrupted"
                outcome.errors.append("PDFs not written: the run was interrupted")
    finally:
        report.seconds += time.perf_counter() - start
    report.recount()
    write_manifest(out, report)
    return None
