"""Progress and summary of a run on the terminal: a rich progress bar, or one plain line
per deal (and per PDF) when the output is not a terminal (logs, CI)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType
from typing import Any

import click

from p2pdocs.run.outcomes import Outcome, Report


class Reporter:
    """Shows each deal as it completes, then the failures and a summary."""

    def __init__(self, total: int, *, bar: bool) -> None:
        self.total = total
        self.count = 0
        self.bar = bar
        self.pdfs = 0
        self.pdf_total = 0
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> Reporter:
        if self.bar:
            self._start("generating", self.total)
        return self

    def _start(self, step: str, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._stop()
        self._progress = Progress(
            TextColumn(step),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.description}"),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("", total=total)

    def _stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop()

    def converting(self, total: int) -> None:
        """The PDF step starts: a bar of its own, or a line saying what it does."""
        self.pdf_total, self.pdfs = total, 0
        if self.bar:
            self._start("PDF", total)
        else:
            click.echo(f"converting {total} document{'s' if total != 1 else ''} to PDF with LibreOffice")

    def converted(self, document: Path) -> None:
        self.pdfs += 1
        name = f"{document.parent.name}/{document.stem}.pdf"
        if self._progress is not None:
            self._progress.update(self._task, advance=1, description=name)
        else:
            width = len(str(self.pdf_total))
            click.echo(f"[{self.pdfs:>{width}}/{self.pdf_total}] PDF {name}")

    def done(self, outcome: Outcome) -> None:
        self.count += 1
        name = outcome.entry.id or outcome.entry.label
        if self._progress is not None:
            self._progress.update(self._task, advance=1, description=name)
            return
        width = len(str(self.total))
        if outcome.status == "generated":
            n = len(outcome.documents)
            click.echo(f"[{self.count:>{width}}/{self.total}] generated {name}: {n} document{'s' if n != 1 else ''}")
        else:
            click.echo(f"[{self.count:>{width}}/{self.total}] {outcome.status} {name}")

    def summary(self, report: Report) -> None:
        for outcome in report.failed:
            entry = outcome.entry
            click.echo(f"{entry.id or entry.label} ({entry.file}:{entry.line}): {outcome.status}", err=True)
            for error in outcome.errors:
                click.echo(f"  {error}".replace("\\n", "\\n  "), err=True)
        for deal, rule, message in report.high:
            click.echo(f"{deal}: {rule} high: {message}", err=True)
        counts = report.severities
        if counts:
            listed = ", ".join(f"{counts[s]} {s}" for s in ("high", "medium", "low", "info") if s in counts)
            click.echo(f"playbook findings: {listed} (details: p2pdocs check, or manifest.json)", err=True)
        docs = report.documents
        rate = docs / report.seconds if report.seconds > 0 else 0.0
        line = (
            f"generated {report.generated} of {report.total} deals ({docs} documents) "
            f"in {report.seconds:.1f} s, {rate:.1f} documents/s"
        )
        if report.failed:
            line += f"; {len(report.failed)} failed"
        if report.interrupted:
            line += "; interrupted: documents already complete are kept, nothing is half-written"
        click.echo(line, err=True)
        sys.stderr.flush()
