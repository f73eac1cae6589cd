"""Calendar arithmetic and the way dates read in the documents."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months``, clamped to the end of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def long_date(day: date) -> str:
    """``2027-01-15`` -> ``15 January 2027``."""
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"
