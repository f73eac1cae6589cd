"""The terms model: what a deal file may say, with types, ranges and enumerations.

Cross-field rules (dates in order, percentages that add up, unique ids) live in
:mod:`p2pdocs.deal.rules`; this module describes the shape of one value at a time. Party keys
are checked against the deal's parties, which the validator passes in as context.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationInfo,
)

from p2pdocs.deal import shortnames

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


def _canonical_models(models: list[str]) -> list[str]:
    order = ["referral", "resale", "co_sell", "co_delivery", "teaming"]
    return sorted(models, key=order.index)


class Model(BaseModel):
    """Base of every terms object: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Person(Model):
    name: Line
    title: Line


class Contact(Model):
    name: Line
    email: Email
    title: Line | None = None


class Party(Model):
    legal_name: Line
    type: PartyType
    jurisdiction: Line
    address: Line
    signatory: Person
    sponsor: Person | None = None
    partner_manager: Contact | None = None
    short_name: Line | None = Field(
        None,
        description=(
            "How the documents call the party, e.g. Contoso. Default: the legal name without its company form "
            "at the end (Ltd, GmbH, Inc., SAS...), accents kept. Two parties may not have the same short name."
        ),
    )
    company_number: Line | None = None


class Margin(Model):
    revenue_type: RevenueType
    seller: PartyKey = Field(description="The party that sells and keeps the margin.")
    by_year: list[Percent] = Field(
        min_length=1,
        max_length=10,
        description="Margin per contract year; the last figure holds for every later year.",
    )

    def at_year(self, contract_year: int) -> Decimal:
        """The margin in ``contract_year`` (1-based): the last figure holds for later years."""
        return self.by_year[min(contract_year, len(self.by_year)) - 1]


class Referral(Model):
    fee_percent: Percent
    lookback_days: Days = 90
    tail_months: Months = 12
    fee_months: Months = Field(12, description="The fee is due on revenue of this many months.")


class SupportServices(Model):
    in_scope: StrictBool
    first_line: PartyKey | None = None
    second_line: PartyKey | None = None
    compensation_percent: Percent | None = Field(
        None, description="Share of support revenue paid to the party giving second-line support."
    )


class Engagement(Model):
    bidirectional: StrictBool = True
    deal_registration: StrictBool = True
    protection_days: Days = 90


class Visibility(Model):
    disclosure: Disclosure
    co_branding: StrictBool = False


class Enablement(Model):
    joint_training: StrictBool = True
    cross_certification: StrictBool = True
    due_days: Days = 90
    certified_people: Annotated[StrictInt, Field(ge=1, le=100_000)] | None = None


class Stake(Model):
    party: PartyKey
    type: StakeType
    scope: Text
    exclusivity: Exclusivity
    targets: list[Text] = Field(default_factory=list, max_length=50)
    review: Cadence | None = None
    dial_back: DialBack | None = None


class Governance(Model):
    agenda_owner: PartyKey | None = None
    meetings: Cadence | None = None
    executive_review: Cadence | None = None
    satisfaction_reviews: Cadence | None = None
    workspace: Line | None = None


class Disputes(Model):
    process: DisputeProcess
    tier1_days: Days = 15
    tier2_days: Days = 30
    arbitration_rules: Line | None = Field(None, description="Required for escalation_arbitration.")
    arbitration_seat: Line | None = Field(None, description="Required for escalation_arbitration.")
    courts: Line | None = Field(None, description="Courts for escalation_courts; default: the governing law's.")


class Term(Model):
    initial_months: Months
    auto_renew: StrictBool = False
    renewal_months: Months = 12
    nonrenewal_notice_days: Days = 60
    convenience_notice_days: Days | None = None
    dormancy_months: Months | None = None
    cure_days: Days = 30


class Payment(Model):
    days: Days = 30
    statements: Cadence = "monthly"


class Legal(Model):
    confidentiality_years: Annotated[StrictInt, Field(ge=1, le=50)] = 3
    liability_cap_months: Annotated[StrictInt, Field(ge=1, le=120)] = 12
    non_solicitation_months: Annotated[StrictInt, Field(ge=0, le=60)] = 12


Maturity = Literal["basic", "developing", "established", "dynamic"]


class Segments(Model):
    industries: list[Line] = Field(default_factory=list, max_length=50)
    regions: list[Line] = Field(default_factory=list, max_length=50)
    customer_sizes: list[Line] = Field(default_factory=list, max_length=20)


class Risk(Model):
    risk: Text
    mitigation: Text
    owner: PartyKey


class Kpi(Model):
    name: Line
    target: Line
    period: Cadence
    owner: PartyKey


class Investment(Model):
    money: Money | None = Field(None, description="Amount the party invests, in the agreement's currency.")
    people: Line | None = None
    assets: Line | None = None


class Plan(Model):
    """The partnership plan: a non-binding annex the agreement reviews against."""

    objectives: list[Text] = Field(min_length=1, max_length=50)
    segments: Segments | None = None
    pitch: Text | None = None
    contributions: dict[PartyKey, list[Text]] = Field(default_factory=dict)
    maturity: Maturity | None = None
    risks: list[Risk] = Field(default_factory=list, max_length=100)
    kpis: list[Kpi] = Field(default_factory=list, max_length=100)
    investment: dict[PartyKey, Investment] = Field(default_factory=dict)
    first_health_check: Date | None = Field(None, description="Default: six months after the effective date.")


class Agreement(Model):
    id: AgreementId
    status: Literal["draft", "final"] = "draft"
    title: Line = "Partnering Agreement"
    effective_date: Date
    governing_law: Line
    currency: Currency
    parties: dict[Id, Party] = Field(min_length=2, max_length=10)
    models: Annotated[list[RelationshipModel], AfterValidator(_canonical_models)] = Field(
        min_length=1, description="A set: kept in the format's order (referral, resale, co_sell, co_delivery, teaming)."
    )
    prime_partner: PartyKey
    margins: list[Margin] = Field(default_factory=list, max_length=60)
    referral: Referral | None = None
    support_services: SupportServices | None = None
    engagement: Engagement | None = None
    visibility: Visibility | None = None
    enablement: Enablement | None = None
    ownership: list[Stake] = Field(default_factory=list, max_length=50)
    governance: Governance | None = None
    disputes: Disputes | None = None
    term: Term
    payment: Payment = Field(default_factory=Payment)
    legal: Legal = Field(default_factory=Legal)
    plan: Plan | None = None


class Deliverable(Model):
    name: Line
    due: Date
    description: Text | None = None


class Milestone(Model):
    name: Line
    percent: Percent
    due: Date | None = None


class Rate(Model):
    role: Line
    rate: Money = Field(description="Rate per day, in the agreement's currency.")


class Fees(Model):
    model: Literal["fixed", "time_and_materials"]
    amount: Money | None = Field(None, description="The fixed price; required for fixed fees.")
    rate_card: list[Rate] = Field(default_factory=list, max_length=100)
    estimate_days: Annotated[Decimal, Field(gt=0, le=1_000_000, decimal_places=2)] | None = None
    expenses: Literal["included", "at_cost", "none"] = "included"


class StaffRole(Model):
    role: Line
    party: PartyKey
    name: Line | None = None
    allocation_percent: Percent | None = None


class CustomerContract(Model):
    reference: Line | None = None
    flow_down: list[Text] = Field(default_factory=list, max_length=100)


class StatementOfWork(Model):
    id: Id
    title: Line
    customer: Line
    prime: PartyKey
    start: Date
    end: Date
    contract_year: Annotated[StrictInt, Field(ge=1, le=50)] = 1
    scope: Text
    out_of_scope: list[Text] = Field(default_factory=list, max_length=500)
    assumptions: list[Text] = Field(default_factory=list, max_length=500)
    responsibilities: dict[PartyKey, list[Text]] = Field(default_factory=dict)
    customer_lead: PartyKey | None = None
    deliverables: list[Deliverable] = Field(default_factory=list, max_length=1000)
    acceptance_days: Days = 10
    fees: Fees
    milestones: list[Milestone] = Field(default_factory=list, max_length=1000)
    staffing: list[StaffRole] = Field(default_factory=list, max_length=500)
    status_cadence: Cadence = "weekly"
    customer_contract: CustomerContract | None = None


class Deal(Model):
    """A whole deal file: the format version, the agreement and its statements of work."""

    p2pdocs: Literal[1] = Field(description="The deal file format; this version reads format 1.")
    agreement: Agreement
    statements_of_work: list[StatementOfWork] = Field(default_factory=list, max_length=1000)


def party_name(agreement: Agreement, key: str) -> str:
    """The short name the documents use for a party (the rule: :func:`p2pdocs.deal.shortnames.short_name`)."""
    return shortnames.short_name(key, agreement.parties[key])


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a deal file."""
    schema = Deal.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "p2pdocs deal file, format 1"
    return schema
