"""The command line's group: the global options and every command, each from the module of
cli/ named for what it does (``generate``: generate and new; ``review``: check, verify,
redline, schema; ``negotiate``: review a returned document; ``clauses``: the clause
library; ``programme``: sheet and portfolio). A new command goes in a module of its own,
added to :data:`COMMANDS` here."""

from __future__ import annotations

from pathlib import Path

import click

from p2pdocs import __version__
from p2pdocs.cli import generate, negotiate, programme, review
from p2pdocs.cli.clauses import clauses
from p2pdocs.cli.handler import handled

COMMANDS: tuple[click.Command, ...] = (
    *generate.COMMANDS,
    *review.COMMANDS,
    *negotiate.COMMANDS,
    clauses,
    *programme.COMMANDS,
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


for _command in COMMANDS:
    main.add_command(_command)

__all__ = ["clauses", "main"]

if __name__ == "__main__":  # pragma: no cover
    main()
