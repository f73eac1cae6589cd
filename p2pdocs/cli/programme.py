"""The partner-programme commands: ``sheet`` (a spreadsheet to fill, one row per partner),
``portfolio`` (every agreement and its deadlines, and a calendar), and ``--sheet`` for
``generate`` and ``check``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from p2pdocs.cli.handler import handled
from p2pdocs.errors import SheetUsage

#: ``--sheet FILE``: the deals are a partner sheet's rows over the programme PATH's defaults
sheet_option = click.option(
    "--sheet",
    type=click.Path(path_type=Path),
    default=None,
    help="A partner sheet (.xlsx or .csv): each row a deal over the defaults of the programme PATH.",
)


def deal_inputs(paths: tuple[Path, ...], sheet: Path | None) -> Any:
    """The deals of a run: the files and folders given, or a sheet's rows over a programme."""
    if sheet is None:
        from p2pdocs.deal.inputs import Inputs

        return Inputs(list(paths))
    if len(paths) != 1:
        raise SheetUsage("with --sheet, give one programme file (its defaults: apply to every row)")
    if sheet.suffix.lower() not in (".xlsx", ".csv"):
        raise SheetUsage(f"{sheet}: a partner sheet is a .xlsx workbook or a .csv file")
    from p2pdocs.deal.sheet import SheetInputs

    return SheetInputs(paths[0], sheet)


@click.command()
@click.argument("programme", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), required=True, help="partners.xlsx or .csv")
@click.option("--force", is_flag=True, help="Overwrite OUT.")
@handled
def sheet(programme: Path, out: Path, force: bool) -> None:
    """Write a partner sheet for PROGRAMME: a column per field its deals give, its first
    deal as an example row, and (in a workbook) a Columns sheet explaining each column."""
    from p2pdocs.documents.partnersheet import Layout, sheet_csv, sheet_xlsx
    from p2pdocs.run.outputs import check_free, write_atomic

    kind = out.suffix.lower()
    if kind not in (".xlsx", ".csv"):
        raise SheetUsage(f"{out}: write the sheet as .xlsx or .csv")
    layout = Layout(programme)
    check_free([out], force)
    write_atomic(out, sheet_xlsx(layout) if kind == ".xlsx" else sheet_csv(layout))
    click.echo(f"wrote {out} ({len(layout.columns)} columns; row 2 is an example: overwrite or delete it)")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), required=True, help="The portfolio .xlsx to write.")
@click.option("--calendar", type=click.Path(path_type=Path), help="Also write the deadlines as an .ics calendar.")
@click.option(
    "--manifest", "manifest", type=click.Path(path_type=Path), help="A run's manifest.json: list the documents."
)
@click.option(
    "--remind-days",
    type=click.IntRange(min=0, max=3650),
    default=30,
    show_default=True,
    help="Calendar reminder, days ahead of each notice date.",
)
@sheet_option
@click.option("--force", is_flag=True, help="Overwrite OUT and the calendar.")
@handled
def portfolio(
    paths: tuple[Path, ...],
    out: Path,
    calendar: Path | None,
    manifest: Path | None,
    remind_days: int,
    sheet: Path | None,
    force: bool,
) -> None:
    """Write a workbook with one row per agreement in PATHS: parties, margins, term,
    notice dates, health check, status and findings (and, with --manifest, documents)."""
    from p2pdocs.errors import InvalidInput
    from p2pdocs.run.deadlines import calendar_ics
    from p2pdocs.run.outputs import check_free, write_atomic
    from p2pdocs.run.portfolio import add_manifest, lines, portfolio_xlsx

    inputs = deal_inputs(paths, sheet)
    if inputs.problems:
        raise InvalidInput(inputs.problems)
    targets = [out, *([calendar] if calendar else [])]
    check_free(targets, force)
    found = lines(inputs)
    if manifest is not None:
        add_manifest(found, manifest)
    write_atomic(out, portfolio_xlsx(found, documents=manifest is not None))
    message = f"wrote {out} ({len(found)} agreement{'s' if len(found) != 1 else ''})"
    if calendar:
        write_atomic(calendar, calendar_ics(found, remind_days))
        events = sum(len(line.deadlines) for line in found)
        message += f" and {calendar} ({events} deadlines)"
    click.echo(message)


COMMANDS: tuple[click.Command, ...] = (sheet, portfolio)
