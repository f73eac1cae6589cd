"""Progress and summary of a run on the terminal: a rich progress bar, or one plain line
per deal when the output is not a terminal (logs, CI)."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

import click

from p2pdocs.batch import Outcome, Report


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
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(
                TextColumn("generating"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                TextColumn("{task.description}"),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("", total=self.total)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.stop()

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
