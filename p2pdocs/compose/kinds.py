"""The catalogue of document kinds: every kind of Word document a deal produces, with its
file name, template, title, and what the later stages do with it.

One entry per kind, read by everyone who needs to know about kinds: the clause library
(which kinds have clauses in ``clauses/outline.yaml``), composition, the builders in
``p2pdocs.documents``, the review memo, and ``p2pdocs.run`` (the templates a worker
prepares, the files a deal folder may hold, which documents are signed, in the signing
packet or an annex with a PDF of its own, which can be redlined). It lives in ``compose``
because that is the lowest stage that needs it: the clause library reads the outline of
each kind. Adding a kind touches this catalogue, its template, its clauses (and their
outline) and its builder, nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from p2pdocs.deal.terms import Agreement, StatementOfWork

#: the placeholder for the statement of work's id in the file name of a per-SoW kind
SOW_ID = "{id}"


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: what it is called, where it comes from, where it goes."""

    #: its key in ``clauses/outline.yaml`` and in the code
    name: str
    #: the Word template it is rendered with (a legal team's own replaces it by this name)
    template: str
    #: its file name in the deal's folder; ``{id}`` is the SoW's id for a per-SoW kind
    file: str
    #: the title of the document (its Word and PDF title), from the agreement and the SoW
    title: Callable[[Agreement, StatementOfWork | None], str]
    #: composed from the clauses the outline lists for it (``required``: the outline must list them)
    clauses: bool = True
    required: bool = False
    #: signed by the parties: converted to PDF and put in the signing packet, in catalogue order
    signed: bool = False
    #: an annex of the agreement: a PDF of its own, not in the signing packet
    annex: bool = False
    #: ``p2pdocs redline`` can show its changes between two rounds of a deal
    redlinable: bool = False

    @property
    def per_sow(self) -> bool:
        """One document per statement of work."""
        return SOW_ID in self.file

    def filename(self, sow: StatementOfWork | str | None = None) -> str:
        """The file name of the document (of statement of work ``sow``, for a per-SoW kind)."""
        if not self.per_sow:
            return self.file
        assert sow is not None, f"a {self.name} is the document of a statement of work"
        return self.file.replace(SOW_ID, sow if isinstance(sow, str) else sow.id)

    @property
    def pdf(self) -> bool:
        """Whether ``--pdf`` converts it."""
        return self.signed or self.annex


def _sow(sow: StatementOfWork | None) -> StatementOfWork:
    assert sow is not None, "the title of a statement of work needs the statement of work"
    return sow


AGREEMENT = DocumentKind(
    name="agreement",
    template="partnering-agreement.docx",
    file="partnering-agreement.docx",
    title=lambda a, sow: f"{a.title} {a.id}",
    required=True,
    signed=True,
    redlinable=True,
)
STATEMENT_OF_WORK = DocumentKind(
    name="statement_of_work",
    template="statement-of-work.docx",
    file=f"sow-{SOW_ID}.docx",
    title=lambda a, sow: f"Statement of Work {_sow(sow).id}: {_sow(sow).title}",
    signed=True,
    redlinable=True,
)
PARTNERSHIP_PLAN = DocumentKind(
    name="partnership_plan",
    template="partnership-plan.docx",
    file="partnership-plan.docx",
    title=lambda a, sow: f"Partnership Plan {a.id}",
    annex=True,
)
REVIEW_MEMO = DocumentKind(
    name="review_memo",
    template="review-memo.docx",
    file="review-memo.docx",
    title=lambda a, sow: f"Review memo {a.id}",
    clauses=False,
)

#: every kind, in the order a deal's documents are written (and signed)
KINDS: tuple[DocumentKind, ...] = (AGREEMENT, STATEMENT_OF_WORK, PARTNERSHIP_PLAN, REVIEW_MEMO)
#: the kinds whose clauses the outline lists, by name
OUTLINED: dict[str, DocumentKind] = {kind.name: kind for kind in KINDS if kind.clauses}
#: the kinds by their template's file name (what the manifest records of a document)
BY_TEMPLATE: dict[str, DocumentKind] = {kind.template: kind for kind in KINDS}


def file_stems() -> str:
    """A regular expression for the file names of every kind, without their suffix (a
    per-SoW kind's id matches anything)."""
    stems = (re.escape(kind.file.removesuffix(".docx")).replace(re.escape(SOW_ID), ".+") for kind in KINDS)
    return "|".join(stems)
