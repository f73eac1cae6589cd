"""A partner sheet's rows as deals: each row (a .xlsx workbook or a .csv file) merged over
the programme's ``defaults`` exactly as a batch file's deals are.

Row 1 names a field path per column (``agreement.parties.partner.legal_name``); a column
with an empty header is a note and is not read; an empty row is skipped. Every problem
names its cell, ``partners.xlsx:Partners!C7: field.path: message`` (CSV:
``partners.csv:7: ...``), or the line of the programme's defaults its value came from;
all of a row's problems at once, and one bad row fails alone. The sheet is read twice as
a stream (first for the count and the agreement ids, so that a duplicate id fails both
rows before anything is generated), never held.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from p2pdocs.deal.cells import text_value, workbook_value
from p2pdocs.deal.columns import Column, column, letter, parse_path
from p2pdocs.deal.inputs import Entry, _has, deep_merge, scan
from p2pdocs.deal.validate import Place, validate_deal
from p2pdocs.deal.yamlsource import Loc, Source
from p2pdocs.errors import InvalidInput, Problem
from p2pdocs.word.package import Unreadable

SHEET_TITLE = "Partners"
#: one row: its number (the line of a CSV record), and per column its value or refusal
Row = tuple[int, list[tuple[Any, str | None]]]


def programme_header(programme: Path) -> tuple[Source, list[Problem]]:
    """The programme (a batch file) read for its defaults: its header, or what is wrong."""
    found = scan(programme)
    problems = [p for p in found.problems if not p.message.startswith("the batch file holds no deals")]
    if not problems and (not found.batch or found.header is None):
        problems = [Problem(str(programme), 1, "", "not a programme: expected a batch file with defaults: and deals:")]
    return found.header or Source(str(programme), {}), problems


class SheetInputs:
    """The deals of a partner sheet, streamed in row order, as :class:`p2pdocs.deal.inputs.Inputs` gives files'."""

    def __init__(self, programme: Path, sheet: Path) -> None:
        self.name = str(sheet)
        self.csv = sheet.suffix.lower() == ".csv"
        self.header, self.problems = programme_header(programme)
        self.defaults = self.header.data.get("defaults") or {}
        self.columns: list[Column | None] = []
        self.total = 0
        self._book: Any = None
        self._ids: dict[str, list[tuple[int, str]]] = {}
        if self.problems:
            return
        try:
            if not self.csv:
                from p2pdocs.deal.xlsxread import Sheet

                self._book = Sheet(sheet, SHEET_TITLE)
                self.title = self._book.title
            self._count(sheet)
        except Unreadable as exc:
            self.problems = [Problem(self.name, 0, "", f"cannot be read: {exc}")]
        except OSError as exc:
            self.problems = [Problem(self.name, 0, "", f"cannot read: {exc.strerror or exc}")]
        except UnicodeDecodeError:
            self.problems = [Problem(self.name, 0, "", "is not UTF-8 text; save it as CSV UTF-8")]
        except csv.Error as exc:
            self.problems = [Problem(self.name, 0, "", f"is not a readable CSV file: {exc}")]
        self.path = sheet

    def cell(self, row: int, index: int) -> tuple[str, int]:
        """The file and line a problem of this cell is shown at."""
        if self.csv:
            return self.name, row
        return f"{self.name}:{self.title}!{letter(index)}{row}", 0

    # -- reading rows -------------------------------------------------------------------

    def _rows(self, path: Path) -> Iterator[Row]:
        if self.csv:
            yield from self._csv_rows(path)
        else:
            yield from self._xlsx_rows()

    def _csv_rows(self, path: Path) -> Iterator[Row]:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
            handle.seek(0)
            delimiter = max(",;\t", key=first.count)
            reader = csv.reader(handle, delimiter=delimiter)
            line = 1
            for record in reader:
                cells: list[tuple[Any, str | None]] = [(text, None) for text in record]
                if line == 1:
                    yield line, cells
                else:
                    kinds = [c.kind if c else "text" for c in self.columns]
                    yield (
                        line,
                        [(text_value(kinds[i], v) if i < len(kinds) else v, None) for i, (v, _) in enumerate(cells)],
                    )
                line = reader.line_num + 1

    def _xlsx_rows(self) -> Iterator[Row]:
        book = self._book
        book.sheet.reset_dimensions()  # a stale <dimension> would cut rows short
        merged = _merged_cells(book.merged)
        for number, cells in enumerate(book.rows(), start=1):
            values: list[tuple[Any, str | None]] = []
            for i, cell in enumerate(cells):
                where = f"{letter(i)}{number}"
                if where in merged:
                    values.append((None, f"a merged cell ({merged[where]}); unmerge it, a value in each cell"))
                elif where in book.uncached:
                    values.append(
                        (
                            None,
                            "a formula with no computed value; open and save the workbook in Excel or "
                            "LibreOffice so it is calculated, or type the value",
                        )
                    )
                elif number == 1:
                    values.append((cell.value, None))
                else:
                    col = self.columns[i] if i < len(self.columns) else None
                    kind = col.kind if col else "text"
                    values.append(workbook_value(kind, cell.value, cell.number_format or "", cell.data_type or ""))
            yield number, values

    # -- first pass -------------------------------------------------------------------

    def _count(self, path: Path) -> None:
        rows = self._rows(path)
        head = next(rows, None)
        if head is None:
            self.problems = [Problem(self.name, 0, "", "the sheet is empty: row 1 names a field path per column")]
            return
        self.columns = self._header(head)
        if self.problems:
            return
        id_col = next((i for i, c in enumerate(self.columns) if c and c.loc == ("agreement", "id")), None)
        default_id = self.defaults.get("agreement", {}).get("id") if isinstance(self.defaults, Mapping) else None
        for number, cells in rows:
            if not _filled(cells):
                continue
            self.total += 1
            given = cells[id_col][0] if id_col is not None and id_col < len(cells) else None
            agreement_id = given if isinstance(given, str) and given else default_id
            if isinstance(agreement_id, str):
                self._ids.setdefault(agreement_id.casefold(), []).append((number, agreement_id))
        if not self.total:
            self.problems = [Problem(self.name, 0, "", "the sheet has no partner rows below its header (row 1)")]

    def _header(self, head: Row) -> list[Column | None]:
        columns: list[Column | None] = []
        seen: dict[Loc, int] = {}
        for i, (value, refusal) in enumerate(head[1]):
            file, line = self.cell(1, i)
            text = str(value).strip() if value is not None else ""
            if refusal:
                self.problems.append(Problem(file, line, "", refusal))
            if not text:
                columns.append(None)
                continue
            loc = parse_path(text)
            col = column(loc) if loc else None
            if loc is None or col is None or col.kind == "unknown":
                self.problems.append(
                    Problem(file, line, "", f"{text!r} is not a field of the deal file (p2pdocs schema lists them)")
                )
                columns.append(None)
                continue
            for other, j in seen.items():
                if other[: len(loc)] == loc or loc[: len(other)] == other:
                    self.problems.append(
                        Problem(
                            file, line, col.path, f"column {letter(j)} gives this value already ({column(other).path})"
                        )
                    )
            seen[loc] = i
            columns.append(col)
        return columns

    # -- second pass ------------------------------------------------------------------

    def __iter__(self) -> Iterator[Entry]:
        if self.problems:
            return
        rows = self._rows(self.path)
        next(rows, None)
        for number, cells in rows:
            if _filled(cells):
                yield self._entry(number, cells)
        if self._book is not None:
            self._book.close()

    def _entry(self, number: int, cells: list[tuple[Any, str | None]]) -> Entry:
        raw: dict[str, Any] = {}
        where: dict[Loc, int] = {}
        refused: list[Problem] = []
        for i, (value, refusal) in enumerate(cells):
            col = self.columns[i] if i < len(self.columns) else None
            if refusal is not None:
                file, line = self.cell(number, i)
                refused.append(Problem(file, line, col.path if col else "", refusal))
                if col:
                    where[col.loc] = i
            elif col is not None and not _empty(value):
                _put(raw, col.loc, value)
                where[col.loc] = i
        raw, gaps = _lists(raw, ())
        for loc in gaps:
            i = min(j for key, j in where.items() if key[: len(loc)] == loc)
            file, line = self.cell(number, i)
            col = self.columns[i]
            path = col.path if col else ""
            refused.append(Problem(file, line, path, "an earlier item of this list is empty; fill a list from [0] on"))
        given = raw.get("agreement", {}).get("id") if isinstance(raw.get("agreement"), Mapping) else None
        label = given if isinstance(given, str) else f"{self.cell(number, 0)[0]}"
        entry = Entry(label, self.name, number)
        merged = deep_merge(self.defaults, raw)
        try:
            entry.deal = validate_deal(merged, self._locator(number, raw, where))
            entry.id = entry.deal.agreement.id
        except InvalidInput as exc:
            bad = {p.file for p in refused} if not self.csv else set()
            entry.problems = [p for p in exc.problems if p.file not in bad]
        if refused:
            entry.deal, entry.problems = None, refused + entry.problems
        elif entry.deal is not None:
            self._check_unique(entry, number)
        return entry

    def _locator(self, number: int, raw: Any, where: dict[Loc, int]) -> Any:
        def locate(loc: Loc) -> Place:
            for end in range(len(loc), -1, -1):
                prefix = loc[:end]
                exact_col = where.get(prefix) if end else None
                if exact_col is None and end == len(loc):
                    exact_col = next((i for i, c in enumerate(self.columns) if c and c.loc == loc), None)
                if exact_col is not None:
                    file, line = self.cell(number, exact_col)
                    return Place(file, line, ())
                under = [i for key, i in where.items() if end and key[:end] == prefix]
                if under:
                    file, line = self.cell(number, min(under))
                    return Place(file, line, ())
                if end and _has(self.defaults, prefix):
                    return Place(self.header.file, self.header.line_of(("defaults", *prefix)), ("defaults",))
            file, line = self.cell(number, 0)
            return Place(file, line, ())

        return locate

    def _check_unique(self, entry: Entry, number: int) -> None:
        key = entry.id or ""
        others = [(row, given) for row, given in self._ids.get(key.casefold(), []) if row != number]
        col = next((i for i, c in enumerate(self.columns) if c and c.loc == ("agreement", "id")), 0)
        file, line = self.cell(number, col)
        for row, other in others:
            also = self.cell(row, col)
            place = also[0] if not self.csv else f"{also[0]}:{also[1]}"
            if other == key:
                message = f"agreement id '{key}' is used twice in this sheet (also {place})"
            else:
                message = f"agreement id '{key}' differs only in case from '{other}' ({place}): one folder on macOS"
            entry.problems.append(Problem(file, line, "agreement.id", message))
        if others:
            entry.deal = None


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _filled(cells: list[tuple[Any, str | None]]) -> bool:
    return any(not _empty(value) or refusal for value, refusal in cells)


def _merged_cells(ranges: list[str]) -> dict[str, str]:
    """Every cell of every merged range -> the range."""
    from openpyxl.utils import range_boundaries

    cells: dict[str, str] = {}
    for ref in ranges:
        try:
            low_col, low_row, high_col, high_row = range_boundaries(ref)
        except ValueError:
            continue
        for row in range(low_row or 1, (high_row or 1) + 1):
            for col in range(low_col or 1, (high_col or 1) + 1):
                cells[f"{letter(col - 1)}{row}"] = ref
    return cells


def _put(data: dict[Any, Any], loc: Loc, value: Any) -> None:
    for part in loc[:-1]:
        data = data.setdefault(part, {})
    data[loc[-1]] = value


def _lists(data: Any, base: Loc) -> tuple[Any, list[Loc]]:
    """Mappings keyed by item numbers become lists; the locations of lists with a hole."""
    if not isinstance(data, dict):
        return data, []
    gaps: list[Loc] = []
    items = {}
    for key, value in data.items():
        items[key], found = _lists(value, (*base, key))
        gaps += found
    if items and all(isinstance(k, int) for k in items):
        numbers = sorted(items)
        if numbers != list(range(len(numbers))):
            gaps.append(base)
        return [items[k] for k in numbers], gaps
    return items, gaps
