"""The commands that review: ``check`` a deal against the playbook, ``verify`` a generated
document, ``redline`` two rounds of a deal, and the ``schema`` editors check deal files with."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from p2pdocs.cli.handler import handled
from p2pdocs.cli.options import DOCUMENT_LINE
from p2pdocs.cli.programme import deal_inputs, sheet_option
from p2pdocs.errors import InvalidInput


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A table for people, JSON for tools.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["high", "medium", "low", "info"]),
    default=None,
    help="Exit 1 when a finding of this severity or higher is found.",
)
@sheet_option
@handled
def check(paths: tuple[Path, ...], fmt: str, fail_on: str | None, sheet: Path | None) -> None:
    """Validate deals and list where they depart from the partnering playbook.

    Exit status: 2 when a deal is invalid, 1 when --fail-on finds a finding at or above
    its severity, else 0.
    """
    from p2pdocs.playbook.findings import SEVERITIES, deal_findings

    inputs = deal_inputs(paths, sheet)  # streamed: each deal is let go once its findings are known
    if inputs.problems:
        raise InvalidInput(inputs.problems)
    results: list[dict[str, Any]] = []
    worst: list[int] = []
    for entry in inputs:
        findings = deal_findings(entry.deal) if entry.deal is not None else []
        worst += [SEVERITIES.index(f.severity) for f in findings]
        results.append(
            {
                "deal": entry.id or entry.label,
                "source": {"file": entry.file, "line": entry.line},
                "valid": entry.deal is not None,
                "problems": [str(p) for p in entry.problems],
                "findings": [f.as_dict() for f in findings],
            }
        )
    if fmt == "json":
        click.echo(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        _findings_table(results)
    if any(not r["valid"] for r in results):
        sys.exit(2)
    if fail_on is not None and worst and min(worst) <= SEVERITIES.index(fail_on):
        sys.exit(1)


def _findings_table(results: list[dict[str, Any]]) -> None:
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        console = Console()
        for result in results:
            table = Table(
                title=f"{result['deal']} ({result['source']['file']}:{result['source']['line']})", expand=True
            )
            for column in ("Rule", "Severity", "Field", "Finding"):
                table.add_column(column)
            for problem in result["problems"]:
                table.add_row("-", "[red]invalid[/]", "", problem)
            for f in result["findings"]:
                table.add_row(f["rule"], f["severity"], f["field"], f["message"])
            console.print(table)
        return
    for result in results:
        head = f"{result['deal']} ({result['source']['file']}:{result['source']['line']})"
        count = len(result["findings"])
        click.echo(f"{head}: {'invalid' if not result['valid'] else f'{count} finding' + ('s' if count != 1 else '')}")
        for problem in result["problems"]:
            click.echo(f"  {problem}")
        for f in result["findings"]:
            click.echo(f"  {f['rule']} {f['severity']:<6} {f['field']}: {f['message']}")


@click.command()
@click.argument("document", type=click.Path(path_type=Path))
@click.option(
    "--deal", "deal", type=click.Path(path_type=Path), help="Also compare with what this deal generates today."
)
@handled
def verify(document: Path, deal: Path | None) -> None:
    """Say whether a generated DOCX was changed after generation, and where.

    Exit status 0 when the text is as generated (and, with --deal, as the deal generates
    it today), 1 when not, 2 when the file cannot be read.
    """
    from p2pdocs.run.verify import verify as check_document

    verdict = check_document(document, deal)
    for note in verdict.notes:
        click.echo(f"{document}: {note}")
    if verdict.generated:
        if verdict.changed:
            click.echo(f"{document}: the text was changed after generation, in: {'; '.join(verdict.changed)}")
        else:
            click.echo(f"{document}: the text is as generated")
    if verdict.deal_differs is not None:
        if verdict.deal_differs:
            click.echo(f"{document}: differs from what {deal} generates today, in: {'; '.join(verdict.deal_differs)}")
        else:
            click.echo(f"{document}: matches what {deal} generates today")
        if verdict.terms_changed:
            click.echo(f"{document}: note: the deal's terms changed since the document was generated")
    sys.exit(0 if verdict.clean else 1)


@click.command()
@click.argument("deals", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), required=True, help="The redline .docx to write.")
@click.option("--sow", "sow_id", help="Redline this statement of work instead of the agreement.")
@click.option(
    "--against", type=click.Choice(["standard"]), help="Compare one deal with the playbook's standard positions."
)
@click.option("--author", type=DOCUMENT_LINE, default="p2pdocs", show_default=True, help="Author of the changes.")
@click.option(
    "--date",
    "day",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Date of the changes [default: the new deal's effective date].",
)
@click.option(
    "--comments",
    is_flag=True,
    help="With a returned document: a comment on each value of theirs you change back, citing the playbook.",
)
@click.option("--force", is_flag=True, help="Overwrite OUT.")
@handled
def redline(
    deals: tuple[Path, ...],
    out: Path,
    sow_id: str | None,
    against: str | None,
    author: str,
    day: Any,
    comments: bool,
    force: bool,
) -> None:
    """Write NEW's agreement (or a SoW) with tracked changes against OLD's: p2pdocs redline OLD NEW -o FILE.

    OLD may be a document the counterparty returned (RETURNED.docx): the changes are then
    against their text with all their changes accepted (Accept All gives NEW's document).
    """
    from p2pdocs.run.rounds import redline_files

    if (against and len(deals) != 1) or (not against and len(deals) != 2):
        raise click.UsageError("give OLD and NEW deal files, or one deal file with --against standard")
    if not against and deals[0].suffix.lower() == ".docx":
        from p2pdocs.run.answer import respond

        when = day.date() if day else None
        written = respond(deals[0], deals[1], out, author=author, day=when, force=force, comments=comments)
        click.echo(f"wrote {out} ({written} tracked changes)")
        return
    if comments:
        raise click.UsageError("--comments answers a returned document: give RETURNED.docx and NEXT.yaml")
    written = redline_files(
        deals, out, sow_id=sow_id, against=against, author=author, day=day.date() if day else None, force=force
    )
    click.echo(f"wrote {out} ({written} tracked changes)")


@click.command()
@handled
def schema() -> None:
    """Print the JSON Schema of the deal file (for editors)."""
    from p2pdocs.deal.terms import json_schema

    click.echo(json.dumps(json_schema(), indent=2, sort_keys=True))


COMMANDS = (check, verify, redline, schema)
