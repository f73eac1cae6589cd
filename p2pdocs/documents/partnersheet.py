"""The partner sheet of a programme: a workbook (or CSV file) with one column per field
that varies per partner, taken from the programme's own deals, the first of them as an
example row, and a second sheet that explains each column (from the JSON Schema)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from p2pdocs.deal.batchfile import deals_of
from p2pdocs.deal.cells import plain
from p2pdocs.deal.columns import Column, column, leaves, letter, ordered_union, party_key
from p2pdocs.deal.inputs import _has
from p2pdocs.deal.sheet import SHEET_TITLE, programme_header
from p2pdocs.deal.yamlsource import Loc
from p2pdocs.documents.workbook import fixed_bytes, header_row, text_cell
from p2pdocs.errors import InvalidInput, Problem

#: the rows a drop-down list and a column's format reach (a whole sheet's)
LAST_ROW = 1_048_576
FORMATS = {"date": "yyyy-mm-dd", "percent": "0.00%", "text": "@", "enum": "@"}
KINDS = {
    "text": "text",
    "enum": "one of the list",
    "party": "a party's key",
    "integer": "whole number",
    "decimal": "number",
    "percent": "percentage (type 12.5 or 12.5%)",
    "boolean": "TRUE or FALSE",
    "date": "date",
}


class Layout:
    """The columns of a programme's sheet, its example row and its defaults."""

    def __init__(self, programme: Path) -> None:
        header, problems = programme_header(programme)
        if problems:
            raise InvalidInput(problems)
        self.defaults: Any = header.data.get("defaults") or {}
        orders: list[list[Loc]] = []
        self.example: dict[Loc, Any] = {}
        #: the party keys the programme uses, for the drop-down lists of columns that name a party
        self.parties: list[str] = list(_party_keys(self.defaults))
        with programme.open("rb") as handle:
            for raw, _, found in deals_of(handle, str(programme)):
                if found or not isinstance(raw, Mapping):
                    continue
                pairs = list(leaves({k: v for k, v in raw.items() if k != "p2pdocs"}))
                self.parties += [key for key in _party_keys(raw) if key not in self.parties]
                orders.append([loc for loc, _ in pairs])
                if not self.example:
                    self.example = dict(pairs)
        locs = ordered_union(iter(orders))
        if not locs:
            raise InvalidInput(
                [Problem(str(programme), 1, "deals", "the programme has no deal to take the columns from; give one")]
            )
        first = ("agreement", "id")
        self.columns: list[Column] = [column(loc) for loc in [first, *(loc for loc in locs if loc != first)]]

    def default(self, loc: Loc) -> Any:
        """The programme's default for the value at ``loc`` (None when it gives none)."""
        if not _has(self.defaults, loc):
            return None
        data: Any = self.defaults
        for part in loc:
            data = data[part]
        return None if isinstance(data, Mapping | list) else data


def _party_keys(deal: Any) -> list[str]:
    agreement = deal.get("agreement") if isinstance(deal, Mapping) else None
    parties = agreement.get("parties") if isinstance(agreement, Mapping) else None
    return [str(key) for key in parties] if isinstance(parties, Mapping) else []


def shown(value: Any, kind: str) -> str:
    """A value as text, as a CSV cell holds it."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(plain(value))
    return str(value)


def sheet_csv(layout: Layout) -> bytes:
    """The sheet as CSV (UTF-8 with a byte-order mark, so that Excel reads it as UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.path for c in layout.columns])
    writer.writerow([shown(layout.example[c.loc], c.kind) if c.loc in layout.example else "" for c in layout.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def sheet_xlsx(layout: Layout) -> bytes:
    """The sheet as a workbook: the Partners sheet and the Columns sheet that explains it."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    header_row(sheet, [c.path for c in layout.columns], freeze="B2")
    for i, col in enumerate(layout.columns):
        name = letter(i)
        sheet.column_dimensions[name].width = max(12, min(42, len(col.path) * 0.8))
        fmt = FORMATS.get(col.kind)
        if fmt:
            sheet.column_dimensions[name].number_format = fmt
        choices = col.choices if col.kind == "enum" else ("TRUE", "FALSE") if col.kind == "boolean" else ()
        if party_key(col.loc):
            choices = tuple(layout.parties)
        if choices:
            check = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
            check.error, check.errorTitle = f"Choose one of: {', '.join(choices)}", col.path
            sheet.add_data_validation(check)
            check.add(f"{name}2:{name}{LAST_ROW}")
        if col.loc in layout.example:
            _example(sheet.cell(2, i + 1), col, layout.example[col.loc])
    guide = book.create_sheet("Columns")
    header_row(guide, ["Column", "Field", "Kind", "Required", "Allowed values", "Programme default", "Description"])
    for i, col in enumerate(layout.columns, start=2):
        default = layout.default(col.loc)
        cells = [
            letter(i - 2),
            col.path,
            KINDS["party"] if party_key(col.loc) else KINDS.get(col.kind, col.kind) + _range(col),
            "yes" if col.required and default is None else "",
            ", ".join(layout.parties if party_key(col.loc) else col.choices),
            "" if default is None else shown(default, col.kind),
            col.description,
        ]
        for j, value in enumerate(cells, start=1):
            text_cell(guide.cell(i, j), value)
    for name, width in zip("ABCDEFG", (8, 44, 26, 10, 40, 24, 80), strict=True):
        guide.column_dimensions[name].width = width
    return fixed_bytes(book, "Partner sheet", "One row per partner: p2pdocs generate PROGRAMME --sheet FILE")


def _example(cell: Any, col: Column, value: Any) -> None:
    if col.kind == "percent" and isinstance(value, int | Decimal) and not isinstance(value, bool):
        cell.value = plain(Decimal(value) / 100)
    elif col.kind in ("text", "enum") or isinstance(value, str):
        text_cell(cell, str(value))
    else:
        cell.value = value
    fmt = FORMATS.get(col.kind)
    if fmt:
        cell.number_format = fmt


def _range(col: Column) -> str:
    if col.kind == "integer" and col.minimum is not None and col.maximum is not None:
        return f", {col.minimum} to {col.maximum}"
    return ""
