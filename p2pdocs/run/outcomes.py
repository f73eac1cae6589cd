"""What a run did, deal by deal: the documents and PDFs written, the errors and the
playbook findings of each deal, and the counts of the whole run (read by the manifest and
the command line's summary)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from p2pdocs.deal.inputs import Entry
from p2pdocs.errors import TemplateError

WORKER_DIED = "a worker process died while generating this deal; run again with --force to complete"
Status = Literal["generated", "failed", "interrupted"]


@dataclass(frozen=True)
class DocumentRecord:
    """A file written for a deal, as the manifest lists it (path relative to the run's folder)."""

    path: str
    sha256: str
    size: int
    template: str
    clauses: list[str]


class Work(NamedTuple):
    """What generating one deal gave (in a worker process or in the main one)."""

    documents: list[DocumentRecord]
    errors: list[str]
    findings: list[dict[str, str]]
    #: failed by a defect of the clause library or a template, not of the deal
    library: bool
    #: seconds the worker spent converting and finishing the deal's PDFs
    pdf_seconds: float = 0.0


class HighFinding(NamedTuple):
    """A high-severity playbook finding of a deal, for the run's summary."""

    deal: str
    rule: str
    message: str


@dataclass
class Outcome:
    """What became of one deal of the run."""

    entry: Entry
    status: Status
    documents: list[DocumentRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    findings: list[dict[str, str]] = field(default_factory=list)
    #: failed by a defect of the clause library or a template, not of the deal
    library: bool = False
    pdf_seconds: float = 0.0

    @classmethod
    def of(cls, entry: Entry, work: Work) -> Outcome:
        """The outcome of ``entry`` that ``work`` reports: generated unless it has errors."""
        status: Status = "failed" if work.errors else "generated"
        return cls(entry, status, work.documents, work.errors, work.findings, work.library, work.pdf_seconds)

    @property
    def pdfs(self) -> int:
        """How many of its documents are PDFs."""
        return sum(1 for d in self.documents if d.template == "pdf")

    @classmethod
    def invalid(cls, entry: Entry) -> Outcome:
        """The outcome of an entry that is not a valid deal: failed, with its problems."""
        return cls(entry, "failed", errors=[str(p) for p in entry.problems])


@dataclass
class Report:
    """What a run did: counts and failures (every outcome only when the run keeps them;
    a large run streams its outcomes to the manifest instead of holding them)."""

    total: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    generated: int = 0
    #: files written: Word documents (and the memo's Markdown, the register), and PDFs
    documents: int = 0
    pdfs: int = 0
    #: seconds the workers spent on PDFs, added up (within ``seconds`` of the run)
    pdf_seconds: float = 0.0
    failed: list[Outcome] = field(default_factory=list)
    severities: dict[str, int] = field(default_factory=dict)
    high: list[HighFinding] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    keep: bool = False
    #: why manifest.json could not be written (every deal's outcome still stands)
    manifest_error: str | None = None
    library_failed: bool = False

    def add(self, outcome: Outcome) -> None:
        if outcome.status == "generated":
            self.generated += 1
        else:
            self.failed.append(outcome)
            self.library_failed = self.library_failed or outcome.library
        pdfs = outcome.pdfs
        self.documents += len(outcome.documents) - pdfs
        self.pdfs += pdfs
        self.pdf_seconds += outcome.pdf_seconds
        for finding in outcome.findings:
            severity = finding["severity"]
            self.severities[severity] = self.severities.get(severity, 0) + 1
            if severity == "high":
                deal = outcome.entry.id or outcome.entry.label
                self.high.append(HighFinding(deal, finding["rule"], finding["message"]))
        if self.keep:
            self.outcomes.append(outcome)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        if self.manifest_error and not self.failed:
            return 1 if self.generated else 2
        if not self.failed:
            return 0
        if self.library_failed:
            return TemplateError.exit_code
        return 1 if self.generated else 2
