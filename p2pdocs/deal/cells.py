"""One spreadsheet cell as a deal value: numbers as the user typed them (exact decimals,
never floats), percentages as the cell shows them, dates that are dates; each refusal
says what is wrong with the cell. A CSV cell is text, read by the column's kind."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

#: what a refused cell is told
Refusal = str

_WHOLE = re.compile(r"[+-]?\d+")


def exact(number: int | float | Decimal) -> Decimal:
    """``number`` as the decimal it was typed as: a float read from a workbook is the
    shortest decimal that reads back as it (12.5, never 12.5000000000000001)."""
    value = Decimal(repr(number)) if isinstance(number, float) else Decimal(number)
    return plain(value)


def plain(value: Decimal) -> Decimal:
    """Without trailing zeros or an exponent: 12.500 -> 12.5, 2.5E+1 -> 25."""
    if not value.is_finite():
        return value
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value  # type: ignore[operator]


def _is_percent(number_format: str) -> bool:
    """Whether a number format shows its value times 100 (a % outside quotes)."""
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format or "")


def workbook_value(kind: str, value: Any, number_format: str, data_type: str) -> tuple[Any, Refusal | None]:
    """A workbook cell's value for a column of ``kind`` (see :class:`p2pdocs.deal.columns.Column`)."""
    if value is None:
        return None, None
    if data_type == "e":
        return None, f"the cell holds the error {value}; type the value"
    if isinstance(value, str):
        text = value.strip()
        if kind == "date":
            return None, f"a date typed as text ({text!r}); enter it as a date, so the cell holds one"
        if kind == "percent" and text.endswith("%"):
            return text[:-1].strip(), None
        return text, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, datetime | date | time):
        if kind == "date":
            if isinstance(value, datetime):
                if value.time() != time(0):
                    return None, f"holds a time of day ({value.isoformat(sep=' ')}); enter the date alone"
                return value.date(), None
            if isinstance(value, date):
                return value, None
        if kind in ("text", "unknown") and isinstance(value, date) and not isinstance(value, datetime):
            return value.isoformat(), None
        return None, f"holds a date or time ({value}) where {_expected(kind)} is expected"
    if isinstance(value, int | float | Decimal):
        if kind == "date":
            return None, f"holds the number {exact(value)}, not a date; format the cell as a date (YYYY-MM-DD)"
        number = exact(value)
        if kind == "percent" and _is_percent(number_format):
            number = plain(number * 100)  # the cell shows 12.5% and stores 0.125
        if kind == "integer":
            return (int(number), None) if number == number.to_integral_value() else (number, None)
        if kind in ("text", "enum", "unknown"):
            return str(number), None
        return number, None
    return None, f"holds a value of an unknown kind ({type(value).__name__})"


def text_value(kind: str, text: str) -> Any:
    """A CSV cell's text for a column of ``kind``: whole numbers and TRUE/FALSE read as
    such, a percentage may end in %, everything else stays text for the deal's checks."""
    text = text.strip()
    if kind == "integer" and _WHOLE.fullmatch(text):
        return int(text)
    if kind == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if kind == "percent" and text.endswith("%"):
        return text[:-1].strip()
    return text


def _expected(kind: str) -> str:
    return {
        "integer": "a whole number",
        "decimal": "a number",
        "percent": "a percentage",
        "boolean": "TRUE or FALSE",
        "enum": "a value from the list",
    }.get(kind, "text")
