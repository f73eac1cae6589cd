"""The answers that reproduce the reference example in the interview, by prompt.

Each prompt maps to the answers given to it, in order (a prompt asked for each party or
each row appears once per time it is asked). Prompts not listed take their default.
"""

from __future__ import annotations

from typing import Any

EXAMPLE_ANSWERS: dict[str, list[Any]] = {
    "Agreement id": ["CONTOSO-FABRIKAM-2027"],
    "Effective date (YYYY-MM-DD)": ["2027-01-15"],
    "Short key for this party": ["contoso", "fabrikam"],
    "Legal name": ["Contoso Consulting Ltd", "Fabrikam Software GmbH"],
    "Short name in the documents (empty for the default)": ["Contoso", "Fabrikam"],
    "Kind of company": ["systems_integrator", "isv"],
    "Jurisdiction of incorporation": ["England and Wales", "Germany"],
    "Registered address": [
        "1 King Street, London EC2V 8AU, United Kingdom",
        "Friedrichstrasse 10, 10117 Berlin, Germany",
    ],
    "Signatory's name": ["Ana Silva", "Dieter Braun"],
    "Signatory's title": ["Managing Director", "Geschaeftsfuehrer"],
    "Executive sponsor's name (empty for none)": ["Ben Osei", "Eva Roth"],
    "Executive sponsor's title": ["Chief Operating Officer", "VP Partnerships"],
    "Partner manager's name (empty for none)": ["Cara Lind", "Farid Haddad"],
    "Partner manager's email": ["cara.lind@contoso.example", "farid.haddad@fabrikam.example"],
    "Add another party?": [False],
    "Relationship models (space to select)": [["resale", "referral", "co_delivery"]],
    "Which party usually originates the deals?": ["contoso"],
    "Write a partnership plan (objectives, pitch, KPIs, investment)?": [False],
    "Revenue type": ["saas", "projects", "projects"],
    "Seller (keeps the margin)": ["contoso", "contoso", "fabrikam"],
    "Margin in year one (%)": ["25", "22", "20"],
    "Margin in later years (%)": ["12.5", "12", "10"],
    "Add another margin row?": [True, True, False],
    "Second-line support": ["fabrikam"],
    "Grant any ownership stakes?": [True],
    "Held by": ["contoso"],
    "Kind of stake": ["territory"],
    "Scope": [
        "Denmark, Finland, Norway and Sweden",
        "Replace the in-store point-of-sale software in 40 Northwind "
        "stores with Fabrikam Retail Cloud, including data migration and staff training.",
    ],
    "Exclusivity": ["exclusive"],
    "Targets (separated by ;)": ["EUR 500000 of partner-sourced annual recurring revenue within 12 months"],
    "Add another ownership stake?": [False],
    "Shared workspace (empty for none)": ["Microsoft Teams"],
    "Project title": ["Point-of-sale modernisation"],
    "Customer": ["Northwind Traders AB"],
    "Start date (YYYY-MM-DD)": ["2027-02-01"],
    "End date (YYYY-MM-DD)": ["2027-07-31"],
    "Out of scope (separated by ;, empty for none)": ["Store hardware; Payment terminal certification"],
    "Responsibilities of Contoso (separated by ;)": [
        "Project management; Customer contract and invoicing; First-line support"
    ],
    "Responsibilities of Fabrikam (separated by ;)": [
        "Platform configuration; Data migration tooling; Second-line support"
    ],
    "Deliverable": ["Solution design", "Pilot in three stores", "Rollout to all stores"],
    "Due (YYYY-MM-DD)": ["2027-03-01", "2027-04-30", "2027-07-15"],
    "Add another deliverable?": [True, True, False],
    "Fixed price": ["180000"],
    "Milestone": ["Solution design accepted", "Pilot live", "Rollout complete"],
    "Share of the fee (%)": ["30", "30", "40"],
    "Add another milestone?": [True, True, False],
    "Add another statement of work?": [False],
}
