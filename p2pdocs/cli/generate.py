"""The commands that write a deal's documents: ``generate`` (deal files, batch files,
folders; with PDFs and signing packets) and ``new`` (the interview, then the same)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from p2pdocs.cli.handler import handled
from p2pdocs.cli.options import out_option, pdf_server_jobs_option, pdf_servers_option, pdf_timeout_option
from p2pdocs.cli.programme import deal_inputs, sheet_option
from p2pdocs.errors import InvalidInput, NoDeals, NoTerminal

if TYPE_CHECKING:
    from p2pdocs.pdf.converter import PdfOptions


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@out_option
@click.option("--force", is_flag=True, help="Overwrite documents that exist already.")
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes [default: the number of CPUs]."
)
@click.option("--pdf", is_flag=True, help="Also write PDFs and a signing packet per deal (needs LibreOffice).")
@pdf_timeout_option
@pdf_servers_option
@pdf_server_jobs_option
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
@sheet_option
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    default=None,
    help="Run the deals on this dask.distributed cluster's workers (pip install 'p2pdocs[distributed]').",
)
@handled
def generate(
    paths: tuple[Path, ...],
    out: Path,
    force: bool,
    jobs: int | None,
    pdf: bool,
    pdf_timeout: float | None,
    pdf_servers: tuple[str, ...] | None,
    pdf_server_jobs: int,
    comments: bool,
    memo: bool,
    progress: bool | None,
    sheet: Path | None,
    scheduler: str | None,
) -> None:
    """Generate the documents of every deal in PATHS.

    A path is a deal file, a batch file (defaults: and deals:) or a directory (every
    *.yaml / *.yml below it). Invalid deals are reported; valid ones are still generated.
    Exit status: 0 all generated, 1 some failed, 2 none generated, 3 a clause or template is broken.
    """
    from p2pdocs.cli.progress import Reporter
    from p2pdocs.run.batch import default_jobs, run
    from p2pdocs.run.outputs import run_lock

    if scheduler is not None and jobs is not None:
        raise click.UsageError("--jobs sets local worker processes; with --scheduler the cluster's workers run deals")
    inputs = deal_inputs(paths, sheet)
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
    if pdf_servers and not pdf:
        raise click.UsageError("--pdf-servers sends the PDF conversions: give --pdf too")
    show_bar = sys.stderr.isatty() if progress is None else progress
    options, problem = pdf_options(pdf, pdf_timeout, pdf_servers or (), pdf_server_jobs)
    # one run at a time in OUT, its PDFs included
    with run_lock(out), Reporter(inputs.total, bar=show_bar) as reporter:
        report = run(
            entries,
            out,
            force=force,
            jobs=jobs or default_jobs(),  # no more workers than deals
            on_done=reporter.done,
            comments=comments,
            memo=memo,
            total=inputs.total,
            pdf=options,
            scheduler=scheduler,
        )
    if problem:
        click.echo(f"error: {problem}", err=True)
    reporter.summary(report)
    if report.manifest_error:
        click.echo(f"error: {report.manifest_error}", err=True)
    sys.exit(1 if problem else report.exit_code)


def pdf_options(
    pdf: bool, timeout: float | None, servers: tuple[str, ...] = (), per_server: int = 1
) -> tuple[PdfOptions | None, str | None]:
    """How the run converts (None without ``--pdf``), checked before any deal: a server
    that does not answer stops the run (:class:`ConverterUnreachable`); LibreOffice missing
    lets the DOCX be written, with the message to show after."""
    from p2pdocs.errors import ConverterMissing, ConverterUnreachable
    from p2pdocs.pdf.converter import PdfOptions
    from p2pdocs.run.signing import pdf_preflight

    if not pdf:
        return None, None
    options = PdfOptions(timeout=timeout, servers=servers, per_server=per_server)
    try:
        pdf_preflight(options)
    except ConverterUnreachable:
        raise
    except ConverterMissing as exc:
        return None, f"{exc}; the DOCX documents were written"
    return options, None


@click.command()
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


COMMANDS = (generate, new)
