"""Command-line options shared by several commands, and option types that check a value
the way the deal file checks its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click


class DocumentLine(click.ParamType[str]):
    """An option that reaches a document (the redline's author): checked as every one-line
    field of a deal is (no control characters, one line, not blank)."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from p2pdocs.deal.values import check_line

        try:
            return check_line(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DOCUMENT_LINE = DocumentLine()


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
    help="Stop LibreOffice when a deal's documents take longer [default: 120 s plus 10 s per document].",
)


class Servers(click.ParamType[tuple[str, ...]]):
    """``HOST:PORT,...``: the unoserver instances of ``--pdf-servers``."""

    name = "HOST:PORT,..."

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, ...]:
        from p2pdocs.pdf.servers import parse_servers

        if isinstance(value, tuple):
            return value
        try:
            return parse_servers(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


#: Where PDFs are made when a site runs conversion servers.
pdf_servers_option = click.option(
    "--pdf-servers",
    type=Servers(),
    default=None,
    help="Convert on these unoserver instances instead of a LibreOffice per worker (with --pdf).",
)
pdf_server_jobs_option = click.option(
    "--pdf-server-jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Documents each conversion server is sent at once, from each worker.",
)
