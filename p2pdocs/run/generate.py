"""Generate a deal's documents into an output directory: the library's main job."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from p2pdocs.compose.kinds import file_stems
from p2pdocs.compose.library import Library, load_library
from p2pdocs.compose.limits import RENDER_SECONDS, time_limit
from p2pdocs.compose.view import DealView, deal_view
from p2pdocs.deal.terms import Deal
from p2pdocs.documents.builders import Document, documents
from p2pdocs.errors import OutputError, P2pdocsError, TemplateError
from p2pdocs.playbook.findings import Finding, deal_findings
from p2pdocs.resources import clause_dirs, template_path
from p2pdocs.run.outputs import check_free, write_atomic
from p2pdocs.word.render import render_docx


@dataclass(frozen=True)
class Written:
    """A file written to disk: a document (with the clauses it holds) or the register."""

    path: Path
    sha256: str
    size: int
    template: str
    clauses: list[str]


REGISTER = "deal-register.xlsx"


def library() -> Library:
    """The clause library in use (bundled, with the user's on top), loaded once per process."""
    return _library(clause_dirs())


@lru_cache(maxsize=4)
def _library(roots: tuple[Path, ...]) -> Library:
    return load_library(roots)


class File(NamedTuple):
    """A file of a deal, rendered in memory and not yet written."""

    name: str
    data: bytes
    #: the template it was made with (or what made it: the memo's Markdown, the register)
    template: str
    #: the clauses it holds, each ``id@version``
    clauses: list[str]
    #: the sha256 of ``data`` (the memo lists it, the manifest records it)
    sha256: str

    @classmethod
    def of(cls, name: str, data: bytes, template: str, clauses: list[str]) -> File:
        return cls(name, data, template, clauses, hashlib.sha256(data).hexdigest())


def _memo(view: DealView, plans: list[Document], files: list[File], findings: list[Finding]) -> list[File]:
    """The review memo (Word and Markdown) of the documents about to be written."""
    from p2pdocs.documents.memo import MEMO_DOCX, MEMO_MD, build, markdown, memo_document

    memo = build(view, plans, [(f.name, f.sha256) for f in files], findings)
    doc = memo_document(memo)
    word = render_document(doc)
    return [File.of(MEMO_DOCX, word, doc.template, []), File.of(MEMO_MD, markdown(memo).encode("utf-8"), MEMO_MD, [])]


def deal_dir(out: Path, deal: Deal) -> Path:
    return out / deal.agreement.id


def render_document(doc: Document) -> bytes:
    """``doc`` rendered with its template in use (the user's, else the bundled one); its
    context is plain data, as every builder's is."""
    return render_docx(template_path(doc.template), doc.context, doc.properties, plain_data=True)


def compose_and_render(
    deal: Deal,
    lib: Library,
    *,
    comments: bool = False,
    memo: bool = True,
    findings: list[Finding] | None = None,
    register: bool = True,
) -> list[File]:
    """Every file of ``deal`` in memory; ``register=False`` leaves out the deal register
    (which no template or clause makes)."""
    view = deal_view(deal)
    plans = documents(deal, lib, view)
    files = [
        File.of(
            doc.filename,
            render_document(doc),
            doc.template,
            [f"{s.clause_id}@{s.version}" for s in doc.composition.sections],
        )
        for doc in plans
    ]
    if comments:
        from p2pdocs.documents.comments import add_comments

        agreement = plans[0]
        commented = add_comments(files[0].data, findings or [], agreement.composition, deal.agreement.effective_date)
        files[0] = File.of(files[0].name, commented, files[0].template, files[0].clauses)
    if deal.agreement.plan and register:
        from p2pdocs.documents.register import register_xlsx

        files.append(File.of(REGISTER, register_xlsx(view), "deal-register", []))
    if memo:
        files += _memo(view, plans, files, findings or [])
    return files


def preflight() -> Library:
    """The library in use, loaded, and the sample deal rendered with it and the templates in
    use: a broken clause or template is reported once, before any deal is generated."""
    from p2pdocs.compose.samples import sample_deal

    lib = library()
    try:
        with time_limit(RENDER_SECONDS, "the sample deal"):
            compose_and_render(sample_deal(), lib, register=False)
    except P2pdocsError as exc:
        raise TemplateError(
            f"{exc}\n(found rendering p2pdocs' sample deal with your clause library and templates, "
            "before any deal: nothing was generated; p2pdocs clauses lint lists every problem)"
        ) from None
    return lib


def generate(
    deal: Deal,
    out: Path,
    *,
    force: bool = False,
    comments: bool = False,
    memo: bool = True,
    sync: bool = True,
    findings: list[Finding] | None = None,
) -> list[Written]:
    """Render every document of ``deal`` and write them under ``out/<agreement id>/``.

    All documents are rendered before the first is written, so a failure leaves nothing
    new behind; existing files are kept unless ``force`` is given; ``memo`` adds the review
    memo beside the documents. ``sync=False`` leaves
    flushing to disk to the caller (a batch syncs once, at its end); ``findings`` are the
    deal's playbook findings when the caller has them already.
    """
    if findings is None:
        findings = deal_findings(deal)
    target = deal_dir(out, deal)
    with time_limit(RENDER_SECONDS, f"deal {deal.agreement.id}"):
        files = compose_and_render(deal, library(), comments=comments, memo=memo, findings=findings)
    write_files(target, deal.agreement.id, [(f.name, f.data) for f in files], force=force, sync=sync)
    return [Written(target / f.name, f.sha256, len(f.data), f.template, f.clauses) for f in files]


def write_files(target: Path, deal_id: str, files: list[tuple[str, bytes]], *, force: bool, sync: bool) -> None:
    """Write a deal's ``files`` (name, bytes) into its folder ``target``: every target
    checked before the first is written (``force`` to overwrite), the deal's earlier
    outputs that this run does not make removed, each file written atomically. The one
    writer of a deal's folder, locally and for a cluster's client."""
    if target.is_symlink():
        raise OutputError(f"{target}: is a symbolic link; refusing to write through it")
    earlier = earlier_outputs(target, deal_id, {name for name, _ in files})
    check_free([*(target / name for name, _ in files), *earlier], force)
    for path in earlier:  # the folder holds only what this run makes of the deal
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise OutputError(f"{path}: cannot remove this earlier output: {exc.strerror or exc}") from None
    for name, data in files:
        write_atomic(target / name, data, sync=sync)


#: the names of the files p2pdocs writes in a deal's folder (documents, memo, register, PDFs)
OWN_NAMES = re.compile(rf"({file_stems()}|signing-packet)\.(docx|pdf|md)|deal-register\.xlsx")


def earlier_outputs(folder: Path, deal_id: str, keep: set[str]) -> list[Path]:
    """The files in ``folder`` that an earlier run of p2pdocs wrote for deal ``deal_id`` and
    that are not in ``keep``: named as p2pdocs names its outputs *and* marked inside as made
    by p2pdocs for this deal, so that a file of the user's is never taken for one."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.name not in keep
        and OWN_NAMES.fullmatch(path.name)
        and path.is_file()
        and not path.is_symlink()
        and _made_for(path, deal_id)
    )


def _made_for(path: Path, deal_id: str) -> bool:
    """Whether ``path`` says it was generated by p2pdocs for ``deal_id``."""
    from p2pdocs.documents.memo import escape_md
    from p2pdocs.word.package import load, open_package, read_xml

    try:
        if path.suffix == ".md":
            with path.open(encoding="utf-8", errors="replace") as handle:
                first = handle.readline(4096).rstrip("\n")
            return first.startswith("# Review memo: ") and first.endswith(f" {escape_md(deal_id)}")
        if path.suffix == ".pdf":
            from pypdf import PdfReader

            meta = PdfReader(path).metadata
            subject = str(meta.get("/Subject", "")) if meta else ""
            named = re.search(rf"\b[Aa]greement {re.escape(deal_id)}(?![\w.-])", subject)
            return meta is not None and meta.get("/Creator") == "p2pdocs" and named is not None
        with open_package(load(path)) as package:
            core = [el.text or "" for el in read_xml(package, "docProps/core.xml")]
        return f"Generated by p2pdocs from deal {deal_id}" in core or (
            "Generated by p2pdocs" in core and f"Deal register {deal_id}" in core
        )
    except Exception:  # the zip, XML and PDF readers raise many kinds: a file that cannot be read is not ours
        return False
