"""Calendar arithmetic and the way dates read in the documents."""

from __future__ import annotations

import calendar
from datetime import MAXYEAR, MINYEAR, date, timedelta


class OutOfRange(ValueError):
    """A date computed from a deal falls outside the years 1 to 9999."""


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months``, clamped to the end of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if not MINYEAR <= year <= MAXYEAR:
        raise OutOfRange(f"falls in the year {year}, outside the calendar (years {MINYEAR} to {MAXYEAR})")
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(day: date, months: int) -> date:
    """The last day of a period of ``months`` that starts on ``day`` (the day before
    ``day`` moved by ``months``): 2027-01-15 and 24 months end on 2029-01-14."""
    if day.day == 1 and day.year * 12 + day.month - 1 + months == (MAXYEAR + 1) * 12:
        return date(MAXYEAR, 12, 31)  # the day after is 1 January 10000, outside the calendar
    return add_days(add_months(day, months), -1)


def add_days(day: date, days: int) -> date:
    """``day`` moved by ``days`` (negative: earlier)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        year = "before the year 1" if days < 0 else f"after the year {MAXYEAR}"
        raise OutOfRange(f"falls {year}, outside the calendar (years {MINYEAR} to {MAXYEAR})") from None


#: the months in English, whatever the process's locale (``calendar.month_name`` follows
#: LC_TIME, and asks the C library on every call)
MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: date) -> str:
    """``2027-01-15`` -> ``15 January 2027``."""
    return f"{day.day} {MONTHS[day.month]} {day.year}"
