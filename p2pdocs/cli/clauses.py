"""``p2pdocs clauses``: list the clause library, ``lint`` a library and the templates in
use, ``show`` one clause."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from p2pdocs.cli.handler import handled


@click.group(invoke_without_command=True)
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
