"""The command line: a thin edge over the library. Every command goes through one error
handler that prints what went wrong and exits with its status; a user mistake never
shows a traceback."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from p2pdocs import __version__
from p2pdocs.cli.options import DOCUMENT_LINE
from p2pdocs.errors import InvalidInput, P2pdocsError

F = TypeVar("F", bound=Callable[..., Any])


def handled(func: F) -> F:
    """Turn p2pdocs errors into a message on stderr and their exit status."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InvalidInput as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            n = len(exc.problems)
            click.echo(f"{n} problem{'s' if n != 1 else ''} found; nothing was written.", err=True)
            sys.exit(exc.exit_code)
        except P2pdocsError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted; files already complete are kept, nothing is half-written.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


#: Where documents go: shared by the commands that write them.
out_option = click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Output directory; each deal's documents go to OUT/<agreement id>/.",
)


#: How long LibreOffice may take: shared by the commands that write PDFs.
pdf_timeout_option = click.option(
    "--pdf-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="SECONDS",
    help="Stop a LibreOffice process that runs longer [default: 120 s plus 10 s per document it converts].",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="p2pdocs")
@click.option(
    "--clauses",
    "clauses_dir",
    type=click.Path(path_type=Path),
    help="Your clause library: replaces bundled clauses by id, adds new ones (or p2pdocs.toml).",
)
@click.option(
    "--templates",
    "templates_dir",
    type=click.Path(path_type=Path),
    help="Your Word templates: replace bundled ones by file name (or p2pdocs.toml).",
)
@handled
def main(clauses_dir: Path | None, templates_dir: Path | None) -> None:
    """Partnering agreements and statements of work from a deal file."""
    from p2pdocs.resources import configure, resolve

    configure(resolve(clauses_dir, templates_dir))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@out_option
@click.option("--force", is_flag=True, help="Overwrite documents that exist already.")
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes [default: the number of CPUs]."
)
@click.option("--pdf", is_flag=True, help="Also write PDFs and a signing packet per deal (needs LibreOffice).")
@pdf_timeout_option
@click.option("--comments", is_flag=True, help="Add the playbook's findings as Word comments in the agreement.")
@click.option(
    "--memo/--no-memo",
    default=True,
    show_default=True,
    help="Write each deal's review memo (review-memo.docx and .md) beside its documents.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar [default: on when stderr is a terminal]; off prints one line per deal.",
)
@handled
def generate(
    paths: tuple[Path, ...],
    out: Path,
    force: bool,
    jobs: int | None,
    pdf: bool,
    pdf_timeout: float | None,
    comments: bool,
    memo: bool,
    progress: bool | None,
) -> None:
    """Generate the documents of every deal in PATHS.

    A path is a deal file, a batch file (defaults: and deals:) or a directory (every
    *.yaml / *.yml below it). Invalid deals are reported; valid ones are still generated.
    Exit status: 0 all generated, 1 some failed, 2 none generated, 3 a clause or template is broken.
    """
    from p2pdocs.cli.progress import Reporter
    from p2pdocs.deal.inputs import Inputs
    from p2pdocs.run.batch import default_jobs, run
    from p2pdocs.run.outputs import run_lock
    from p2pdocs.run.signing import pdf_step

    inputs = Inputs(list(paths))
    if inputs.problems:
        raise InvalidInput(inputs.problems)
    if not inputs.total:
        raise NoDeals(f"no deal files (*.yaml, *.yml) in {', '.join(map(str, paths))}")
    entries = iter(inputs)
    if inputs.total == 1:
        only = next(entries)
        if only.problems:
            raise InvalidInput(only.problems)
        entries = iter([only])
    show_bar = sys.stderr.isatty() if progress is None else progress
    workers = jobs or default_jobs()
    problem: str | None = None
    # one run at a time in OUT, its PDFs included
    with run_lock(out), Reporter(inputs.total, bar=show_bar) as reporter:
        report = run(
            entries,
            out,
            force=force,
            jobs=min(workers, inputs.total),  # no worker processes to start for one deal
            on_done=reporter.done,
            comments=comments,
            memo=memo,
            keep=pdf,
            total=inputs.total,
        )
        if pdf:
            problem = pdf_step(report, out, workers=workers, force=force, timeout=pdf_timeout, progress=reporter)
    if problem:
        click.echo(f"error: {problem}", err=True)
    reporter.summary(report)
    if report.manifest_error:
        click.echo(f"error: {report.manifest_error}", err=True)
    sys.exit(1 if problem else report.exit_code)


class NoDeals(P2pdocsError):
    exit_code = 2


@main.command()
@out_option
@click.option("--deal-file", type=click.Path(path_type=Path), help="Where to save the deal [default: <id>.yaml].")
@click.option("--from", "source", type=click.Path(exists=True, path_type=Path), help="Edit an existing deal file.")
@click.option("--resume", type=click.Path(exists=True, path_type=Path), help="Continue a saved draft.")
@click.option("--from-template", "template", metavar="NAME", help="Start from a bundled starting deal.")
@click.option("--list-templates", is_flag=True, help="List the bundled starting deals and exit.")
@click.option("--no-generate", is_flag=True, help="Save the deal file only.")
@click.option("--pdf", is_flag=True, help="Also write PDFs and a signing packet (needs LibreOffice).")
@pdf_timeout_option
@click.option("--force", is_flag=True, help="Overwrite the deal file and documents.")
@handled
def new(
    out: Path,
    deal_file: Path | None,
    source: Path | None,
    resume: Path | None,
    template: str | None,
    list_templates: bool,
    no_generate: bool,
    pdf: bool,
    pdf_timeout: float | None,
    force: bool,
) -> None:
    """Interview: answer questions and get a deal file and its documents."""
    from p2pdocs.cli.wizard import check_template, run_wizard

    if list_templates or template:
        check_template(template, list_templates)
        if list_templates:
            return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise NoTerminal(
            "p2pdocs new is an interactive interview and needs a terminal.\n"
            "To generate documents from a deal file without one, run: p2pdocs generate DEAL.yaml"
        )
    sys.exit(
        run_wizard(
            out=out,
            deal_file=deal_file,
            source=source or resume,
            resume=resume is not None,
            generate=not no_generate,
            force=force,
            pdf=pdf,
            pdf_timeout=pdf_timeout,
            template=template,
        )
    )


class NoTerminal(P2pdocsError):
    exit_code = 2


@main.command()
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
@handled
def check(paths: tuple[Path, ...], fmt: str, fail_on: str | None) -> None:
    """Validate deals and list where they depart from the partnering playbook.

    Exit status: 2 when a deal is invalid, 1 when --fail-on finds a finding at or above
    its severity, else 0.
    """
    from p2pdocs.deal.inputs import Inputs
    from p2pdocs.playbook.findings import SEVERITIES, deal_findings

    inputs = Inputs(list(paths))  # streamed: each deal is let go once its findings are known
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


@main.command()
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


@main.command()
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
@click.option("--force", is_flag=True, help="Overwrite OUT.")
@handled
def redline(
    deals: tuple[Path, ...], out: Path, sow_id: str | None, against: str | None, author: str, day: Any, force: bool
) -> None:
    """Write NEW's agreement (or a SoW) with tracked changes against OLD's: p2pdocs redline OLD NEW -o FILE."""
    from p2pdocs.run.rounds import redline_files

    if (against and len(deals) != 1) or (not against and len(deals) != 2):
        raise click.UsageError("give OLD and NEW deal files, or one deal file with --against standard")
    written = redline_files(
        deals, out, sow_id=sow_id, against=against, author=author, day=day.date() if day else None, force=force
    )
    click.echo(f"wrote {out} ({written} tracked changes)")


@main.command()
@handled
def schema() -> None:
    """Print the JSON Schema of the deal file (for editors)."""
    from p2pdocs.deal.terms import json_schema

    click.echo(json.dumps(json_schema(), indent=2, sort_keys=True))


@main.group(invoke_without_command=True)
@click.pass_context
@handled
def clauses(ctx: click.Context) -> None:
    """List the clause library (id, version, title)."""
    if ctx.invoked_subcommand is not None:
        return
    from p2pdocs.run.generate import library

    lib = library()
    for kind, ids in lib.outline.items():
        click.echo(f"{kind}:")
        for cid in ids:
            spec = lib.clauses[cid].spec
            click.echo(f"  {cid:<28} {spec.version:<8} {spec.title}")


@clauses.command("lint")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@handled
def clauses_lint(directory: Path | None) -> None:
    """Check a clause library (default: the one in use) and the templates in use."""
    from p2pdocs.run.lint import lint

    problems = lint(directory)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found.", err=True)
        sys.exit(2)
    click.echo("no problems found")


@clauses.command("show")
@click.argument("clause_id")
@handled
def clauses_show(clause_id: str) -> None:
    """Print one clause with its condition, variants and note."""
    from p2pdocs.compose.clauseview import describe
    from p2pdocs.run.generate import library

    click.echo(describe(library(), clause_id))


if __name__ == "__main__":  # pragma: no cover
    main()
