"""The checked values every field of a deal is made of: text without control characters,
ids safe as file names, exact percentages and money, calendar dates, and the enumerations.

:mod:`p2pdocs.deal.terms` builds the deal's objects out of them.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, StrictInt, ValidationInfo

FORMAT_VERSION = 1

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_LINE_BREAK = re.compile(r"[\n\t\u2028\u2029]")


def _text(value: str) -> str:
    bad = _CONTROL.search(value)
    if bad:
        raise ValueError(f"contains the control character U+{ord(bad.group()):04X}; remove it")
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


def _line(value: str) -> str:
    value = _text(value)
    if _LINE_BREAK.search(value):
        raise ValueError("must be a single line (no line breaks or tabs)")
    return value


def check_line(value: str) -> str:
    """One line of text given elsewhere than in a deal (a command-line option that reaches
    a document): the same check as every one-line field of a deal; ValueError says why."""
    if len(value) > 2_000:
        raise ValueError("must be at most 2,000 characters")
    return _line(value)


def _identifier(value: str) -> str:
    if _RESERVED.match(value):
        raise ValueError(f"'{value}' is a reserved file name on Windows; choose another id")
    if value.endswith("."):
        raise ValueError("must not end with '.'")
    return value


def _calendar_date(value: Any) -> Any:
    # pydantic reads a number as seconds since 1970: 1800057600 would be 16 January 2027
    if isinstance(value, (int, float, Decimal)):
        raise ValueError(f"must be a date written YYYY-MM-DD, not the number {value}")
    return value


#: Names p2pdocs itself uses in the output folder, beside the deals' folders (the manifest,
#: its lock and temporary names), in any case: no agreement id may take one.
_OUTPUT_NAMES = re.compile(r"^manifest\.|^p2pdocs\.|\.(lock|part|tmp|stale)$", re.IGNORECASE)


def _folder_name(value: str) -> str:
    if _OUTPUT_NAMES.search(value):
        raise ValueError(f"'{value}' is a name p2pdocs uses in the output folder (manifest.json); choose another id")
    return value


def _unsigned(value: Decimal) -> Decimal:
    """``-0.00`` is zero: it must not print as "-0%"."""
    return value.copy_abs() if value.is_zero() else value


def _party_key(value: str, info: ValidationInfo) -> str:
    parties = (info.context or {}).get("parties")
    if parties is not None and value not in parties:
        known = ", ".join(sorted(parties)) or "none"
        raise ValueError(f"'{value}' is not a party of this agreement (parties: {known})")
    return value


# Every string of a deal goes through _text (no control characters, not blank): it reaches
# a document or a document property. tests/test_text_checks.py holds every field to it.
#: Free text, possibly several lines: no control characters, not blank.
Text = Annotated[str, Field(min_length=1, max_length=100_000), AfterValidator(_text)]
#: One line of text: a name, a title, an address.
Line = Annotated[str, Field(min_length=1, max_length=2_000), AfterValidator(_line)]
#: An id used in file names.
Id = Annotated[
    str, Field(min_length=1, max_length=64, pattern=ID_PATTERN), AfterValidator(_line), AfterValidator(_identifier)
]
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
#: An email address, on one line.
Email = Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=254), AfterValidator(_line)]
#: An ISO 4217 currency code.
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR"), AfterValidator(_line)]
#: An agreement id: its deal's folder in the output folder.
AgreementId = Annotated[Id, AfterValidator(_folder_name)]
#: The key of one of the agreement's parties.
PartyKey = Annotated[Id, AfterValidator(_party_key)]
#: A percentage, exact, 0 to 100, at most two decimals.
Percent = Annotated[Decimal, Field(ge=0, le=100, decimal_places=2, allow_inf_nan=False), AfterValidator(_unsigned)]
#: An amount of money, exact, at most two decimals.
Money = Annotated[Decimal, Field(ge=0, le=10**12, decimal_places=2, allow_inf_nan=False), AfterValidator(_unsigned)]
#: A calendar date, written YYYY-MM-DD (never a number).
Date = Annotated[date, BeforeValidator(_calendar_date)]
Days = Annotated[StrictInt, Field(ge=1, le=3650)]
Months = Annotated[StrictInt, Field(ge=1, le=600)]

PartyType = Literal["isv", "systems_integrator", "msp", "csp", "consultancy", "other"]
RelationshipModel = Literal["referral", "resale", "co_sell", "co_delivery", "teaming"]
RevenueType = Literal["projects", "saas", "licences", "support", "managed", "other"]
Disclosure = Literal["disclosed", "on_request", "white_label"]
StakeType = Literal[
    "region",
    "territory",
    "industry",
    "named_accounts",
    "add_on",
    "training",
    "events",
    "thought_leadership",
    "consulting_ip",
]
Exclusivity = Literal["exclusive", "preferred", "non_exclusive"]
DialBack = Literal["ladder", "revoke"]
Cadence = Literal["weekly", "fortnightly", "monthly", "quarterly", "semi_annual", "annual"]
DisputeProcess = Literal["escalation", "escalation_mediation", "escalation_arbitration", "escalation_courts"]
