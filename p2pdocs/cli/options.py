"""Command-line option types that check a value the way the deal file checks its own."""

from __future__ import annotations

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
