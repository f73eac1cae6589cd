"""Progress and summary of a run on the terminal: a rich progress bar, or one plain line
per deal (its documents and PDFs) when the output is not a terminal (logs, CI)."""

from __future__ import annotations

import sys
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

    def done(self, outcome: Outcome) -> None:
        self.count += 1
        name = outcome.entry.id or outcome.entry.label
        if self._progress is not None:
            self._progress.update(self._task, advance=1, description=name)
            return
        width = len(str(self.total))
        if outcome.status == "generated":
            pdfs = outcome.pdfs
            n = len(outcome.documents) - pdfs
            line = f"[{self.count:>{width}}/{self.total}] generated {name}: {n} document{'s' if n != 1 else ''}"
            click.echo(line + (f", {pdfs} PDF{'s' if pdfs != 1 else ''}" if pdfs else ""))
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
        rate = (docs + report.pdfs) / report.seconds if report.seconds > 0 else 0.0
        pdfs = f", {report.pdfs} PDF{'s' if report.pdfs != 1 else ''}" if report.pdfs else ""
        line = (
            f"generated {report.generated} of {report.total} deals ({docs} documents{pdfs}) "
            f"in {report.seconds:.1f} s, {rate:.1f} documents/s"
        )
        if report.pdf_seconds:
            line += f"; PDFs: {report.pdf_seconds:.1f} s of worker time"
        if report.failed:
            line += f"; {len(report.failed)} failed"
        if report.interrupted:
            line += "; interrupted: documents already complete are kept, nothing is half-written"
        click.echo(line, err=True)
        sys.stderr.flush()
