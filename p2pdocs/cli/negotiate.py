"""The negotiation round: ``review`` a document the counterparty sent back (what they
changed, tied to the deal's terms and the playbook; the memo; the next deal file). The
answer is ``redline RETURNED.docx NEXT.yaml`` (in cli/review.py)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from p2pdocs.cli.handler import handled


@click.command()
@click.argument("document", type=click.Path(path_type=Path))
@click.option(
    "--deal",
    "deal",
    type=click.Path(path_type=Path),
    help="The deal the document answers [default: the one its properties name, found beside it].",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Text for people, JSON for tools, Markdown (the memo).",
)
@click.option(
    "-o", "--out", type=click.Path(path_type=Path), help="Write the negotiation memo (DOCX and Markdown) here."
)
@click.option(
    "--next-deal",
    type=click.Path(path_type=Path),
    help="Write the next round's deal file: the deal with every counterparty change applied.",
)
@click.option("--force", is_flag=True, help="Overwrite files already there.")
@handled
def review(document: Path, deal: Path | None, fmt: str, out: Path | None, next_deal: Path | None, force: bool) -> None:
    """Read the counterparty's returned DOCUMENT: every change and comment, placed by
    section and clause, values tied to the deal's fields, and the playbook on the terms as
    they propose them.

    Exit status 0 when read, 2 when the document cannot be read or has no deal to review
    it against.
    """
    from p2pdocs.documents.negotiation import as_json, as_markdown, as_text
    from p2pdocs.run.answer import review_outputs, write_files
    from p2pdocs.run.nextround import proposal
    from p2pdocs.run.review import review as read_review

    result = proposal(read_review(document, deal))
    files = review_outputs(result, out, next_deal)
    write_files(files, force)
    if fmt == "json":
        click.echo(json.dumps(as_json(result), indent=2, ensure_ascii=False, default=str))
    elif fmt == "markdown":
        click.echo(as_markdown(result))
    else:
        click.echo(as_text(result))
    for path in files:
        click.echo(f"wrote {path}", err=True)


COMMANDS = (review,)
