"""The terms model: what a deal file may say, with types, ranges and enumerations.

Cross-field rules (dates in order, percentages that add up, unique ids) live in
:mod:`p2pdocs.deal.rules`; this module describes the shape of one value at a time. Party keys
are checked against the deal's parties, which the validator passes in as context.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    StrictBool,
    StrictInt,
)

# a party's short name, re-exported for the readers of the model; the rule lives in shortnames
from p2pdocs.deal.plan import Plan
from p2pdocs.deal.shortnames import party_name as party_name
from p2pdocs.deal.values import (
    AgreementId,
    Cadence,
    Currency,
    Date,
    Days,
    DialBack,
    Disclosure,
    DisputeProcess,
    Email,
    Exclusivity,
    Id,
    Line,
    Model,
    Money,
    Months,
    PartyKey,
    PartyType,
    Percent,
    RelationshipModel,
    RevenueType,
    StakeType,
    Text,
)
from p2pdocs.deal.wording import Wording


def _canonical_models(models: list[str]) -> list[str]:
    order = ["referral", "resale", "co_sell", "co_delivery", "teaming"]
    return sorted(models, key=order.index)


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


class ServiceLevel(Model):
    priority: Literal["critical", "high", "normal", "low"]
    response_hours: Annotated[StrictInt, Field(ge=1, le=720)]
    resolve_days: Days = Field(description="Business Days to resolve or give a workaround.")


def _service_levels() -> list[ServiceLevel]:
    """Common practice in public support schedules (conv.)."""
    levels = (("critical", 2, 1), ("high", 4, 3), ("normal", 8, 10))
    return [ServiceLevel(priority=p, response_hours=h, resolve_days=d) for p, h, d in levels]


class SupportServices(Model):
    in_scope: StrictBool
    first_line: PartyKey | None = None
    second_line: PartyKey | None = None
    #: paid by the party receiving the support revenue; not with a support row in margins
    compensation_percent: Percent | None = Field(None, description="Share of support revenue paid to second line.")
    service_levels: list[ServiceLevel] = Field(
        default_factory=_service_levels,
        min_length=1,
        max_length=4,
        description="What second-line support answers to, per priority; default 2h/1, 4h/3, 8h/10 Business Days.",
    )


class Engagement(Model):
    bidirectional: StrictBool = True
    introduced_by: PartyKey | None = Field(
        None,
        description=(
            "When selling runs one way: the party that introduces Opportunities to the others. "
            "Default: every party other than the Prime Partner, introducing to the Prime Partner."
        ),
    )
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
    measured_over_months: Months = Field(
        12,
        description=(
            "The targets are measured over this many months from the effective date; "
            "the stake can be dialled back only at a review after that period."
        ),
    )
    direct_sales: StrictBool = Field(
        True, description="Whether the other parties keep selling their own products directly in the stake's scope."
    )


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
    #: yearly, above the currency's reference rate; default: the statutory rate where the law sets one, else 4%
    late_interest_percent: Percent | None = None
    gross_up: StrictBool = Field(True, description="A payer that must withhold tax pays the payee the full amount.")
    dispute_days: Days = Field(15, description="Days from receipt to dispute an invoice.")
    set_off: StrictBool = Field(False, description="Whether a party may set off undisputed amounts owed to it.")


class Legal(Model):
    confidentiality_years: Annotated[StrictInt, Field(ge=1, le=50)] = 3
    liability_cap_months: Annotated[StrictInt, Field(ge=1, le=120)] = 12
    liability_cap_amount: Money | None = Field(
        None,
        description=(
            "The fixed floor of the liability cap, in the agreement's currency: the cap is the greater of it and "
            "the fees. Default: 250,000 in EUR, USD, CHF or GBP (200,000), else the equivalent of EUR 250,000."
        ),
    )
    liability_super_cap: Money | None = Field(
        None, description="A higher cap for breaches of confidentiality and data protection; default: no cap on them."
    )
    insurance_amount: Money | None = Field(
        None, description="The minimum cover of each insurance a party keeps, per claim; default: none stated."
    )
    non_solicitation_months: Annotated[StrictInt, Field(ge=0, le=60)] = 12


class DataProtection(Model):
    breach_notice_hours: Annotated[StrictInt, Field(ge=1, le=720)] = Field(
        48, description="Hours within which a processor tells the controller of a personal data breach."
    )
    transfers: Literal["safeguarded", "none"] = Field(
        "safeguarded",
        description="Transfers outside the EEA, UK and Switzerland: with safeguards, or none at all.",
    )


class Resale(Model):
    """What a Seller may resell of each Supplier's offering (resale and white label)."""

    products: dict[PartyKey, list[Text]] = Field(
        default_factory=dict, description="Per supplying party, the products and services that may be resold."
    )
    territory: Line | None = Field(None, description="Where they may be resold; default: anywhere lawful.")


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
    resale: Resale = Field(default_factory=Resale)
    data_protection: DataProtection = Field(default_factory=DataProtection)
    wording: list[Wording] = Field(default_factory=list, max_length=2000)


class Deliverable(Model):
    name: Line
    due: Date
    description: Text | None = None


class Milestone(Model):
    name: Line
    percent: Percent
    due: Date | None = Field(None, description="The date it falls due; or give on_acceptance_of.")
    on_acceptance_of: Line | None = Field(None, description="The deliverable whose acceptance makes it due.")


class Rate(Model):
    role: Line
    rate: Money = Field(description="Rate per day, in the agreement's currency.")


class Fees(Model):
    model: Literal["fixed", "time_and_materials"]
    amount: Money | None = Field(None, description="The fixed price; required for fixed fees.")
    rate_card: list[Rate] = Field(default_factory=list, max_length=100)
    estimate_days: Annotated[Decimal, Field(gt=0, le=1_000_000, decimal_places=2)] | None = None
    expenses: Literal["included", "at_cost", "none"] = "included"
    by_party: dict[PartyKey, Money] = Field(
        default_factory=dict,
        description=(
            "Fixed fees: each working party's part of the price, summing to the amount. Required when several "
            "parties have responsibilities or staff; the Prime Partner invoices the Customer, the others the Prime."
        ),
    )
    licences_included: StrictBool = Field(
        False, description="Whether the price includes the software licences and SaaS subscriptions the solution needs."
    )


class StaffRole(Model):
    role: Line
    party: PartyKey
    name: Line | None = None
    allocation_percent: Percent | None = None


class CustomerContract(Model):
    reference: Line | None = None
    start: Date | None = Field(None, description="When the customer contract started: Contract Year 1 begins then.")
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
    go_live: Line | None = Field(
        None, description="The deliverable whose acceptance is go-live; default: the last due."
    )
    hypercare_days: Days | None = Field(
        None, description="Days of hypercare after go-live, within the SoW; default: 30 or to the SoW's end."
    )
    fees: Fees
    milestones: list[Milestone] = Field(default_factory=list, max_length=1000)
    staffing: list[StaffRole] = Field(default_factory=list, max_length=500)
    status_cadence: Cadence = "weekly"
    customer_contract: CustomerContract | None = None
    wording: list[Wording] = Field(default_factory=list, max_length=2000)


class Deal(Model):
    """A whole deal file: the format version, the agreement and its statements of work."""

    p2pdocs: Literal[1] = Field(description="The deal file format; this version reads format 1.")
    agreement: Agreement
    statements_of_work: list[StatementOfWork] = Field(default_factory=list, max_length=1000)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a deal file."""
    schema = Deal.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "p2pdocs deal file, format 1"
    return schema
