"""The answers that reproduce the reference example in the interview, by prompt.

Each prompt maps to the answers given to it, in order (a prompt asked for each party or
each row appears once per time it is asked). Prompts not listed take their default.
:class:`Scripted` answers them in the interview without a terminal.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from p2pdocs.interview.interview import Prompt
from p2pdocs.playbook.findings import Finding

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
    "Signatory (name, title)": ["Ana Silva, Managing Director", "Dieter Braun, Geschaeftsfuehrer"],
    "Executive sponsor (name, title; empty for none)": [
        "Ben Osei, Chief Operating Officer",
        "Eva Roth, VP Partnerships",
    ],
    "Partner manager (name, email; empty for none)": [
        "Cara Lind, cara.lind@contoso.example",
        "Farid Haddad, farid.haddad@fabrikam.example",
    ],
    "Add another party?": [False],
    "Relationship models (space to select)": [["resale", "referral", "co_delivery"]],
    "Write a partnership plan (objectives, pitch, KPIs, investment)?": [True],
    "Shared objectives (separated by ;)": [
        "Win 12 joint retail customers in the Nordics in 2027; Certify 10 consultants on Retail Cloud"
    ],
    "Target industries (separated by ;, empty for none)": ["Retail; Hospitality"],
    "Target regions (separated by ;, empty for none)": ["Nordics"],
    "Target customer sizes (separated by ;, empty for none)": ["Mid-market"],
    "The joint pitch, in a sentence or two (empty for none)": [
        "Fabrikam's retail cloud, delivered by Contoso's Nordic team: live in 90 days."
    ],
    "What Contoso contributes (separated by ;)": ["Nordic retail customers; Delivery team"],
    "What Fabrikam contributes (separated by ;)": ["Retail Cloud platform"],
    "Maturity of the partnership": ["developing"],
    "Risk": ["Fabrikam direct sales compete for the same stores"],
    "How it is managed": ["Deal registration"],
    "Owner": ["fabrikam"],
    "Add another risk?": [False],
    "KPI": [None, "Return on investment"],
    "Target": ["10 per quarter", "3x in year 2"],
    "Measured": ["quarterly", "annual"],
    "KPI owner": ["contoso", "fabrikam"],
    "Add another KPI?": [True, False],
    "Money Contoso invests (empty for none)": ["50000"],
    "People Contoso invests (empty for none)": ["Two architects half-time"],
    "Assets Fabrikam invests (empty for none)": ["Demo environment"],
    "First health check (YYYY-MM-DD)": ["2027-06-30"],
    "Revenue type": ["saas", "projects", "projects"],
    "Seller (keeps the margin)": ["contoso", "contoso", "fabrikam"],
    "Use the standard margins?": [False, False, False],  # the figures are typed, one by one
    "Margin in year one (%)": ["25", "22", "20"],
    "Margin in later years (%)": ["12.5", "12", "10"],
    "How many margin rows (a seller and a revenue type each; 0 for none)?": ["3"],
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
    "Use the standard governance?": [False],
    "Shared workspace (empty for none)": ["Microsoft Teams"],
    "Use the standard set-up from the agreement?": [False],
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
    "Does the fixed price include the software licences and SaaS?": [False],
    "Parts of the fixed price, party by party (separated by ;)": ["120000; 60000"],
    "Deliverable whose acceptance is go-live (empty for the last one due)": ["Rollout to all stores"],
    "Days of hypercare after go-live (empty for 30, or to the SoW's end)": ["14"],
    "Deliverable whose acceptance makes it due (empty for the SoW's end)": [
        "Solution design",
        "Pilot in three stores",
        "Rollout to all stores",
    ],
    "Products and services of Fabrikam others may resell (separated by ;, empty for none)": [
        "Fabrikam Retail Cloud subscriptions; Retail Cloud add-on modules"
    ],
    "Milestone": ["Solution design accepted", "Pilot live", "Rollout complete"],
    "Share of the fee (%)": ["30", "30", "40"],
    "Add another milestone?": [True, True, False],
}


# The ordinary deal of issue 19: an integrator and an ISV, projects and SaaS margins, one
# SoW, the playbook's standard answers taken wherever they are offered (no plan yet).
ORDINARY: dict[str, list[Any]] = {
    "Agreement id": ["ACME-GLOBEX-2027"],
    "Effective date (YYYY-MM-DD)": ["2027-03-01"],
    "Short key for this party": ["acme", "globex"],
    "Legal name": ["Acme Integration Ltd", "Globex Software GmbH"],
    "Kind of company": ["systems_integrator", "isv"],
    "Jurisdiction of incorporation": ["England and Wales", "Germany"],
    "Registered address": ["2 Queen Street, London EC4N 1SP", "Hauptstrasse 5, 10827 Berlin"],
    "Signatory (name, title)": ["Ann Lee, Managing Director", "Jon Berg, Geschaeftsfuehrer"],
    "Executive sponsor (name, title; empty for none)": ["Sam Hill, COO", "Eva Roth, VP Partnerships"],
    "Partner manager (name, email; empty for none)": ["Kim Park, kim@acme.example", "Ola Nord, ola@globex.example"],
    "Relationship models (space to select)": [["resale", "co_delivery"]],
    "Write a partnership plan (objectives, pitch, KPIs, investment)?": [False],
    "Revenue type": ["projects", "saas"],
    "Seller (keeps the margin)": ["acme", "acme"],
    "Project title": ["CRM roll-out"],
    "Customer": ["Initech AB"],
    "Start date (YYYY-MM-DD)": ["2027-04-01"],
    "End date (YYYY-MM-DD)": ["2027-09-30"],
    "Scope": ["Roll out Globex CRM to 200 users, with data migration and training."],
    "Deliverable": ["Go-live"],
    "Due (YYYY-MM-DD)": ["2027-09-15"],
    "Fixed price": ["120000"],
    # both parties work on the SoW (the standard set-up gives each its role): the fee is split
    "Parts of the fixed price, party by party (separated by ;)": ["90000; 30000"],
    "Milestone": ["Go-live accepted"],
}


class Scripted:
    """Answers each prompt from a script (by message, in order), else with its default;
    records what was asked, said and flagged. A scripted answer the prompt's own check
    rejects is recorded and the next scripted answer is used, as a person would retype."""

    def __init__(self, script: dict[str, list[Any]], keep: Callable[[Finding], bool] = lambda f: True) -> None:
        self.script = copy.deepcopy(script)
        self.keep = keep
        self.asked: list[Prompt] = []
        self.said: list[str] = []
        self.flags: list[Finding] = []
        self.rejected: list[tuple[str, str]] = []

    def section(self, title: str, help: str) -> None:
        self.said.append(f"== {title}")

    def ask(self, prompt: Prompt) -> Any:
        self.asked.append(prompt)
        while True:
            queue = self.script.get(prompt.message)
            answer = queue.pop(0) if queue else None
            if answer is None:  # None in a script: accept the default, as Enter does
                answer = prompt.default
            if prompt.kind == "text" and not isinstance(answer, str):
                answer = "" if answer is None else str(answer)
            problem = prompt.check(answer) if prompt.kind == "text" else None
            if problem is None:
                return answer
            self.rejected.append((prompt.message, problem))
            if not queue:
                raise AssertionError(f"{prompt.message}: {answer!r} rejected ({problem}) and no more answers")

    def say(self, text: str) -> None:
        self.said.append(text)

    def flag(self, finding: Finding) -> bool:
        self.flags.append(finding)
        return self.keep(finding)


def normalise(data: Any) -> Any:
    """Numbers as text so that 12.5 (YAML float) and Decimal('12.5') compare equal."""
    if isinstance(data, dict):
        return {k: normalise(v) for k, v in data.items()}
    if isinstance(data, list):
        return [normalise(v) for v in data]
    if isinstance(data, (int, float)) and not isinstance(data, bool):
        return f"{Decimal(str(data)).normalize():f}"
    if hasattr(data, "normalize"):
        return f"{data.normalize():f}"
    return data
