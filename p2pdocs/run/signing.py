"""PDFs and signing packets of a deal, made in the worker that wrote its DOCX as soon as
they are written: each document of a kind with a PDF converted (through the worker's
:mod:`p2pdocs.pdf.converter`), finished (metadata, a DRAFT watermark) and written, and
``signing-packet.pdf`` with the agreement then each SoW."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import NamedTuple

from p2pdocs.compose.kinds import BY_TEMPLATE, KINDS
from p2pdocs.deal.terms import Deal
from p2pdocs.pdf.converter import PdfOptions
from p2pdocs.pdf.packets import Metadata, finish
from p2pdocs.run.outcomes import DocumentRecord
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


def pdf_preflight(options: PdfOptions, drafts: bool = True) -> None:
    """Before any deal: what converting needs is there (LibreOffice, or the servers that
    answer; the watermark's font when a deal may be a draft), else the error saying what
    is missing (:class:`ConverterMissing`, :class:`ConverterUnreachable`)."""
    if options.servers:
        from p2pdocs.pdf.servers import check_servers

        check_servers(options.servers)
    else:
        from p2pdocs.pdf.libreoffice import soffice

        soffice()
    if drafts:
        from p2pdocs.pdf.watermark import draft_font

        draft_font()


def deal_pdfs(
    deal: Deal, out: Path, documents: list[DocumentRecord], force: bool, options: PdfOptions
) -> tuple[list[DocumentRecord], list[str]]:
    """In the worker that wrote ``documents``: convert those of ``deal`` that have a PDF with
    this process's converter, finish them (metadata, watermark) and write them with the
    signing packet. The PDFs' records, or the errors that fail the deal (nothing written)."""
    from p2pdocs.pdf.converter import worker_converter

    docx = [d for d in documents if _converted(d)]
    converted = worker_converter(options).convert([out / d.path for d in docx])
    parts = [Part(record, result.pdf, result.error) for record, result in zip(docx, converted, strict=True)]
    return _deal_pdfs(deal, parts, out, force)


class Part(NamedTuple):
    """A document of a deal and its PDF (None, with the error, when it did not convert)."""

    record: DocumentRecord
    pdf: bytes | None
    error: str


def _deal_pdfs(deal: Deal, parts: list[Part], out: Path, force: bool) -> tuple[list[DocumentRecord], list[str]]:
    a = deal.agreement
    failed = [f"PDF: {Path(r.path).name}: {error}" for r, pdf, error in parts if pdf is None]
    if failed:
        return [], failed
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
        return [], ["refusing to overwrite (use --force): " + ", ".join(str(out / t) for t in taken)]
    records = []
    for rel, data in outputs:
        write_atomic(out / rel, data, sync=False)
        records.append(DocumentRecord(rel, hashlib.sha256(data).hexdigest(), len(data), "pdf", []))
    return records, []  # all of them or none
