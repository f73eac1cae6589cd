"""The checked values every field of a deal is made of: text without control characters,
ids safe as file names, exact percentages and money, calendar dates, and the enumerations.

:mod:`p2pdocs.deal.terms` builds the deal's objects out of them. A value these checks
refuse is refused with pydantic's own custom error (:class:`PydanticCustomError`): its type
names the check (one of :data:`ERROR_TYPES`) and its message is the final message the user
reads, which :mod:`p2pdocs.deal.validate` gives as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

FORMAT_VERSION = 1

#: The types of the errors the checks of this module raise (their messages are final).
ERROR_TYPES = frozenset(
    {
        "control_character",
        "blank",
        "line_break",
        "reserved_name",
        "trailing_dot",
        "date_as_number",
        "output_name",
        "unknown_party",
        "id_form",
        "email_form",
        "currency_form",
    }
)


def _refused(kind: str, message: str) -> PydanticCustomError:
    """The error of the check ``kind``: ``message`` is shown as it is (braces and all)."""
    return PydanticCustomError(kind, "{message}", {"message": message})


def shown(value: Any) -> str:
    """A value as messages quote it (what was given): text in quotes, cut at 60 characters."""
    if isinstance(value, (Mapping, list)):
        return "a mapping" if isinstance(value, Mapping) else "a list"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _in_form(kind: str, hint: str) -> WrapValidator:
    """A text whose pattern (``Field(pattern=...)``, checked by pydantic and shown in the
    JSON schema) does not match is refused with ``hint`` and what was given."""

    def check(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError as exc:
            if exc.errors()[0]["type"] == "string_pattern_mismatch":
                raise _refused(kind, f"{hint} (got {shown(value)})") from None
            raise

    return WrapValidator(check)


ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
#: the private-use characters p2pdocs marks fields and bookmarks (word/fields.py) and the
#: deal's values (compose/marks.py) with
_RESERVED_MARKS = re.compile("[\ue000-\ue01f]")
_LINE_BREAK = re.compile(r"[\n\t\u2028\u2029]")


def _text(value: str) -> str:
    bad = _CONTROL.search(value)
    if bad:
        raise _refused("control_character", f"contains the control character U+{ord(bad.group()):04X}; remove it")
    bad = _RESERVED_MARKS.search(value)
    if bad:
        message = f"contains the private-use character U+{ord(bad.group()):04X}, which p2pdocs reserves; remove it"
        raise _refused("control_character", message)
    value = value.strip()
    if not value:
        raise _refused("blank", "must not be empty")
    return value


def _line(value: str) -> str:
    value = _text(value)
    if _LINE_BREAK.search(value):
        raise _refused("line_break", "must be a single line (no line breaks or tabs)")
    return value


def check_line(value: str) -> str:
    """One line of text given elsewhere than in a deal (a command-line option that reaches
    a document): the same check as every one-line field of a deal; ValueError says why."""
    if len(value) > 2_000:
        raise ValueError("must be at most 2,000 characters")
    return _line(value)


def _identifier(value: str) -> str:
    if _RESERVED.match(value):
        raise _refused("reserved_name", f"'{value}' is a reserved file name on Windows; choose another id")
    if value.endswith("."):
        raise _refused("trailing_dot", "must not end with '.'")
    return value


def _calendar_date(value: Any) -> Any:
    # pydantic reads a number as seconds since 1970: 1800057600 would be 16 January 2027
    if isinstance(value, (int, float, Decimal)):
        raise _refused("date_as_number", f"must be a date written YYYY-MM-DD, not the number {value}")
    return value


#: Names p2pdocs itself uses in the output folder, beside the deals' folders (the manifest,
#: its lock and temporary names), in any case: no agreement id may take one.
_OUTPUT_NAMES = re.compile(r"^manifest\.|^p2pdocs\.|\.(lock|part|tmp|stale)$", re.IGNORECASE)


def _folder_name(value: str) -> str:
    if _OUTPUT_NAMES.search(value):
        raise _refused(
            "output_name", f"'{value}' is a name p2pdocs uses in the output folder (manifest.json); choose another id"
        )
    return value


def _unsigned(value: Decimal) -> Decimal:
    """``-0.00`` is zero: it must not print as "-0%"."""
    return value.copy_abs() if value.is_zero() else value


def _party_key(value: str, info: ValidationInfo) -> str:
    parties = (info.context or {}).get("parties")
    if parties is not None and value not in parties:
        known = ", ".join(sorted(parties)) or "none"
        raise _refused("unknown_party", f"'{value}' is not a party of this agreement (parties: {known})")
    return value


# Every string of a deal goes through _text (no control characters, not blank): it reaches
# a document or a document property. tests/test_text_checks.py holds every field to it.
#: Free text, possibly several lines: no control characters, not blank.
Text = Annotated[str, Field(min_length=1, max_length=100_000), AfterValidator(_text)]
#: One line of text: a name, a title, an address.
Line = Annotated[str, Field(min_length=1, max_length=2_000), AfterValidator(_line)]
#: An id used in file names.
Id = Annotated[
    str,
    Field(min_length=1, max_length=64, pattern=ID_PATTERN),
    _in_form(
        "id_form",
        "must start with a letter or digit and hold only letters, digits, '.', '_' and '-' (it is used in file names)",
    ),
    AfterValidator(_line),
    AfterValidator(_identifier),
]
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
#: An email address, on one line.
Email = Annotated[
    str,
    Field(pattern=EMAIL_PATTERN, max_length=254),
    _in_form("email_form", "must be an email address"),
    AfterValidator(_line),
]
#: An ISO 4217 currency code.
Currency = Annotated[
    str,
    Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR"),
    _in_form("currency_form", "must be a three-letter ISO 4217 currency code in capitals, such as EUR"),
    AfterValidator(_line),
]
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


class Model(BaseModel):
    """Base of every terms object: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)
