"""Money flows that are self-contained, SoW mechanics that work, no leaks, and the money,
resale, data and support clauses: each on deals made to exercise it (parties, models, SoW
fee models varied), asserting on the text a reader of the documents sees."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from p2pdocs.compose.view import deal_view
from p2pdocs.deal.validate import load_deal
from p2pdocs.documents import memo
from p2pdocs.documents.builders import documents
from p2pdocs.errors import InvalidInput
from p2pdocs.run.generate import library, render_document
from p2pdocs.word.render import docx_text

Change = Callable[[dict[str, Any]], None]

LITWARE = {
    "legal_name": "Litware Inc.",
    "type": "msp",
    "jurisdiction": "Ireland",
    "address": "1 Dock Road, Dublin 2, Ireland",
    "signatory": {"name": "Lee Park", "title": "CEO"},
}


def texts(path: Path) -> dict[str, str]:
    """Every document of the deal at ``path``, generated in-process, as one line of text."""
    deal = load_deal(path)
    view = deal_view(deal)
    docs = documents(deal, library(), view)
    out = {doc.filename: " ".join(docx_text(render_document(doc)).split()) for doc in docs}
    out["memo"] = " ".join(memo.markdown(memo.build(view, docs, [])).split())
    return out


def problems(path: Path) -> list[str]:
    """The problems validation finds, as ``field: message``."""
    with pytest.raises(InvalidInput) as caught:
        load_deal(path)
    return [f"{p.path}: {p.message}" for p in caught.value.problems]


def sow(d: dict[str, Any]) -> dict[str, Any]:
    first: dict[str, Any] = d["statements_of_work"][0]
    return first


def three_parties(d: dict[str, Any]) -> None:
    d["agreement"]["parties"]["litware"] = dict(LITWARE)
    s = sow(d)
    s["responsibilities"]["litware"] = ["Store network readiness"]
    s["fees"]["by_party"] = {"contoso": 100000, "fabrikam": 60000, "litware": 20000}


# --- class 4: money flows -------------------------------------------------------------


def test_support_split_twice_is_refused(write_deal: Callable[..., Path]) -> None:
    def change(d: dict[str, Any]) -> None:
        d["agreement"]["margins"].append({"revenue_type": "support", "seller": "contoso", "by_year": [20]})

    (found,) = [p for p in problems(write_deal(change)) if "support" in p]
    assert found.startswith("agreement.support_services.compensation_percent: support revenue is already split")


def test_support_is_paid_by_the_party_that_receives_its_revenue(write_deal: Callable[..., Path]) -> None:
    def change(d: dict[str, Any]) -> None:
        d["agreement"]["support_services"]["first_line"] = "fabrikam"
        d["agreement"]["support_services"]["second_line"] = "contoso"

    t = texts(write_deal(change))["partnering-agreement.docx"]
    assert "Support is sold to the Customer by the Prime Partner of the Customer contract" in t
    assert "that Prime Partner pays Contoso 15% of the Net Revenue it receives for the support" in t
    assert "No amount is due where Contoso is itself the Prime Partner" in t
    assert "support that Fabrikam sells" not in t


def test_support_row_is_the_only_mechanism(write_deal: Callable[..., Path]) -> None:
    def change(d: dict[str, Any]) -> None:
        del d["agreement"]["support_services"]["compensation_percent"]
        d["agreement"]["margins"].append({"revenue_type": "support", "seller": "contoso", "by_year": [30, 20]})

    t = texts(write_deal(change))["partnering-agreement.docx"]
    assert "Support is paid for only under Section 7: where a Seller sells support supplied by another Party" in t
    assert "Support services | Contoso | 30% | 20%" in t
    assert "have not agreed compensation for support" not in t and "pays Fabrikam 15%" not in t


def test_fixed_price_split_between_three_parties(write_deal: Callable[..., Path]) -> None:
    docs = texts(write_deal(three_parties))
    t = docs["sow-SOW-001.docx"]
    for expected in (
        "Contoso, as Prime Partner, invoices the Customer the whole fee, and each other Party invoices Contoso",
        "Party | Part of the fee | Invoices | Amount invoiced",
        "Contoso | EUR 100,000.00 | The Customer | EUR 180,000.00",
        "Fabrikam | EUR 60,000.00 | Contoso | EUR 46,800.00 (its part less Contoso's Margin of 22%)",
        "Litware | EUR 20,000.00 | Contoso | EUR 15,600.00 (its part less Contoso's Margin of 22%)",
        "Total | EUR 180,000.00",
        "each once Contoso has invoiced the Customer for that milestone, and Contoso pays it under Section 12 of "
        "the Agreement",
        "The fixed price covers the services only",
    ):
        assert expected in t, expected
    assert "for their part of the work, as the Agreement provides" not in t
    agreement = docs["partnering-agreement.docx"]
    assert "invoices the Prime Partner the part of the price that the SoW's fee table allots to it" in agreement
    assert "paid for them as that SoW says" not in agreement


def test_fee_table_without_margin_and_with_licences(write_deal: Callable[..., Path]) -> None:
    def change(d: dict[str, Any]) -> None:
        d["agreement"]["margins"] = [m for m in d["agreement"]["margins"] if m["revenue_type"] != "projects"]
        sow(d)["fees"]["licences_included"] = True

    t = texts(write_deal(change))["sow-SOW-001.docx"]
    assert "Fabrikam | EUR 60,000.00 | Contoso | EUR 60,000.00 (no Margin)" in t
    assert "The fixed price includes the software licences and SaaS subscriptions the solution needs" in t


@pytest.mark.parametrize(
    ("by_party", "says"),
    [
        (None, "fees.by_party: missing: several parties work under this SoW (contoso, fabrikam)"),
        ({"contoso": 120000, "fabrikam": 50000}, "fees.by_party: the parts add up to 170,000, not the fixed price"),
        ({"contoso": 180000}, "fees.by_party: missing: fabrikam works under this SoW"),
    ],
)
def test_fee_table_is_checked(by_party: dict[str, int] | None, says: str, write_deal: Callable[..., Path]) -> None:
    def change(d: dict[str, Any]) -> None:
        if by_party is None:
            del sow(d)["fees"]["by_party"]
        else:
            sow(d)["fees"]["by_party"] = by_party

    assert any(says in p for p in problems(write_deal(change))), problems(write_deal(change))


def test_one_party_doing_all_the_work_keeps_the_fee(write_deal: Callable[..., Path]) -> None:
    def change(d: dict[str, Any]) -> None:
        s = sow(d)
        del s["fees"]["by_party"]
        s["responsibilities"] = {"contoso": ["Everything"]}

    t = texts(write_deal(change))["sow-SOW-001.docx"]
    assert "Contoso, as Prime Partner, does all the work under this SoW, invoices the Customer the whole fee" in t
    assert "Part of the fee" not in t


def test_time_and_materials_each_party_invoices_its_days(write_deal: Callable[..., Path]) -> None:
    def change(d: dict[str, Any]) -> None:
        s = sow(d)
        s["fees"] = {
            "model": "time_and_materials",
            "estimate_days": 40,
            "rate_card": [{"role": "Consultant", "rate": 1000}],
        }
        s["staffing"] = [{"role": "Consultant", "party": "fabrikam"}]

    t = texts(write_deal(change))["sow-SOW-001.docx"]
    assert (
        "Contoso, as Prime Partner, invoices the Customer for all the days worked. Each other Party invoices Contoso "
        "monthly in arrears for the days its own staff worked, at the rates above less the Margin of 22% that Contoso "
        "keeps on projects"
    ) in t


def test_referral_only_deal(write_deal: Callable[..., Path]) -> None:
    def change(d: dict[str, Any]) -> None:
        a = d["agreement"]
        a["models"] = ["referral"]
        a["margins"] = []
        a.pop("ownership")
        d["statements_of_work"] = []

    t = texts(write_deal(change))["partnering-agreement.docx"]
    for expected in (
        'A referral qualifies when a Party (the "Referring Party") introduces a Customer to another Party',
        "A referred Customer contracts with the Receiving Party, which is the Prime Partner for it. The Referring "
        "Party earns its fee even where it would otherwise be the Prime Partner",
        "in the first 12 months after signature",
        "The fee is earned on contracts signed while this Agreement is in force and on those signed within 12 months "
        "after it ends, for Customers introduced before it ended",
        "the protection protects the Referring Party's fee, not the Opportunity: the Receiving Party pursues the "
        "Customer and leads contact with it",
    ):
        assert expected in t, expected
    assert "without the Referring Party being the Prime Partner" not in t
    assert "for referrals that qualified before it ended" not in t


def test_default_prime_gives_way_to_a_referral(write_deal: Callable[..., Path]) -> None:
    t = texts(write_deal())["partnering-agreement.docx"]
    assert (
        "the Prime Partner is Contoso, except for a Customer referred under Section 10, for which the Receiving Party "
        "is the Prime Partner"
    ) in t
    assert "would otherwise be the Prime Partner under Section 2" in t


# --- class 9: SoW mechanics ------------------------------------------------------------


def test_milestones_fall_due_on_a_deliverable_or_a_date(write_deal: Callable[..., Path]) -> None:
    def change(d: dict[str, Any]) -> None:
        milestones = sow(d)["milestones"]
        milestones[1] = {"name": "Pilot live", "percent": 30, "due": "2027-05-15"}
        milestones[2] = {"name": "Rollout complete", "percent": 40}

    docs = texts(write_deal(change))
    t = docs["sow-SOW-001.docx"]
    assert "Solution design accepted | 30% | EUR 54,000.00 | On acceptance of Solution design" in t
    assert "Pilot live | 30% | EUR 54,000.00 | 15 May 2027" in t
    assert "Rollout complete | 40% | EUR 72,000.00 | 31 July 2027 (end of this SoW)" in t
    assert "| On acceptance |" not in t
    assert "milestone 'Rollout complete' names no deliverable or date" in docs["memo"]


def test_milestone_on_something_that_is_not_a_deliverable(write_deal: Callable[..., Path]) -> None:
    def change(d: dict[str, Any]) -> None:
        sow(d)["milestones"][1]["on_acceptance_of"] = "Pilot live"

    path = write_deal(change)
    assert (
        "statements_of_work[0].milestones[1].on_acceptance_of: 'Pilot live' is not a deliverable of this SoW "
        "(deliverables: 'Solution design', 'Pilot in three stores', 'Rollout to all stores')"
    ) in problems(path)
    result = run_cli("check", str(path))
    assert result.exit_code == 2
    assert "statements_of_work[0].milestones[1].on_acceptance_of: 'Pilot live' is not a deliverable" in result.output


def test_go_live_and_hypercare_inside_the_sow(write_deal: Callable[..., Path]) -> None:
    def change(d: dict[str, Any]) -> None:
        s = sow(d)
        del s["go_live"], s["hypercare_days"]

    t = texts(write_deal(change))["sow-SOW-001.docx"]
    assert 'In this SoW, "go-live" means the acceptance of the deliverable "Rollout to all stores" under Section 5' in t
    assert (
        "From go-live until the earlier of 30 days after it and the end of this SoW on 31 July 2027, the Parties give "
        "the Customer hypercare"
    ) in t
    assert "For the first 30 days after go-live" not in t


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        (
            "hypercare_days",
            30,
            "hypercare_days: hypercare after go-live ('Rollout to all stores', due 15 July 2027) "
            "would run to 14 August 2027, past the SoW's end (31 July 2027)",
        ),
        ("go_live", "Launch", "go_live: 'Launch' is not a deliverable of this SoW"),
    ],
)
def test_go_live_and_hypercare_are_checked(field: str, value: Any, says: str, write_deal: Callable[..., Path]) -> None:
    def change(d: dict[str, Any]) -> None:
        sow(d)[field] = value

    assert any(says in p for p in problems(write_deal(change)))


def test_contract_year_from_the_customer_contract(write_deal: Callable[..., Path]) -> None:
    def change(d: dict[str, Any]) -> None:
        s = sow(d)
        s["contract_year"] = 2
        s["customer_contract"] = {"start": "2026-01-10"}

    t = texts(write_deal(change))["sow-SOW-001.docx"]
    assert "The Customer contract started on 10 January 2026, so its Contract Year 2 runs from 10 January 2027" in t
    assert "SaaS subscriptions | Contoso | 2 | 12.5%" in t
    assert '(the "Customer")' not in t
    assert "for Northwind Traders AB, the Customer of this project" in t


def test_contract_year_by_agreement_and_checked(write_deal: Callable[..., Path]) -> None:
    def year_two(d: dict[str, Any]) -> None:
        sow(d)["contract_year"] = 2

    t = texts(write_deal(year_two))["sow-SOW-001.docx"]
    assert "the Parties agree that all work under this SoW falls in Contract Year 2 of the Customer contract" in t

    def wrong(d: dict[str, Any]) -> None:
        sow(d)["customer_contract"] = {"start": "2025-06-01"}

    assert any(
        "contract_year: the SoW starts on 1 February 2027, outside Contract Year 1 of a customer contract that "
        "started on 1 June 2025" in p
        for p in problems(write_deal(wrong, name="wrong.yaml"))
    )


# --- class 10: leaks -------------------------------------------------------------------


def test_no_leaks_without_plan_or_legal(write_deal: Callable[..., Path]) -> None:
    def change(d: dict[str, Any]) -> None:
        del d["agreement"]["plan"]

    docs = texts(write_deal(change))
    t, m = docs["partnering-agreement.docx"], docs["memo"]
    assert "No partnership plan is given." in m and "No a " not in m
    assert (
        "Non-solicitation runs for 12 months after the end (legal.non_solicitation_months; 12 unless the deal sets it)"
        in m
    )
    assert "The deal keeps non-solicitation" not in m
    assert "first health check" not in t and "15 July 2027" not in t
    assert "The Parties review the relationship against the Partnership Plan at least once a year" in t


def test_investment_table_never_says_none(write_deal: Callable[..., Path]) -> None:
    t = texts(write_deal())["partnership-plan.docx"]
    assert "Fabrikam | Not stated | Not stated | Demo environment" in t
    assert "None" not in t


# --- added clauses ---------------------------------------------------------------------


def test_resale_appointment_with_products_and_eula(write_deal: Callable[..., Path]) -> None:
    t = texts(write_deal())["partnering-agreement.docx"]
    assert (
        "Appointment to resell 3.1 Fabrikam appoints the other Parties, on a non-exclusive basis, to resell to "
        "Customers the following of its products and services, of which it is the Supplier: Fabrikam Retail Cloud "
        "subscriptions and Retail Cloud add-on modules."
    ) in t
    assert "(a) Fabrikam" not in t


def test_resale_appointment_by_several_suppliers(write_deal: Callable[..., Path]) -> None:
    def change(d: dict[str, Any]) -> None:
        three_parties(d)
        d["agreement"]["resale"] = {
            "products": {"fabrikam": ["Retail Cloud"], "litware": ["Managed networks"]},
            "territory": "the Nordic countries",
        }

    t = texts(write_deal(change))["partnering-agreement.docx"]
    assert (
        "Each Party named below appoints the other Parties, on a non-exclusive basis, to resell to Customers in the "
        "Nordic countries the products and services listed against its name, of which it is the Supplier: "
        "(a) Fabrikam: Retail Cloud; and (b) Litware: Managed networks."
    ) in t
    assert "under the Supplier's end-user terms" in t
    assert "Seller may use its own end-user terms instead" not in t


def test_white_label_without_resale_gets_the_appointment(write_deal: Callable[..., Path]) -> None:
    def change(d: dict[str, Any]) -> None:
        a = d["agreement"]
        a["models"] = ["co_delivery"]
        a["visibility"] = {"disclosure": "white_label"}
        del a["resale"]

    t = texts(write_deal(change))["partnering-agreement.docx"]
    assert "the products and services it lists in writing as available for resale" in t
    assert "the Seller may use its own end-user terms instead, provided they protect the Supplier" in t


def test_no_resale_no_appointment(write_deal: Callable[..., Path]) -> None:
    def change(d: dict[str, Any]) -> None:
        d["agreement"]["models"] = ["referral", "co_delivery"]

    assert "Appointment to resell" not in texts(write_deal(change))["partnering-agreement.docx"]


@pytest.mark.parametrize(
    ("law", "payment", "says"),
    [
        ("England and Wales", {}, "carries interest and compensation under the Late Payment of Commercial Debts"),
        (
            "Germany",
            {},
            "carries interest at the statutory rate for late payment in commercial transactions under "
            "the law of Germany",
        ),
        (
            "the State of New York",
            {},
            "carries simple interest at 4% a year above the main refinancing rate of the European Central Bank",
        ),
        (
            "England and Wales",
            {"late_interest_percent": 8},
            "carries simple interest at 8% a year above the main "
            "refinancing rate of the European Central Bank, from the due date until payment, which the Parties agree "
            "is a substantial remedy",
        ),
    ],
)
def test_late_payment_interest_follows_the_law(
    law: str, payment: dict[str, Any], says: str, write_deal: Callable[..., Path]
) -> None:
    def change(d: dict[str, Any]) -> None:
        d["agreement"]["governing_law"] = law
        d["agreement"]["payment"] = payment

    assert says in texts(write_deal(change))["partnering-agreement.docx"]


def test_tax_disputed_invoices_and_set_off(write_deal: Callable[..., Path]) -> None:
    t = texts(write_deal())["partnering-agreement.docx"]
    assert "the invoice carries no value added tax, states that the reverse charge applies" in t
    assert "it increases the payment so that, after the withholding or deduction" in t
    assert "within 15 days of receiving it, and pays the undisputed part when due" in t
    assert "without set-off or counterclaim" in t

    def change(d: dict[str, Any]) -> None:
        a = d["agreement"]
        a["parties"]["fabrikam"]["jurisdiction"] = "England and Wales"
        a["payment"] = {"gross_up": False, "set_off": True, "dispute_days": 10}

    t = texts(write_deal(change, name="other.yaml"))["partnering-agreement.docx"]
    assert "reverse charge" not in t
    assert "pays the amount less the tax withheld" in t
    assert "within 10 days of receiving it" in t
    assert "A Party may set off against an amount it owes" in t and "without set-off" not in t


def test_no_money_no_payment_clauses(write_deal: Callable[..., Path]) -> None:
    def change(d: dict[str, Any]) -> None:
        a = d["agreement"]
        a["models"] = ["co_sell"]
        a["margins"] = []
        a["support_services"] = {"in_scope": False}
        d["statements_of_work"] = []

    t = texts(write_deal(change))["partnering-agreement.docx"]
    for title in ("Payment", "Tax", "Disputed invoices and set-off"):
        assert f" {title} " not in t.split("Parties and background")[0], title


def test_data_processing_clause_works(write_deal: Callable[..., Path]) -> None:
    t = texts(write_deal())["partnering-agreement.docx"]
    for expected in (
        "each Party is an independent controller",
        "the Processor: (a) processes it only on the Controller's documented instructions",
        "encryption in transit and at rest",
        "within 48 hours of becoming aware of it",
        "standard contractual clauses approved under Data Protection Law (with the UK addendum",
    ):
        assert expected in t, expected
    assert "sign a data processing agreement" not in t

    def change(d: dict[str, Any]) -> None:
        d["agreement"]["data_protection"] = {"breach_notice_hours": 24, "transfers": "none"}

    t = texts(write_deal(change, name="other.yaml"))["partnering-agreement.docx"]
    assert "within 24 hours" in t and "or allows it to be accessed, outside the European Economic Area" in t


def test_second_line_service_levels(write_deal: Callable[..., Path]) -> None:
    t = texts(write_deal())["partnering-agreement.docx"]
    assert (
        "(a) for requests of critical priority, a response within 2 hours and a resolution or workaround within "
        "1 Business Day;" in t
    )
    assert "(c) for requests of normal priority, a response within 8 hours" in t

    def change(d: dict[str, Any]) -> None:
        d["agreement"]["support_services"]["service_levels"] = [
            {"priority": "critical", "response_hours": 1, "resolve_days": 1}
        ]

    t = texts(write_deal(change, name="other.yaml"))["partnering-agreement.docx"]
    assert (
        "Fabrikam responds to each request Contoso passes on within 1 hour, and "
        "resolves it or gives a workaround that lets the Customer continue to work within 1 Business Day" in t
    )
    assert "(a) for requests" not in t
    assert "normal priority" not in t

    def same_line(d: dict[str, Any]) -> None:
        d["agreement"]["support_services"]["second_line"] = "contoso"

    assert (
        "Service levels for second-line support"
        not in texts(write_deal(same_line, name="x.yaml"))["partnering-agreement.docx"]
    )
