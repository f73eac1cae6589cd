"""The shared deal register: a workbook of leads passed between the parties and their
outcomes (the workspace clause's fields), with the plan's KPIs on a second sheet."""

from __future__ import annotations

from typing import Any

from p2pdocs.compose.textenv import cadence, sentence
from p2pdocs.compose.view import DealView
from p2pdocs.documents.workbook import fixed_bytes

COLUMNS = [
    "Referred by",
    "Referred to",
    "Date",
    "Customer",
    "Opportunity",
    "Stage",
    "Protected until",
    "Outcome",
    "Revenue",
    "Notes",
]
STAGES = ["Lead", "Qualified", "Proposal", "Negotiation", "Closed"]
OUTCOMES = ["Open", "Won", "Lost", "Withdrawn"]
ROWS = 500


def register_xlsx(view: DealView) -> bytes:
    """The register workbook for ``deal``, reproducible (dates from the deal, fixed zip)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    a = view.agreement
    names = list(view.names.values())
    days = a.engagement.protection_days if a.engagement else 90
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Register"
    sheet.append(COLUMNS)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DCE3EE")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    sheet.freeze_panes = "A2"
    for row in range(2, ROWS + 2):
        sheet[f"G{row}"] = f'=IF(C{row}="","",C{row}+{days})'
        sheet[f"C{row}"].number_format = sheet[f"G{row}"].number_format = "yyyy-mm-dd"
        sheet[f"I{row}"].number_format = f'"{a.currency}" #,##0.00'
    parties = DataValidation(type="list", formula1=_list(names), allow_blank=True)
    stages = DataValidation(type="list", formula1=_list(STAGES), allow_blank=True)
    outcomes = DataValidation(type="list", formula1=_list(OUTCOMES), allow_blank=True)
    for validation, columns in ((parties, "AB"), (stages, "F"), (outcomes, "H")):
        validation.error = "Choose a value from the list"
        sheet.add_data_validation(validation)
        for column in columns:
            validation.add(f"{column}2:{column}{ROWS + 1}")
    for column, width in zip("ABCDEFGHIJ", (18, 18, 12, 28, 32, 14, 16, 12, 16, 40), strict=True):
        sheet.column_dimensions[column].width = width
    kpis = book.create_sheet("KPIs")
    kpis.append(["Indicator", "Target", "Period", "Owner", "Actual", "Notes"])
    for cell in kpis[1]:
        cell.font, cell.fill = bold, fill
    kpis.freeze_panes = "A2"
    for row, kpi in enumerate(a.plan.kpis if a.plan else [], start=2):
        values = (kpi.name, kpi.target, sentence(cadence(kpi.period)), view.name(kpi.owner))
        for number, value in enumerate(values, start=1):
            _text(kpis.cell(row, number), value)
    for column, width in zip("ABCDEF", (34, 28, 16, 16, 14, 40), strict=True):
        kpis.column_dimensions[column].width = width
    return fixed_bytes(
        book,
        f"Deal register {a.id}",
        f"Leads and deals under {view.reference}",
        keywords="; ".join(names),
        stamp=f"{a.effective_date.isoformat()}T00:00:00Z",
    )


def _text(cell: Any, value: str) -> None:
    """Store ``value`` as the text it is: openpyxl would take a value starting with ``=``
    for a live formula (``=HYPERLINK(...)``); the quote prefix keeps Excel and Calc from
    reading it as one when the cell is edited."""
    cell.value = value
    cell.data_type = "s"
    cell.quotePrefix = True


def _list(values: list[Any]) -> str:
    return '"' + ",".join(str(v).replace('"', "'").replace(",", " ") for v in values) + '"'
